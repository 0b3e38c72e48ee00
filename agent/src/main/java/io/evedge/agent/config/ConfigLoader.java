package io.evedge.agent.config;

import io.evedge.drivers.modbus.Profiles;
import io.evedge.proto.AgentConfig;
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
 * alone cannot: every device has a transport, names are unique, profiles exist and load.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /** A checked configuration with the device profiles it refers to, by device name. */
  public record Loaded(Path file, AgentConfig config, Map<String, DeviceProfile> profiles) {}

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
      if (!d.hasTcp()) {
        problems.add(new ConfigException.Problem(source, path, 0,
            "no transport: expected tcp: {host: ..., port: ...}"));
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
    // the MQTT contract's part: TLS files, password sources, signal policies, defaults
    config = ContractConfig.check(file, config, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    if (config.getMqtt().getClientId().isEmpty()) {
      AgentConfig.Builder b = config.toBuilder();
      b.getMqttBuilder().setClientId("evedge-" + config.getDeviceId());
      config = b.build();
    }
    return new Loaded(file, config, profiles);
  }
}
