package io.evedge.drivers.can;

import io.evedge.drivers.can.CanResources.LoadedDbc;
import io.evedge.drivers.can.CanResources.LoadedMapping;
import io.evedge.proto.CanMapping;
import io.evedge.proto.CanMappingDefaults;
import io.evedge.proto.CanSignalMapping;
import io.evedge.proto.CanValueKind;
import io.evedge.yaml.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a CAN mapping against its DBC and compiles it into {@link MappedSignal}s. Everything a
 * mapping can get wrong is reported at once, each problem with the mapping file, the key path and
 * the name that is wrong: a message or signal the DBC does not have, a signal mapped twice, a value
 * map that does not suit the kind, a stale timeout without a known cycle time.
 */
public final class CanMappings {

  private static final int MAX_CLASSIC_DLC = 8;

  private CanMappings() {}

  /**
   * A mapping checked against its DBC.
   *
   * @param name the mapping's name
   * @param mappingSource where the mapping was read from (a file or a jar resource)
   * @param dbcSource where the DBC was read from
   * @param database the DBC
   * @param signals the mapped signals in file order
   */
  public record Compiled(String name, String mappingSource, String dbcSource, DbcDatabase database,
      List<MappedSignal> signals) {

    public Compiled {
      signals = List.copyOf(signals);
    }

    /** The reading keys (agent signal names), in file order. */
    public List<String> keys() {
      return signals.stream().map(MappedSignal::key).toList();
    }
  }

  /**
   * Loads the mapping {@code mappingRef} and its DBC, {@code dbcRef} or, when that is empty, the
   * one the mapping names, and compiles them. Relative paths in the references start at
   * {@code baseDir}; the DBC a mapping names, at the mapping file's directory.
   */
  public static Compiled load(String mappingRef, String dbcRef, Path baseDir)
      throws ConfigException {
    LoadedMapping mapping = CanResources.mapping(mappingRef, baseDir);
    LoadedDbc dbc;
    if (!dbcRef.isEmpty()) {
      dbc = CanResources.dbc(dbcRef, baseDir);
    } else if (!mapping.mapping().getDbc().isEmpty()) {
      dbc = CanResources.dbc(mapping.mapping().getDbc(), mapping.baseDir());
    } else {
      throw new ConfigException(mapping.source(), "dbc", 0,
          "the mapping names no DBC file and the configuration gives none: set dbc in either");
    }
    return compile(mapping, dbc);
  }

