package io.evedge.drivers.can;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One agent signal fed by one DBC signal, checked and with every default applied: what
 * {@link CanMappings#compile} makes of a mapping file's entry.
 *
 * @param key the reading key: the agent signal name, such as {@code tractionbattery-stateofcharge}
 * @param message the DBC message that carries the signal
 * @param signal the DBC signal
 * @param kind the shape of the value
 * @param scale a NUMBER's value is the DBC physical value × scale + offset
 * @param offset see {@code scale}
 * @param values raw value → reading value (a {@link String} for TEXT, a {@link Boolean} for BOOL);
 *     empty for NUMBER, and for a BOOL read as physical value ≠ 0
 * @param unmapped the reading value of a raw value {@code values} does not name; null for "no value"
 * @param unit the unit of the reading
 * @param minIntervalMs at most one NUMBER reading per this many milliseconds; 0 for no limit
 * @param onChange whether a reading is emitted only when the value changed
 * @param deadband a NUMBER changes only when it moves by more than this
 * @param cycleMs the message's period in milliseconds; 0 when unknown
 * @param staleAfterCycles the signal turns stale after this many cycles without its frame; 0 never
 */
public record MappedSignal(String key, DbcMessage message, DbcSignal signal, Kind kind,
    double scale, double offset, Map<Long, Object> values, Object unmapped, String unit,
    long minIntervalMs, boolean onChange, double deadband, int cycleMs, int staleAfterCycles) {

  /** The shape of the value. */
  public enum Kind { NUMBER, BOOL, TEXT }

  public MappedSignal {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(unit, "unit");
    values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    for (Object v : values.values()) {
      if (!(kind == Kind.TEXT ? v instanceof String : v instanceof Boolean)) {
        throw new IllegalArgumentException(key + ": value " + v + " does not suit " + kind);
      }
    }
  }

  /** Milliseconds without the message after which the signal is stale; 0 for never. */
  public long staleAfterMs() {
    return (long) cycleMs * staleAfterCycles;
  }

  /** {@code Message.Signal}, as a mapping file writes it. */
  public String source() {
    return message.name() + "." + signal.name();
  }

  /**
   * The value table as two sorted arrays for lookups that allocate nothing: keys ascending in the
   * first, the values at the same index in the second.
   */
  Lookup lookup() {
    long[] keys = new long[values.size()];
    Object[] objects = new Object[values.size()];
    int i = 0;
    for (Map.Entry<Long, Object> e : values.entrySet()) {
      keys[i] = e.getKey();
      objects[i++] = e.getValue();
    }
    return new Lookup(keys, objects, unmapped);
  }

  /** A raw value → reading value table; see {@link #lookup()}. */
  record Lookup(long[] keys, Object[] values, Object unmapped) {
    Object get(long raw) {
      int i = Arrays.binarySearch(keys, raw);
      return i >= 0 ? values[i] : unmapped;
    }
  }
}
