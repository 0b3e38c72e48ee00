package io.evedge.drivers.can;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One signal of a DBC message ({@code SG_} line, plus its {@code VAL_} and {@code SIG_VALTYPE_}),
 * and the decoding of its value from a frame's payload.
 *
 * <p>Bits are numbered as in DBC files: bit {@code b} is bit {@code b % 8} (0 = least significant)
 * of payload byte {@code b / 8}. An Intel ({@code @1}, little-endian) signal's {@code startBit} is
 * its least significant bit and it runs towards higher bit numbers; a Motorola ({@code @0},
 * big-endian) signal's {@code startBit} is its most significant bit and it runs down to bit 0 of
 * that byte, then on from bit 7 of the next byte (the "sawtooth" numbering).
 *
 * <p>Decoding allocates nothing. It needs the frame to hold {@link #bytesNeeded()} bytes; check
 * {@link #isPresentIn} first, which also checks the multiplexor of a multiplexed signal.
 *
 * @param name signal name
 * @param startBit DBC start bit, see above
 * @param length length in bits, 1..64
 * @param byteOrder {@code @1} Intel or {@code @0} Motorola
 * @param signed {@code -} (two's complement) rather than {@code +}; ignored for float values
 * @param valueType integer, or IEEE float32/float64 after {@code SIG_VALTYPE_} 1/2
 * @param factor physical = raw × factor + offset
 * @param offset see {@code factor}
 * @param min physical minimum; {@code [0|0]} (both 0) in the file means no range is given
 * @param max physical maximum
 * @param unit physical unit as written, possibly empty or with spaces ({@code "°C"},
 *     {@code "0.05 V/bit"})
 * @param receivers receiving nodes as written ({@code Vector__XXX} means none)
 * @param multiplexor whether this signal selects which multiplexed signals a frame carries
 *     ({@code M})
 * @param multiplexValue for a multiplexed signal ({@code mN}), the value {@code N} of the
 *     multiplexor that selects it; -1 when not multiplexed
 * @param selectedBy the multiplexor of a multiplexed signal; {@code null} when not multiplexed
 * @param values value descriptions from {@code VAL_} by raw value, ascending; may name values that
 *     do not fit the signal
 */
public record DbcSignal(
    String name,
    int startBit,
    int length,
    ByteOrder byteOrder,
    boolean signed,
    ValueType valueType,
    double factor,
    double offset,
    double min,
    double max,
    String unit,
    List<String> receivers,
    boolean multiplexor,
    int multiplexValue,
    DbcSignal selectedBy,
    Map<Long, String> values) {

  /** Bit order of a signal in the payload. */
  public enum ByteOrder {
    /** {@code @1}: little-endian, start bit is the least significant bit. */
    INTEL,
    /** {@code @0}: big-endian, start bit is the most significant bit (sawtooth numbering). */
    MOTOROLA
  }

  /** How the raw bits are read as a number. */
  public enum ValueType {
    /** Signed or unsigned integer (the default). */
    INTEGER,
    /** IEEE 754 single precision, 32 bits ({@code SIG_VALTYPE_ ... : 1}). */
    FLOAT32,
    /** IEEE 754 double precision, 64 bits ({@code SIG_VALTYPE_ ... : 2}). */
    FLOAT64
  }

  /** Highest payload bit a DBC start bit can name (64-byte CAN FD payload). */
  public static final int MAX_BIT = 64 * 8 - 1;

  public DbcSignal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(byteOrder, "byteOrder");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(unit, "unit");
    if (length < 1 || length > 64) {
      throw new IllegalArgumentException(name + ": length " + length + " out of range 1..64");
    }
    if (startBit < 0 || startBit > MAX_BIT || bytesNeeded(startBit, length, byteOrder) > 64) {
      throw new IllegalArgumentException(name + ": start bit " + startBit + " and length " + length
          + " do not fit a 64-byte payload");
    }
    if ((valueType == ValueType.FLOAT32 && length != 32)
        || (valueType == ValueType.FLOAT64 && length != 64)) {
      throw new IllegalArgumentException(name + ": " + valueType + " needs "
          + (valueType == ValueType.FLOAT32 ? 32 : 64) + " bits, not " + length);
    }
    if ((selectedBy == null) != (multiplexValue < 0)) {
      throw new IllegalArgumentException(
          name + ": a multiplexed signal needs both a multiplexor and a multiplex value");
    }
    if (selectedBy != null && !selectedBy.multiplexor()) {
      throw new IllegalArgumentException(name + ": " + selectedBy.name() + " is not a multiplexor");
    }
    receivers = List.copyOf(receivers);
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** Number of payload bytes a frame needs to carry this signal. */
  public int bytesNeeded() {
    return bytesNeeded(startBit, length, byteOrder);
  }

  static int bytesNeeded(int startBit, int length, ByteOrder byteOrder) {
    if (byteOrder == ByteOrder.INTEL) {
      return (startBit + length - 1) / 8 + 1;
    }
    int inFirstByte = startBit % 8 + 1;
    int rest = Math.max(0, length - inFirstByte);
    return startBit / 8 + 1 + (rest + 7) / 8;
  }

  /** Whether this signal is multiplexed ({@code mN}), present only in some frames. */
  public boolean multiplexed() {
    return selectedBy != null;
  }

  /** Whether the physical range was given (anything but {@code [0|0]}). */
  public boolean hasRange() {
    return min != 0 || max != 0;
  }

  /**
   * Whether a payload of {@code dlc} bytes carries this signal: it is long enough and, for a
   * multiplexed signal, the multiplexor has this signal's {@link #multiplexValue}.
   */
  public boolean isPresentIn(byte[] data, int dlc) {
    return bytesNeeded() <= dlc
        && (selectedBy == null || (selectedBy.isPresentIn(data, dlc)
            && selectedBy.decodeRaw(data, dlc) == multiplexValue));
  }

  /** {@link #isPresentIn(byte[], int)} for a received frame (a remote frame carries nothing). */
  public boolean isPresentIn(CanFrame frame) {
    return bytesNeeded() <= frame.payloadLength()
        && (selectedBy == null || (selectedBy.isPresentIn(frame)
            && selectedBy.decodeRaw(frame) == multiplexValue));
  }

  /**
   * The raw bits of this signal in the first {@code dlc} bytes of {@code data}: sign-extended when
   * {@link #signed} integer, else zero-extended (a 64-bit unsigned value may read negative; see
   * {@link Long#toUnsignedString}). For float signals these are the IEEE bits; see {@link
   * #rawValue}.
   *
   * @throws IndexOutOfBoundsException if {@code dlc} is below {@link #bytesNeeded()}
   */
  public long decodeRaw(byte[] data, int dlc) {
    checkFits(dlc);
    return extract(data, 0);
  }

  /** {@link #decodeRaw(byte[], int)} for a received frame. */
  public long decodeRaw(CanFrame frame) {
    checkFits(frame.payloadLength());
    return extract(null, frame.data());
  }

  /** The physical value in the first {@code dlc} bytes of {@code data}: raw × factor + offset. */
  public double decode(byte[] data, int dlc) {
    return physical(decodeRaw(data, dlc));
  }

  /** {@link #decode(byte[], int)} for a received frame. */
  public double decode(CanFrame frame) {
    return physical(decodeRaw(frame));
  }

  /**
   * {@link #isPresentIn(CanFrame)} for a payload packed as in {@link CanFrame#data()}, for callers
   * that hold a frame's fields rather than the object.
   *
   * @param payloadLength bytes carried, 0..8 (0 for a remote frame)
   */
  public boolean isPresentIn(long data, int payloadLength) {
    return bytesNeeded() <= payloadLength
        && (selectedBy == null || (selectedBy.isPresentIn(data, payloadLength)
            && selectedBy.decodeRaw(data, payloadLength) == multiplexValue));
  }

  /** {@link #decodeRaw(CanFrame)} for a payload packed as in {@link CanFrame#data()}. */
  public long decodeRaw(long data, int payloadLength) {
    checkFits(payloadLength);
    return extract(null, data);
  }

  /** {@link #decode(CanFrame)} for a payload packed as in {@link CanFrame#data()}. */
  public double decode(long data, int payloadLength) {
    return physical(decodeRaw(data, payloadLength));
  }

  /**
   * The raw bits that encode {@code physical}: (physical − offset) / factor rounded to the nearest
   * integer and clamped to what {@link #length} bits hold (signed or not); for a float signal the
   * IEEE bits of the value. The inverse of {@link #physical(long)} up to rounding.
   */
  public long rawFor(double physical) {
    double raw = factor == 0 ? 0 : (physical - offset) / factor;
    if (valueType == ValueType.FLOAT32) {
      return Float.floatToIntBits((float) raw) & 0xFFFF_FFFFL;
    }
    if (valueType == ValueType.FLOAT64) {
      return Double.doubleToLongBits(raw);
    }
    long r = Double.isNaN(raw) ? 0 : Math.round(raw);
    if (length == 64) {
      return r;
    }
    long max = signed ? (1L << (length - 1)) - 1 : (1L << length) - 1;
    long min = signed ? -(1L << (length - 1)) : 0;
    return Math.max(min, Math.min(max, r));
  }

  /**
   * {@code data} (a payload packed as in {@link CanFrame#data()}, at most 8 bytes) with this
   * signal's bits replaced by {@code raw}; the other bits are kept. The inverse of
   * {@link #decodeRaw(long, int)}, used to build frames (the simulator, tests).
   *
   * @throws IndexOutOfBoundsException if the signal does not fit 8 bytes
   */
  public long encodeRaw(long data, long raw) {
    checkFits(8);
    long v = raw;
    if (byteOrder == ByteOrder.INTEL) {
      int bit = startBit;
      int remaining = length;
      while (remaining > 0) {
        int inByte = bit & 7;
        int n = Math.min(8 - inByte, remaining);
        int shift = 56 - 8 * (bit >>> 3) + inByte;
        long mask = ((1L << n) - 1) << shift;
        data = (data & ~mask) | ((v << shift) & mask);
        v >>>= n;
        bit += n;
        remaining -= n;
      }
    } else {
      int index = startBit >>> 3;
      int top = startBit & 7;
      int remaining = length;
      while (remaining > 0) {
        int n = Math.min(top + 1, remaining);
        long chunk = (v >>> (remaining - n)) & ((1L << n) - 1);
        int shift = 56 - 8 * index + (top + 1 - n);
        long mask = ((1L << n) - 1) << shift;
        data = (data & ~mask) | (chunk << shift);
        remaining -= n;
        index++;
        top = 7;
      }
    }
    return data;
  }

  /** {@code data} with this signal set to {@code physical} (see {@link #rawFor}). */
  public long encode(long data, double physical) {
    return encodeRaw(data, rawFor(physical));
  }

  /** Raw bits read as a number: the integer, or the float they encode. */
  public double rawValue(long raw) {
    return switch (valueType) {
      case FLOAT32 -> Float.intBitsToFloat((int) raw);
      case FLOAT64 -> Double.longBitsToDouble(raw);
      case INTEGER -> signed || raw >= 0 ? raw : (raw >>> 1) * 2.0 + (raw & 1);
    };
  }

  /** Raw bits to physical value: {@link #rawValue} × factor + offset, in {@link #unit}. */
  public double physical(long raw) {
    return rawValue(raw) * factor + offset;
  }

  private void checkFits(int dlc) {
    if (bytesNeeded() > dlc) {
      throw new IndexOutOfBoundsException(
          name + " needs " + bytesNeeded() + " payload bytes, the frame has " + dlc);
    }
  }

  /** Reads the bits from {@code data}, or from the packed payload of a {@link CanFrame} if null. */
  private long extract(byte[] data, long packed) {
    long v = 0;
    int remaining = length;
    if (byteOrder == ByteOrder.INTEL) {
      int bit = startBit;
      int shift = 0;
      while (remaining > 0) {
        int inByte = bit & 7;
        int n = Math.min(8 - inByte, remaining);
        long chunk = (byteAt(data, packed, bit >>> 3) >>> inByte) & ((1 << n) - 1);
        v |= chunk << shift;
        shift += n;
        bit += n;
        remaining -= n;
      }
    } else {
      int index = startBit >>> 3;
      int top = startBit & 7;
      while (remaining > 0) {
        int n = Math.min(top + 1, remaining);
        long chunk = (byteAt(data, packed, index) >>> (top + 1 - n)) & ((1 << n) - 1);
        v = (v << n) | chunk;
        remaining -= n;
        index++;
        top = 7;
      }
    }
    if (signed && valueType == ValueType.INTEGER && length < 64) {
      v = (v << (64 - length)) >> (64 - length);
    }
    return v;
  }

  private static int byteAt(byte[] data, long packed, int index) {
    return data != null ? data[index] & 0xFF : (int) (packed >>> (56 - 8 * index)) & 0xFF;
  }
}
