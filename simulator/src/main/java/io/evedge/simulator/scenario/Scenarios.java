package io.evedge.simulator.scenario;

import io.evedge.proto.EventType;
import io.evedge.proto.FaultType;
import io.evedge.proto.Scenario;
import io.evedge.proto.TimelineEvent;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import io.evedge.yaml.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Scenario files: shipped ones by name ({@code scenarios/<name>.yaml} in the jar) or by path. */
public final class Scenarios {

  /** The scenarios shipped in the simulator jar. */
  public static final List<String> SHIPPED = List.of(
      "ac-3phase-home", "ac-1phase", "dc-fast", "pause-resume", "limit-reached", "unplug-mid-charge",
      "quick-replug", "meter-offline", "demo");

  private static final Shipped FILES = new Shipped(Scenarios.class, "scenarios", SHIPPED);

  private Scenarios() {}

  /** Loads and checks a scenario given by shipped name or path. */
  public static Scenario load(String ref) throws ConfigException {
    Path path = Path.of(ref);
    if (ref.endsWith(".yaml") || ref.endsWith(".yml") || Files.exists(path)) {
      return check(ref, ProtoYaml.read(path, Scenario.newBuilder()).build());
    }
    return check(FILES.resource(ref, "yaml"),
        FILES.readYaml(ref, Scenario.newBuilder(), "scenario", "a scenario file").build());
  }

  /** Checks what the schema cannot: durations, and the parameters each event needs. */
  static Scenario check(String source, Scenario scenario) throws ConfigException {
    // an EVSE, a vehicle and a meter are always there: left out, they take their defaults
    Scenario.Builder b = scenario.toBuilder();
    b.getEvseBuilder();
    b.getVehicleBuilder();
    b.getMeterBuilder();
    ProtoYaml.applyDefaults(b, source);
    Scenario s = b.build();
    List<ConfigException.Problem> problems = new ArrayList<>();
    for (int i = 0; i < s.getTimelineCount(); i++) {
      TimelineEvent e = s.getTimeline(i);
      String path = "timeline[" + i + "]";
      duration(source, path + ".at", e.getAt(), problems);
      if (e.getEvent() == EventType.SET_CURRENT && !e.hasAmps()) {
        problems.add(new ConfigException.Problem(source, path + ".amps", 0, "set_current needs amps"));
      }
      if (e.getEvent() == EventType.SET_LIMIT && !e.hasPercent()) {
        problems.add(new ConfigException.Problem(source, path + ".percent", 0, "set_limit needs percent"));
      }
      if (e.getEvent() == EventType.FAULT && e.getFault() == FaultType.FAULT_TYPE_UNSPECIFIED) {
        problems.add(new ConfigException.Problem(source, path + ".fault", 0, "a fault event needs fault"));
      }
      if (!e.getDuration().isEmpty()) {
        duration(source, path + ".duration", e.getDuration(), problems);
      }
    }
    if (!s.getEnd().isEmpty()) {
      duration(source, "end", s.getEnd(), problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return s;
  }

  private static void duration(String source, String path, String text, List<ConfigException.Problem> problems) {
    try {
      Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigException.Problem(source, path, 0, e.getMessage()));
    }
  }
}
