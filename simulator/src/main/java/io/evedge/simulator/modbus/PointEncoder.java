package io.evedge.simulator.modbus;

import io.evedge.drivers.modbus.Point;
import java.util.Map;

/**
 * The slave side of {@code PointDecoder}: writes a value into the registers of a point, so the
 * simulator can serve any profile. Values are Doubles (in the point's unit), Booleans or Strings
 * (looked up in the point's value map); a null value writes the point's first "no value" marker.
 */
public final class PointEncoder {

  private PointEncoder() {}

  /** Writes {@code value} for {@code p} into {@code words} at {@code offset}. */
  public static void encode(Point p, Object value, int[] words, int offset) {
    if (value == null) {
      if (p.noValue().length > 0) {
        long[] marker = p.noValue()[0];
        for (int i = 0; i < marker.length && i < p.registers(); i++) {
          words[offset + i] = (int) marker[i];
        }
      }
      return;
    }
    long bits;
    if (value instanceof String text) {
      bits = reverseLookup(p.valueMap(), text);
    } else if (value instanceof Boolean b) {
      bits = b ? 1 : 0;
    } else {
      double raw = (((Number) value).doubleValue() - p.offset()) / p.scale();
      bits = switch (p.type()) {
        case FLOAT32 -> Float.floatToIntBits((float) raw) & 0xFFFF_FFFFL;
        case FLOAT64 -> Double.doubleToLongBits(raw);
        case UINT64 -> raw >= 0x1p63 ? Math.round(raw - 0x1p63) ^ Long.MIN_VALUE
            : Math.round(raw);
        default -> Math.round(raw);
      };
    }
    switch (p.byteSelect()) {
      case HIGH_BYTE -> bits = (bits & 0xFF) << 8;
      case LOW_BYTE -> bits &= 0xFF;
      default -> { }
    }
    spread(bits, p, words, offset);
  }

  /** Splits {@code bits} into the point's registers in its word order (inverse of assembling). */
  static void spread(long bits, Point p, int[] words, int offset) {
    int n = p.registers();
    for (int i = 0; i < n; i++) {
      int w = (int) ((bits >>> (16 * (n - 1 - i))) & 0xFFFF);
      boolean swapBytes = switch (p.order()) {
        case BADC, DCBA -> true;
        default -> false;
      };
      if (swapBytes) {
        w = ((w & 0xFF) << 8) | ((w >>> 8) & 0xFF);
      }
      int index = switch (p.order()) {
        case CDAB, DCBA -> n - 1 - i;
        default -> i;
      };
      words[offset + index] = w;
    }
  }

  private static long reverseLookup(Map<Long, String> map, String text) {
    for (Map.Entry<Long, String> e : map.entrySet()) {
      if (e.getValue().equals(text)) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not in the value map " + map.values());
  }
}
