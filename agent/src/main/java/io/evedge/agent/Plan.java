package io.evedge.agent;

import io.evedge.agent.config.ConfigLoader;
import io.evedge.agent.signal.CanDerivations;
import io.evedge.agent.signal.Derivation;
import io.evedge.agent.signal.MeterDerivations;
import io.evedge.drivers.can.CanMappings;
import io.evedge.drivers.can.DbcWarning;
import io.evedge.drivers.can.MappedSignal;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.ReadBlock;
import io.evedge.proto.AgentConfig;
import io.evedge.proto.CanBusConfig;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.MqttConfig;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.proto.PointSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the agent will do with a configuration: devices and their read plans, the signals and where
 * each comes from, the topics. Built without connecting anything; {@code check-config} prints it.
 */
public record Plan(ConfigLoader.Loaded loaded, Topics topics, Map<String, List<ReadBlock>> readPlans,
    List<Derivation> derivations) {

  public static Plan of(ConfigLoader.Loaded loaded) {
    AgentConfig c = loaded.config();
    Topics topics = new Topics(c.getMqtt().getTopicPrefix(), c.getDeviceId());
    Map<String, List<ReadBlock>> plans = new LinkedHashMap<>();
    List<Derivation> derivations = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (ModbusDeviceConfig d : c.getModbusList()) {
      DeviceProfile profile = loaded.profiles().get(d.getName());
      plans.put(d.getName(), Profiles.plan(profile));
      Set<String> keys = profile.getPointsList().stream().map(PointSpec::getKey).collect(Collectors.toSet());
      for (Derivation der : MeterDerivations.forDevice(d.getName(), keys)) {
        // the first device in the config that can feed a signal feeds it
        if (taken.add(der.signal().name())) {
          derivations.add(der);
        }
      }
    }
    for (CanBusConfig bus : c.getCanList()) {
      for (Derivation der : CanDerivations.forBus(bus.getName(), loaded.canMappings().get(bus.getName()))) {
        if (taken.add(der.signal().name())) {
          derivations.add(der);
        }
      }
    }
    return new Plan(loaded, topics, plans, derivations);
  }

  /** The plan as text for the operator; secrets are never shown. */
  public String describe() {
    AgentConfig c = loaded.config();
    MqttConfig m = c.getMqtt();
    StringBuilder b = new StringBuilder();
    b.append("Configuration ").append(loaded.file()).append(" is valid.\n\n");
    b.append("Device id:  ").append(c.getDeviceId()).append('\n');
    b.append("State dir:  ").append(c.getStateDir()).append('\n');
    b.append("MQTT:       ").append(m.getUri()).append(" as client ").append(m.getClientId())
        .append(m.getUsername().isEmpty() ? "" : ", user " + m.getUsername())
        .append(m.getPassword().isEmpty() ? "" : ", password set")
        .append("; payloads ").append(m.getPayloadFormat())
        .append(", signals QoS ").append(m.getSignalQos())
        .append(", session expiry ").append(m.getSessionExpiryS()).append(" s\n");
    b.append("\nModbus devices:\n");
    if (c.getModbusCount() == 0) {
      b.append("  (none)\n");
    }
    for (ModbusDeviceConfig d : c.getModbusList()) {
      DeviceProfile p = loaded.profiles().get(d.getName());
      int unit = d.hasUnitId() ? d.getUnitId() : p.getDefaults().getUnitId();
      b.append("  ").append(d.getName()).append(": ").append(p.getName())
          .append(" at tcp://").append(d.getTcp().getHost()).append(':').append(d.getTcp().getPort())
          .append(" unit ").append(unit)
          .append(", every ").append(d.getPollIntervalMs()).append(" ms, timeout ")
          .append(d.getTimeoutMs()).append(" ms\n");
      List<ReadBlock> blocks = readPlans.get(d.getName());
      b.append("    ").append(blocks.size()).append(blocks.size() == 1 ? " read" : " reads").append(" per poll: ")
          .append(blocks.stream().map(r -> String.format("FC%d 0x%04X+%d", r.function(), r.address(), r.count()))
              .collect(Collectors.joining(", ")))
          .append('\n');
    }
    describeCan(b);
    b.append("\nSignals:\n");
    if (derivations.isEmpty()) {
      b.append("  (none: no configured device feeds a signal)\n");
    }
    int width = derivations.stream().mapToInt(d -> d.signal().name().length()).max().orElse(0);
    for (Derivation d : derivations) {
      b.append("  ").append(String.format("%-" + width + "s", d.signal().name()))
          .append("  <- ").append(d.device()).append(' ')
          .append(d instanceof CanDerivations.Direct can ? can.source() : String.join(", ", d.inputs()))
          .append('\n');
    }
    b.append("\nTopics:\n");
    b.append("  ").append(topics.status()).append("  (retained; \"offline\" is the will)\n");
    b.append("  ").append(topics.base()).append("/signals/<name>  (retained, QoS ").append(m.getSignalQos())
        .append(")\n");
    return b.toString();
  }

  /** The CAN buses, their adapters, DBC and mapping, and the signals each feeds. */
  private void describeCan(StringBuilder b) {
    AgentConfig c = loaded.config();
    if (c.getCanCount() == 0) {
      return;
    }
    b.append("\nCAN buses:\n");
    for (CanBusConfig bus : c.getCanList()) {
      CanMappings.Compiled m = loaded.canMappings().get(bus.getName());
      b.append("  ").append(bus.getName()).append(": ")
          .append(bus.hasSerial() ? "serial://" + bus.getSerial().getPort() + " (" + bus.getSerial().getBaud()
              + " baud)" : "tcp://" + bus.getTcp().getHost() + ":" + bus.getTcp().getPort())
          .append(", ").append(bus.getBitrate() / 1000).append(" kbit/s")
          .append(bus.getListenOnly() ? ", listen-only" : "")
          .append(bus.getTimestamps() ? ", adapter timestamps" : "")
          .append(bus.getStatusPollMs() > 0 ? ", status every " + bus.getStatusPollMs() + " ms" : "")
          .append('\n');
      b.append("    DBC ").append(m.dbcSource()).append(": ").append(m.database().messages().size())
          .append(" messages").append(m.database().warnings().isEmpty() ? ""
              : ", " + m.database().warnings().size() + " lines skipped")
          .append("; mapping ").append(m.name()).append(" (").append(m.mappingSource()).append(")\n");
      for (DbcWarning w : m.database().warnings()) {
        b.append("    DBC ").append(w).append('\n');
      }
      int width = m.signals().stream().mapToInt(s -> s.key().length()).max().orElse(0);
      for (MappedSignal s : m.signals()) {
        boolean used = derivations.stream().anyMatch(d -> d.device().equals(bus.getName())
            && d.signal().name().equals(s.key()));
        b.append("    ").append(String.format("%-" + width + "s", s.key())).append("  <- ").append(s.source())
            .append(s.cycleMs() > 0 ? ", every " + s.cycleMs() + " ms" : "")
            .append(s.staleAfterMs() > 0 ? ", stale after " + s.staleAfterMs() + " ms" : "")
            .append(s.minIntervalMs() > 0 ? ", at most every " + s.minIntervalMs() + " ms" : "")
            .append(used ? "" : "  (not used: another device feeds it)")
            .append('\n');
      }
    }
  }
}
