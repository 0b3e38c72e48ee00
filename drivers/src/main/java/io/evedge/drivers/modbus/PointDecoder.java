package io.evedge.drivers.modbus;

/**
 * Turns raw register words into point values. Pure functions, no allocation beyond the boxed result.
 *
 * <p>Word orders name the bytes of the value, A the most significant: {@code ABCD} is big-endian
 * words and bytes (Eastron, ABB); {@code CDAB} the low word first (Phoenix EV-CC "LSW-first");
 * {@code BADC} bytes swapped in each word; {@code DCBA} everything reversed. For 64-bit values the
 * same rule extends to four words.
 */
public final class PointDecoder {

  private PointDecoder() {}

  /**
   * The value of {@code p} in {@code words} starting at {@code offset}: a {@link Double}, a
   * {@link Boolean} (type BOOL), a {@link String} (value map hit), or {@code null} for "no value".
   */
  public static Object decode(Point p, int[] words, int offset) {
    for (long[] marker : p.noValue()) {
      if (matches(marker, words, offset)) {
        return null;
      }
    }
    long bits = assemble(words, offset, p.registers(), p.order());
    if (p.registers() == 1) {
      switch (p.byteSelect()) {
        case HIGH_BYTE -> bits = (bits >>> 8) & 0xFF;
        case LOW_BYTE -> bits &= 0xFF;
        default -> { }
      }
    }
    if (!p.valueMap().isEmpty()) {
      String text = p.valueMap().get(bits);
      return text != null ? text : "UNKNOWN(" + bits + ")";
    }
    double raw = switch (p.type()) {
      case BOOL -> bits != 0 ? 1 : 0;
      case INT16 -> (short) bits;
      case UINT16, UINT32 -> bits;
      case INT32 -> (int) bits;
      case INT64 -> bits;
      case UINT64 -> unsignedToDouble(bits);
      case FLOAT32 -> Float.intBitsToFloat((int) bits);
      case FLOAT64 -> Double.longBitsToDouble(bits);
      default -> bits;
    };
    if (p.type() == io.evedge.proto.DataType.BOOL) {
      return raw != 0;
    }
    if (Double.isNaN(raw) || Double.isInfinite(raw)) {
      return null;
    }
    return raw * p.scale() + p.offset();
  }

  /** A bit point (coil or discrete input) as a value. */
  public static Object decodeBit(Point p, boolean bit) {
    if (!p.valueMap().isEmpty()) {
      String text = p.valueMap().get(bit ? 1L : 0L);
      return text != null ? text : String.valueOf(bit);
    }
    return bit;
  }

  /** Puts {@code count} words in ABCD (most significant first) order and joins them. */
  static long assemble(int[] words, int offset, int count, io.evedge.proto.WordOrder order) {
    long bits = 0;
    for (int i = 0; i < count; i++) {
      int w = switch (order) {
        case CDAB, DCBA -> words[offset + count - 1 - i];
        default -> words[offset + i];
      };
      if (order == io.evedge.proto.WordOrder.BADC || order == io.evedge.proto.WordOrder.DCBA) {
        w = ((w & 0xFF) << 8) | ((w >>> 8) & 0xFF);
      }
      bits = (bits << 16) | (w & 0xFFFF);
    }
    return bits;
  }

  private static boolean matches(long[] marker, int[] words, int offset) {
    if (offset + marker.length > words.length) {
      return false;
    }
    for (int i = 0; i < marker.length; i++) {
      if ((words[offset + i] & 0xFFFF) != marker[i]) {
        return false;
      }
    }
    return true;
  }

  private static double unsignedToDouble(long bits) {
    double d = (double) (bits >>> 1) * 2.0;
    return d + (bits & 1);
  }
}