  /** Checks {@code mapping} against {@code dbc}; throws listing every problem. */
  public static Compiled compile(LoadedMapping mapping, LoadedDbc dbc) throws ConfigException {
    String source = mapping.source();
    CanMapping m = mapping.mapping();
    CanMappingDefaults defaults = m.getDefaults();
    DbcDatabase db = dbc.database();
    List<ConfigException.Problem> problems = new ArrayList<>();
    List<MappedSignal> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < m.getSignalsCount(); i++) {
      CanSignalMapping s = m.getSignals(i);
      String path = "signals[" + i + "]";
      Integer first = seen.putIfAbsent(s.getSignal(), i);
      if (first != null) {
        problems.add(new ConfigException.Problem(source, path + ".signal", 0, "'" + s.getSignal()
            + "' is already fed by signals[" + first + "]; each agent signal has one source"));
        continue;
      }
      String[] parts = s.getSource().split("\\.", 2);
      DbcMessage message = db.message(parts[0]).orElse(null);
      if (message == null) {
        problems.add(new ConfigException.Problem(source, path + ".source", 0, "unknown message '"
            + parts[0] + "': " + dbc.source() + " has no such message" + suggest(parts[0],
                db.messages().stream().map(DbcMessage::name).toList())));
        continue;
      }
      DbcSignal signal = message.signal(parts[1]).orElse(null);
      if (signal == null) {
        problems.add(new ConfigException.Problem(source, path + ".source", 0, "unknown signal '"
            + parts[1] + "': message " + message.name() + " of " + dbc.source()
            + " has no such signal" + suggest(parts[1],
                message.signals().stream().map(DbcSignal::name).toList())));
        continue;
      }
      int before = problems.size();
      MappedSignal mapped = compile(s, message, signal, defaults, source, path, problems);
      if (problems.size() == before) {
        out.add(mapped);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new Compiled(m.getName(), source, dbc.source(), db, out);
  }

  private static MappedSignal compile(CanSignalMapping s, DbcMessage message, DbcSignal signal,
      CanMappingDefaults defaults, String source, String path, List<ConfigException.Problem> problems) {
    String name = message.name() + "." + signal.name();
    int before = problems.size();
    if (message.dlc() > MAX_CLASSIC_DLC) {
      problems.add(new ConfigException.Problem(source, path + ".source", 0, "message "
          + message.name() + " is " + message.dlc() + " bytes long (CAN FD); SLCAN adapters carry"
          + " classic CAN frames of at most 8 bytes"));
    }
    MappedSignal.Kind kind = kind(s, signal);
    Map<Long, Object> values = new LinkedHashMap<>();
    Object unmapped = null;
    if (kind == MappedSignal.Kind.NUMBER) {
      if (s.getValueMapCount() > 0) {
        problems.add(new ConfigException.Problem(source, path + ".value_map", 0,
            "a value map gives text or true/false: set kind TEXT or BOOL, or remove value_map"));
      }
    } else {
      if (s.hasLinear()) {
        problems.add(new ConfigException.Problem(source, path + ".linear", 0,
            "a linear transform applies to NUMBER signals only, this one is " + kind));
      }
      if (s.hasDeadband()) {
        problems.add(new ConfigException.Problem(source, path + ".deadband", 0,
            "a deadband applies to NUMBER signals only, this one is " + kind));
      }
      Map<Long, String> texts = s.getValueMapCount() > 0 || kind == MappedSignal.Kind.BOOL
          ? s.getValueMapMap() : signal.values();
      if (kind == MappedSignal.Kind.TEXT && texts.isEmpty()) {
        problems.add(new ConfigException.Problem(source, path + ".value_map", 0, "a TEXT signal"
            + " needs a value_map, and " + name + " has no VAL_ descriptions in the DBC"));
      }
      for (Map.Entry<Long, String> e : new TreeMap<>(texts).entrySet()) {
        Object v = value(kind, e.getValue());
        if (v == null) {
          problems.add(new ConfigException.Problem(source, path + ".value_map[" + e.getKey() + "]",
              0, "a BOOL signal maps raw values to true or false, got '" + e.getValue() + "'"));
        } else {
          values.put(e.getKey(), v);
        }
      }
      if (!s.getUnmapped().isEmpty()) {
        unmapped = value(kind, s.getUnmapped());
        if (unmapped == null) {
          problems.add(new ConfigException.Problem(source, path + ".unmapped", 0,
              "a BOOL signal's unmapped value is true or false, got '" + s.getUnmapped() + "'"));
        }
      }
    }
    int cycle = s.hasCycleMs() ? s.getCycleMs() : message.cycleTimeMs();
    int staleCycles = s.hasStaleAfterCycles() ? s.getStaleAfterCycles()
        : defaults.hasStaleAfterCycles() ? defaults.getStaleAfterCycles() : 5;
    if (staleCycles > 0 && cycle == 0) {
      problems.add(new ConfigException.Problem(source, path + ".cycle_ms", 0, "no cycle time for "
          + message.name() + ": the DBC gives no GenMsgCycleTime for it; set cycle_ms to its"
          + " period, or stale_after_cycles: 0 if it is sent only on events"));
    }
    double scale = s.hasLinear() && s.getLinear().hasScale() ? s.getLinear().getScale() : 1;
    double offset = s.hasLinear() ? s.getLinear().getOffset() : 0;
    long minInterval = s.hasMinIntervalMs() ? s.getMinIntervalMs() : defaults.getMinIntervalMs();
    boolean onChange = s.hasOnChange() ? s.getOnChange()
        : !defaults.hasOnChange() || defaults.getOnChange();
    String unit = s.getUnit().isEmpty() ? signal.unit() : s.getUnit();
    if (problems.size() > before) {
      return null;
    }
    return new MappedSignal(s.getSignal(), message, signal, kind, scale, offset, values, unmapped,
        unit, minInterval, onChange, s.hasDeadband() ? s.getDeadband() : 0, cycle, staleCycles);
  }

  private static MappedSignal.Kind kind(CanSignalMapping s, DbcSignal signal) {
    if (s.getKind() == CanValueKind.CAN_VALUE_KIND_NUMBER) {
      return MappedSignal.Kind.NUMBER;
    }
    if (s.getKind() == CanValueKind.CAN_VALUE_KIND_BOOL) {
      return MappedSignal.Kind.BOOL;
    }
    if (s.getKind() == CanValueKind.CAN_VALUE_KIND_TEXT) {
      return MappedSignal.Kind.TEXT;
    }
    if (s.getValueMapCount() > 0) {
      boolean allBool = s.getValueMapMap().values().stream()
          .allMatch(v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"));
      return allBool ? MappedSignal.Kind.BOOL : MappedSignal.Kind.TEXT;
    }
    if (signal.length() == 1 && !signal.signed() && signal.valueType() == DbcSignal.ValueType.INTEGER) {
      return MappedSignal.Kind.BOOL;
    }
    return MappedSignal.Kind.NUMBER;
  }

  /** The reading value of a value-map text: the text, or for a BOOL true/false (null if neither). */
  private static Object value(MappedSignal.Kind kind, String text) {
    if (kind == MappedSignal.Kind.TEXT) {
      return text;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    return t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null;
  }

  /** "; did you mean X?" for a name that differs only in case, or the list of names. */
  private static String suggest(String wanted, List<String> names) {
    for (String n : names) {
      if (n.equalsIgnoreCase(wanted)) {
        return "; did you mean '" + n + "'?";
      }
    }
    if (names.isEmpty()) {
      return "";
    }
    List<String> shown = names.size() > 12 ? names.subList(0, 12) : names;
    return "; it has " + shown.stream().collect(Collectors.joining(", "))
        + (names.size() > shown.size() ? ", ..." : "");
  }
}
