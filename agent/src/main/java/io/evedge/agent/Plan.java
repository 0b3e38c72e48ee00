package io.evedge.agent;

import io.evedge.agent.config.ConfigLoader;
import io.evedge.agent.signal.ChargeDerivations;
import io.evedge.agent.signal.CanDerivations;
import io.evedge.agent.signal.Derivation;
import io.evedge.agent.signal.Derived;
import io.evedge.agent.signal.MeterDerivations;
import io.evedge.drivers.modbus.ModbusClients;
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
import java.nio.file.Path;
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
    List<Derivation> derivations, List<Derived> derived) {

  public static Plan of(ConfigLoader.Loaded loaded) {
    AgentConfig c = loaded.config();
    Topics topics = new Topics(c.getMqtt().getTopicPrefix(), c.getDeviceId());
    Map<String, List<ReadBlock>> plans = new LinkedHashMap<>();
    List<Derivation> derivations = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    Map<String, Set<String>> keysByDevice = new LinkedHashMap<>();
    for (ModbusDeviceConfig d : c.getModbusList()) {
      DeviceProfile profile = loaded.profiles().get(d.getName());
      plans.put(d.getName(), ModbusClients.plan(d, profile));
      Set<String> keys = profile.getPointsList().stream().map(PointSpec::getKey).collect(Collectors.toSet());
      keysByDevice.put(d.getName(), keys);
      List<Derivation> fed = new ArrayList<>(MeterDerivations.forDevice(d.getName(), keys));
      fed.addAll(ChargeDerivations.forDevice(d.getName(), keys));
      for (Derivation der : fed) {
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
    List<Derived> derived = ChargeDerivations.derived(keysByDevice, taken, c.getSignals(), c.getLocation());
    return new Plan(loaded, topics, plans, derivations, derived);
  }

  /** The names of the signals this configuration publishes. */
  public Set<String> publishedSignals() {
    Set<String> out = new java.util.LinkedHashSet<>();
    derivations.forEach(d -> out.add(d.signal().name()));
    derived.forEach(d -> out.add(d.signal().name()));
    if (io.evedge.agent.session.SessionSettings.of(loaded).sources().mode()
        != io.evedge.proto.SessionDetection.SESSION_DETECTION_OFF) {
      // the session recorder's signals
      out.add(io.evedge.agent.signal.SignalCatalog.ENERGY_ADDED.name());
      out.add(io.evedge.agent.signal.SignalCatalog.CHARGE_RECORDS.name());
    }
    return out;
  }

  private static String passwordText(MqttConfig m) {
    String p = io.evedge.agent.config.ContractConfig.describePassword(m, System::getenv);
    return p.isEmpty() ? "" : ", " + p;
  }

  private static void describeContract(StringBuilder b, AgentConfig c) {
    MqttConfig m = c.getMqtt();
    if (m.hasTls()) {
      io.evedge.proto.TlsConfig t = m.getTls();
      b.append("TLS:        CA ").append(t.getCaFile().isEmpty() ? "the JVM's trust store" : t.getCaFile())
          .append(", hostname verification ").append(!t.hasVerifyHostname() || t.getVerifyHostname() ? "on" : "OFF")
          .append(t.getCertFile().isEmpty() ? "" : ", client certificate " + t.getCertFile()).append('\n');
    }
    io.evedge.proto.OutboxConfig o = c.getOutbox();
    b.append("Outbox:     ").append(Path.of(c.getStateDir(), "outbox")).append(", at most ").append(o.getMaxBytes())
        .append(" bytes waiting (then new records are refused, never dropped), ").append(o.getWindow())
        .append(" in flight\n");
    b.append("Requests:   up to ").append(m.getRequestMaxBytes()).append(" bytes, ").append(m.getRequestPageSize())
        .append(" records a page, ").append(m.getRequestQueue()).append(" waiting at most\n");
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
        .append(passwordText(m))
        .append("; payloads ").append(m.getPayloadFormat())
        .append(", signals QoS ").append(m.getSignalQos())
        .append(", session expiry ").append(m.getSessionExpiryS()).append(" s\n");
    describeContract(b, c);
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
    describeCan(b);
    b.append("\nSignals (published on ").append(topics.base()).append("/signals/<name>):\n");
    if (derivations.isEmpty() && derived.isEmpty()) {
      b.append("  (none: no configured device feeds a signal)\n");
    }
    int width = Math.max(derivations.stream().mapToInt(d -> d.signal().name().length()).max().orElse(0),
        derived.stream().mapToInt(d -> d.signal().name().length()).max().orElse(0));
    for (Derivation d : derivations) {
      b.append("  ").append(String.format("%-" + width + "s", d.signal().name()))
          .append("  <- ").append(d.device()).append(' ')
          .append(d instanceof CanDerivations.Direct can ? can.source() : String.join(", ", d.inputs()))
          .append('\n');
    }
    for (Derived d : derived) {
      b.append("  ").append(String.format("%-" + width + "s", d.signal().name()))
          .append("  <- derived from ").append(String.join(", ", d.inputs())).append('\n');
    }
    Set<String> published = publishedSignals();
    List<String> absent = io.evedge.agent.signal.SignalCatalog.all().keySet().stream()
        .filter(n -> !published.contains(n)).toList();
    if (!absent.isEmpty()) {
      b.append("  not published (no source in this configuration): ").append(String.join(", ", absent))
          .append('\n');
    }
    b.append(sessions());
    b.append("\nTopics:\n");
    b.append("  ").append(topics.status()).append("  (retained; \"offline\" is the will)\n");
    b.append("  ").append(topics.base()).append("/signals/<name>  (retained, QoS ").append(m.getSignalQos())
        .append(")\n");
    b.append("  ").append(topics.records()).append("  (QoS 1, each completed charge record from the outbox)\n");
    b.append("  ").append(topics.base()).append("/schema  (retained, JSON: protobuf descriptor set and version)\n");
    if (m.getMetricsIntervalS() > 0) {
      b.append("  ").append(topics.base()).append("/metrics  (retained, every ").append(m.getMetricsIntervalS())
          .append(" s)\n");
    }
    b.append("  ").append(topics.request("#")).append("  (subscribed: charge-records, charge-records-daily, "
        + "signals/<name>)\n");
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
