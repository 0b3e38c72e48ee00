package io.evedge.agent;

import io.evedge.agent.config.ConfigLoader;
import io.evedge.agent.signal.Derivation;
import io.evedge.agent.signal.MeterDerivations;
import io.evedge.drivers.modbus.ModbusClients;
import io.evedge.drivers.modbus.ReadBlock;
import io.evedge.proto.AgentConfig;
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
      plans.put(d.getName(), ModbusClients.plan(d, profile));
      Set<String> keys = profile.getPointsList().stream().map(PointSpec::getKey).collect(Collectors.toSet());
      for (Derivation der : MeterDerivations.forDevice(d.getName(), keys)) {
        // the first device in the config that can feed a signal feeds it
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
      b.append("  ").append(d.getName()).append(": ").append(p.getName())
          .append(" at ").append(ModbusClients.endpoint(d, p))
          .append(" unit ").append(ModbusClients.unitId(d, p))
          .append(", every ").append(d.getPollIntervalMs()).append(" ms, timeout ")
          .append(d.getTimeoutMs()).append(" ms, ").append(d.getRetries() == 0 ? "no retry" : "1 retry");
      long gap = ModbusClients.minGap(d, p).toMillis();
      b.append(gap > 0 ? ", " + gap + " ms between requests" : "").append('\n');
      List<ReadBlock> blocks = readPlans.get(d.getName());
      b.append("    ").append(blocks.size()).append(blocks.size() == 1 ? " read" : " reads").append(" per poll: ")
          .append(blocks.stream().map(r -> String.format("FC%d 0x%04X+%d", r.function(), r.address(), r.count()))
              .collect(Collectors.joining(", ")))
          .append('\n');
    }
    b.append("\nSignals:\n");
    if (derivations.isEmpty()) {
      b.append("  (none: no configured device feeds a signal)\n");
    }
    int width = derivations.stream().mapToInt(d -> d.signal().name().length()).max().orElse(0);
    for (Derivation d : derivations) {
      b.append("  ").append(String.format("%-" + width + "s", d.signal().name()))
          .append("  <- ").append(d.device()).append(' ').append(String.join(", ", d.inputs()))
          .append('\n');
    }
    b.append(sessions());
    b.append("\nTopics:\n");
    b.append("  ").append(topics.status()).append("  (retained; \"offline\" is the will)\n");
    b.append("  ").append(topics.base()).append("/signals/<name>  (retained, QoS ").append(m.getSignalQos())
        .append(")\n");
    b.append("  ").append(topics.records()).append("  (charge records, QoS 1)\n");
    return b.toString();
  }

  /** The charge-session part of {@link #describe}. */
  private String sessions() {
    io.evedge.agent.session.SessionSettings s = io.evedge.agent.session.SessionSettings.of(loaded);
    io.evedge.proto.SessionConfig sc = s.session();
    String rule = switch (s.sources().mode()) {
      case SESSION_DETECTION_METER -> "; starts after " + sc.getMeterStartS() + " s at >= " + sc.getChargingPowerW()
          + " W, ends after " + sc.getMeterEndS() + " s below " + sc.getChargingPowerW() / 2 + " W";
      case SESSION_DETECTION_OFF -> "";
      default -> "; unplug debounce " + sc.getReplugDebounceS() + " s";
    };
    return "\nCharge sessions:\n"
        + "  detection: " + s.sources().describe() + rule + "\n"
        + "  signals:   charge-energyadded (per session), charge-chargerecords (latest "
        + s.records().getSignalRecords() + ")\n"
        + "  journal:   " + s.stateDir().resolve("session") + ", synced every " + sc.getJournalSyncS() + " s\n"
        + "  records:   " + s.stateDir().resolve("records") + ", kept " + s.records().getRetentionDays()
        + " days / " + s.records().getRetentionBytes() + " bytes; dates in " + s.zone() + "\n";
  }
}
