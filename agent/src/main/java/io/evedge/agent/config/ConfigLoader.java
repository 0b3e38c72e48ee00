package io.evedge.agent.config;

import io.evedge.drivers.modbus.ModbusClients;
import io.evedge.agent.signal.CanDerivations;
import io.evedge.drivers.can.CanMappings;
import io.evedge.drivers.can.SlcanBitrate;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.proto.AgentConfig;
import io.evedge.proto.CanBusConfig;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the agent's YAML configuration strictly (see {@link ProtoYaml}) and checks what the schema
 * alone cannot: every device has exactly one transport, names are unique, profiles exist and load, CAN
 * mappings load and name only messages, signals and agent signals that exist.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * A checked configuration with the device profiles it refers to, by device name, and the
   * compiled CAN mappings, by bus name.
   */
  public record Loaded(Path file, AgentConfig config, Map<String, DeviceProfile> profiles,
      Map<String, CanMappings.Compiled> canMappings) {

    /** A configuration without CAN buses. */
    public Loaded(Path file, AgentConfig config, Map<String, DeviceProfile> profiles) {
      this(file, config, profiles, Map.of());
    }
  }

  public static Loaded load(Path file) throws ConfigException {
    String source = file.toString();
    AgentConfig config = ProtoYaml.read(file, AgentConfig.newBuilder()).build();
    List<ConfigException.Problem> problems = new ArrayList<>();
    Map<String, DeviceProfile> profiles = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < config.getModbusCount(); i++) {
      ModbusDeviceConfig d = config.getModbus(i);
      String path = "modbus[" + i + "]";
      if (!names.add(d.getName())) {
        problems.add(new ConfigException.Problem(source, path + ".name", 0,
            "duplicate device name '" + d.getName() + "'; each device needs its own name"));
      }
      List<String> transports = ModbusClients.transports(d);
      if (transports.isEmpty()) {
        problems.add(new ConfigException.Problem(source, path, 0, "no transport: expected one of "
            + "tcp: {host: ..., port: 502}, serial: {port: /dev/ttyUSB0, ...} or rtu_over_tcp: {host: ..., port: ...}"));
      } else if (transports.size() > 1) {
        problems.add(new ConfigException.Problem(source, path, 0, "two transports ("
            + String.join(" and ", transports) + "): a device has exactly one of tcp, serial, rtu_over_tcp"));
      }
      boolean rtu = d.hasSerial() || d.hasRtuOverTcp();
      if (rtu && d.hasUnitId() && (d.getUnitId() < 1 || d.getUnitId() > 247)) {
        problems.add(new ConfigException.Problem(source, path + ".unit_id", 0, "expected 1 to 247 on Modbus RTU "
            + "(0 is the broadcast address, which no device answers), got " + d.getUnitId()));
      }
      String ref = d.getProfile();
      if (Profiles.isPath(ref) && !Path.of(ref).isAbsolute()) {
        // a relative profile path is relative to the config file
        Path dir = file.toAbsolutePath().getParent();
        ref = dir == null ? ref : dir.resolve(ref).toString();
      }
      try {
        profiles.put(d.getName(), Profiles.load(ref));
      } catch (ConfigException e) {
        for (ConfigException.Problem p : e.problems()) {
          String where = p.path().isEmpty() ? "" : " at " + p.path() + (p.line() > 0 ? " line " + p.line() : "");
          problems.add(new ConfigException.Problem(source, path + ".profile", 0,
              "profile '" + d.getProfile() + "'" + where + ": " + p.message()));
        }
      }
    }
    problems.addAll(io.evedge.agent.session.SessionSettings.problems(config, source));
    // the MQTT contract's part: TLS files, password sources, signal policies, defaults
    config = ContractConfig.check(file, config, problems);
    Map<String, CanMappings.Compiled> canMappings = checkCan(file, config, names, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    if (config.getMqtt().getClientId().isEmpty()) {
      AgentConfig.Builder b = config.toBuilder();
      b.getMqttBuilder().setClientId("evedge-" + config.getDeviceId());
      config = b.build();
    }
    return new Loaded(file, config, profiles, canMappings);
  }

  /** Checks the CAN buses and compiles their mappings; {@code names} holds the device names so far. */
  private static Map<String, CanMappings.Compiled> checkCan(Path file, AgentConfig config, Set<String> names,
      List<ConfigException.Problem> problems) {
    String source = file.toString();
    Path dir = file.toAbsolutePath().getParent();
    Map<String, CanMappings.Compiled> out = new LinkedHashMap<>();
    for (int i = 0; i < config.getCanCount(); i++) {
      CanBusConfig bus = config.getCan(i);
      String path = "can[" + i + "]";
      if (!names.add(bus.getName())) {
        problems.add(new ConfigException.Problem(source, path + ".name", 0, "duplicate device name '"
            + bus.getName() + "'; every Modbus device and CAN bus needs its own name"));
      }
      if (bus.hasSerial() == bus.hasTcp()) {
        problems.add(new ConfigException.Problem(source, path, 0, bus.hasSerial()
            ? "both serial and tcp given: the adapter is on one of them"
            : "no transport: expected serial: {port: /dev/ttyACM0} or tcp: {host: ..., port: ...}"));
      }
      if (bus.getSilenceTimeoutMs() > 0 && bus.getStatusPollMs() > 0
          && bus.getSilenceTimeoutMs() <= bus.getStatusPollMs()) {
        problems.add(new ConfigException.Problem(source, path + ".silence_timeout_ms", 0, "expected more than"
            + " status_poll_ms (" + bus.getStatusPollMs() + "): a quiet bus is only heard through the status"
            + " replies, got " + bus.getSilenceTimeoutMs()));
      }
      try {
        SlcanBitrate.of(bus.getBitrate());
      } catch (IllegalArgumentException e) {
        problems.add(new ConfigException.Problem(source, path + ".bitrate", 0, e.getMessage()));
      }
      CanMappings.Compiled mapping;
      try {
        mapping = CanMappings.load(bus.getMapping(), bus.getDbc(), dir);
      } catch (ConfigException e) {
        for (ConfigException.Problem p : e.problems()) {
          problems.add(new ConfigException.Problem(source, path + ".mapping", 0, p.toString()));
        }
        continue;
      }
      for (int s = 0; s < mapping.signals().size(); s++) {
        String problem = CanDerivations.check(mapping.signals().get(s)).orElse(null);
        if (problem != null) {
          problems.add(new ConfigException.Problem(source, path + ".mapping", 0,
              mapping.mappingSource() + ": signals[" + s + "].signal: " + problem));
        }
      }
      out.put(bus.getName(), mapping);
    }
    return out;
  }
}
