package io.evedge.drivers;

import java.time.Instant;

/**
 * One value read from hardware.
 *
 * @param device the configured device name (e.g. {@code meter})
 * @param key the reading key of the profile or mapping (e.g. {@code voltage_l1}, {@code cp_state})
 * @param value a {@link Double}, {@link Boolean} or {@link String}; {@code null} when the device
 *     reports "no value"
 * @param unit the unit of a numeric value ({@code V}, {@code A}, {@code W}, {@code kWh}, ...), or empty
 * @param time when the value was read (the transaction's completion, or the adapter's timestamp)
 */
public record Reading(String device, String key, Object value, String unit, Instant time) {

  /** The value as a double, or NaN when it is absent or not numeric. */
  public double asDouble() {
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return Double.NaN;
  }
}
