package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.evedge.drivers.can.DbcSignal.ByteOrder;
import io.evedge.drivers.can.DbcSignal.ValueType;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Decoding against hand-computed values. Payload bytes are numbered 0..7, bits within a byte 7
 * (most significant) .. 0; DBC bit {@code b} is bit {@code b % 8} of byte {@code b / 8}.
 */
class DbcSignalTest {

  /** Bytes 0..7 = 12 34 56 78 9A BC DE F0. */
  private static final byte[] DATA = {
      0x12, 0x34, 0x56, 0x78, (byte) 0x9A, (byte) 0xBC, (byte) 0xDE, (byte) 0xF0};
  private static final CanFrame FRAME =
      new CanFrame(0x100, false, false, 8, 0x123456789ABCDEF0L, CanFrame.NO_TIMESTAMP);

  private static DbcSignal signal(int start, int length, ByteOrder order, boolean signed) {
    return signal(start, length, order, signed, ValueType.INTEGER, 1, 0);
  }

  private static DbcSignal signal(int start, int length, ByteOrder order, boolean signed,
      ValueType type, double factor, double offset) {
    return new DbcSignal("s", start, length, order, signed, type, factor, offset, 0, 0, "",
        List.of(), false, -1, null, Map.of());
  }

  /** Decodes from the byte array and from the packed frame; both must give {@code expected}. */
  private static void assertRaw(long expected, DbcSignal s) {
    assertEquals(expected, s.decodeRaw(DATA, 8), "from byte[]");
    assertEquals(expected, s.decodeRaw(FRAME), "from CanFrame");
  }

  @Test
  void intelLittleEndian() {
    // 0|8: byte 0 = 0x12 = 18
    assertRaw(18, signal(0, 8, ByteOrder.INTEL, false));
    // 8|16: byte 1 is the low byte, byte 2 the high byte: 0x5634 = 22068
    assertRaw(22068, signal(8, 16, ByteOrder.INTEL, false));
    // 4|8: bits 4..7 of byte 0 (0x1) are the low nibble, bits 0..3 of byte 1 (0x4) the high: 0x41
    assertRaw(0x41, signal(4, 8, ByteOrder.INTEL, false));
    // 16|32: bytes 2..5 reversed: 0xBC9A7856 = 3164239958, above Integer.MAX_VALUE
    assertRaw(3_164_239_958L, signal(16, 32, ByteOrder.INTEL, false));
  }

  @Test
  void intelSigned() {
    // 56|8-: byte 7 = 0xF0 = 240, as 8-bit two's complement 240 - 256 = -16
    assertRaw(-16, signal(56, 8, ByteOrder.INTEL, true));
    // 52|12-: high nibble of byte 6 (0xD) low, byte 7 (0xF0) above it: 0xF0D = 3853; 3853 - 4096
    assertRaw(-243, signal(52, 12, ByteOrder.INTEL, true));
    // 0|8-: 0x12 has bit 7 clear, so it stays 18
    assertRaw(18, signal(0, 8, ByteOrder.INTEL, true));
  }

  @Test
  void motorolaBigEndianSawtooth() {
    // 7|8: starts at the MSB of byte 0: 0x12
    assertRaw(0x12, signal(7, 8, ByteOrder.MOTOROLA, false));
    // 7|16: byte 0 high, byte 1 low: 0x1234 = 4660
    assertRaw(4660, signal(7, 16, ByteOrder.MOTOROLA, false));
    // 3|8: bits 3..0 of byte 0 (0x2) then bits 7..4 of byte 1 (0x3): 0x23 = 35
    assertRaw(35, signal(3, 8, ByteOrder.MOTOROLA, false));
    // 13|12: bits 5..0 of byte 1 (0x34 -> 110100) then bits 7..2 of byte 2 (0x56 -> 010101):
    // 110100_010101 = 0xD15 = 3349
    assertRaw(3349, signal(13, 12, ByteOrder.MOTOROLA, false));
    // 55|16-: bytes 6, 7 = 0xDEF0 = 57072; 57072 - 65536 = -8464
    assertRaw(-8464, signal(55, 16, ByteOrder.MOTOROLA, true));
  }

  @Test
  void singleBits() {
    // byte 2 = 0x56 = 0101_0110: bit 16 is 0, bit 18 is 1 (the same bit numbering for both orders)
    assertRaw(0, signal(16, 1, ByteOrder.INTEL, false));
    assertRaw(1, signal(18, 1, ByteOrder.INTEL, false));
    assertRaw(1, signal(18, 1, ByteOrder.MOTOROLA, false));
    // a signed 1-bit signal that is set reads -1
    assertRaw(-1, signal(18, 1, ByteOrder.INTEL, true));
  }

  @Test
  void sixtyFourBits() {
    // 7|64@0: the payload as one big-endian number
    assertRaw(0x123456789ABCDEF0L, signal(7, 64, ByteOrder.MOTOROLA, false));
    // 0|64@1: bytes reversed, 0xF0DEBC9A78563412, which is 17356517385562371090 unsigned
    DbcSignal intel = signal(0, 64, ByteOrder.INTEL, false);
    assertRaw(0xF0DEBC9A78563412L, intel);
    assertEquals("17356517385562371090", Long.toUnsignedString(intel.decodeRaw(FRAME)));
    assertEquals(1.7356517385562371e19, intel.decode(FRAME), 1e4);
    // the same bits signed: 17356517385562371090 - 2^64
    assertEquals(-1_090_226_688_147_180_526.0,
        signal(0, 64, ByteOrder.INTEL, true).decode(FRAME), 1e3);
  }

  @Test
  void factorAndOffset() {
    // 7|16@0+ (-0.05,500): 4660 * -0.05 + 500 = -233 + 500 = 267
    DbcSignal s = signal(7, 16, ByteOrder.MOTOROLA, false, ValueType.INTEGER, -0.05, 500);
    assertEquals(267.0, s.decode(DATA, 8), 1e-9);
    assertEquals(267.0, s.decode(FRAME), 1e-9);
    // 56|8@1- (0.5,-40): -16 * 0.5 - 40 = -48
    assertEquals(-48.0, signal(56, 8, ByteOrder.INTEL, true, ValueType.INTEGER, 0.5, -40)
        .decode(FRAME), 1e-9);
  }

  @Test
  void floatValueTypes() {
    // 1.5f is 0x3FC00000, little-endian bytes 00 00 C0 3F; (2, 1): 1.5 * 2 + 1 = 4
    DbcSignal f32 = signal(0, 32, ByteOrder.INTEL, true, ValueType.FLOAT32, 2, 1);
    CanFrame f = CanFrame.of(0x500, false, (byte) 0, (byte) 0, (byte) 0xC0, (byte) 0x3F);
    assertEquals(0x3FC00000L, f32.decodeRaw(f));
    assertEquals(1.5, f32.rawValue(f32.decodeRaw(f)));
    assertEquals(4.0, f32.decode(f));
    // 230.25 = 1.798828125 * 2^7: exponent 1023 + 7 = 0x406, fraction .798828125 = 0xCC8 / 2^12,
    // so 0x406CC80000000000, big-endian bytes 40 6C C8 00 00 00 00 00
    DbcSignal f64 = signal(7, 64, ByteOrder.MOTOROLA, false, ValueType.FLOAT64, 1, 0);
    byte[] d = {0x40, 0x6C, (byte) 0xC8, 0, 0, 0, 0, 0};
    assertEquals(230.25, f64.decode(d, 8));
    // a negative float32 is not sign-extended as an integer: -2.0f = 0xC0000000
    CanFrame neg = CanFrame.of(0x500, false, (byte) 0, (byte) 0, (byte) 0, (byte) 0xC0);
    assertEquals(-2.0, signal(0, 32, ByteOrder.INTEL, true, ValueType.FLOAT32, 1, 0).decode(neg));
  }

  @Test
  void multiplexedSignalsArePresentOnlyForTheirMultiplexorValue() {
    DbcSignal mux = new DbcSignal("Mux", 0, 8, ByteOrder.INTEL, false, ValueType.INTEGER, 1, 0, 0,
        0, "", List.of(), true, -1, null, Map.of());
    DbcSignal a = new DbcSignal("A", 8, 8, ByteOrder.INTEL, false, ValueType.INTEGER, 1, 0, 0, 0,
        "", List.of(), false, 1, mux, Map.of());
    DbcSignal b = new DbcSignal("B", 8, 16, ByteOrder.INTEL, true, ValueType.INTEGER, 1, 0, 0, 0,
        "", List.of(), false, 2, mux, Map.of());

    CanFrame one = CanFrame.of(0x10, false, (byte) 1, (byte) 0xFF, (byte) 0x7F);
    assertTrue(a.isPresentIn(one));
    assertFalse(b.isPresentIn(one));
    assertEquals(255, a.decodeRaw(one));

    CanFrame two = CanFrame.of(0x10, false, (byte) 2, (byte) 0xFF, (byte) 0x7F);
    assertFalse(a.isPresentIn(two));
    assertTrue(b.isPresentIn(two));
    assertTrue(b.isPresentIn(new byte[] {2, (byte) 0xFF, 0x7F}, 3));
    // bytes 1, 2 little-endian: 0x7FFF
    assertEquals(32767, b.decodeRaw(two));

    // multiplexor says B, but the frame is one byte short of B
    assertFalse(b.isPresentIn(CanFrame.of(0x10, false, (byte) 2, (byte) 0xFF)));
    assertFalse(a.isPresentIn(CanFrame.of(0x10, false)));
    assertTrue(mux.multiplexor() && a.multiplexed() && !mux.multiplexed());
  }

  @Test
  void shortFramesAndRemoteFramesDoNotCarryTheSignal() {
    DbcSignal s = signal(8, 16, ByteOrder.INTEL, false);
    assertEquals(3, s.bytesNeeded());
    assertFalse(s.isPresentIn(CanFrame.of(0x1, false, (byte) 1, (byte) 2)));
    assertFalse(s.isPresentIn(CanFrame.remoteRequest(0x1, false, 8)));
    assertThrows(IndexOutOfBoundsException.class,
        () -> s.decodeRaw(CanFrame.of(0x1, false, (byte) 1, (byte) 2)));
    assertThrows(IndexOutOfBoundsException.class, () -> s.decodeRaw(DATA, 2));
    // Motorola 3|8 crosses into byte 1: two bytes; 7|8 stays in byte 0
    assertEquals(2, signal(3, 8, ByteOrder.MOTOROLA, false).bytesNeeded());
    assertEquals(1, signal(7, 8, ByteOrder.MOTOROLA, false).bytesNeeded());
    assertEquals(8, signal(7, 64, ByteOrder.MOTOROLA, false).bytesNeeded());
  }

  @Test
  void rejectsInconsistentDefinitions() {
    assertThrows(IllegalArgumentException.class, () -> signal(0, 0, ByteOrder.INTEL, false));
    assertThrows(IllegalArgumentException.class, () -> signal(0, 65, ByteOrder.INTEL, false));
    assertThrows(IllegalArgumentException.class, () -> signal(505, 8, ByteOrder.INTEL, false));
    assertThrows(IllegalArgumentException.class,
        () -> signal(0, 16, ByteOrder.INTEL, false, ValueType.FLOAT32, 1, 0));
    DbcSignal plain = signal(0, 8, ByteOrder.INTEL, false);
    assertThrows(IllegalArgumentException.class, () -> new DbcSignal("x", 8, 8, ByteOrder.INTEL,
        false, ValueType.INTEGER, 1, 0, 0, 0, "", List.of(), false, 1, plain, Map.of()));
  }

  @Test
  void packedPayloadDecodesLikeTheFrame() {
    DbcSignal motorola = signal(13, 12, ByteOrder.MOTOROLA, false);
    assertEquals(3349, motorola.decodeRaw(FRAME.data(), 8));
    assertEquals(motorola.decode(FRAME), motorola.decode(FRAME.data(), 8));
    assertTrue(motorola.isPresentIn(FRAME.data(), 8));
    // 13|12@0 reaches into byte 2: a two-byte payload does not carry it
    assertFalse(motorola.isPresentIn(0x1234_0000_0000_0000L, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> motorola.decodeRaw(0L, 2));
  }

  @Test
  void encodingIsTheInverseOfDecoding() {
    // 13|12@0 = 0xD15 in 12 34 56 ..: writing 0xD15 into a zero payload sets only those bits:
    // byte 1 bits 5..0 = 110100 (0x34), byte 2 bits 7..2 = 010101 (0x54)
    DbcSignal motorola = signal(13, 12, ByteOrder.MOTOROLA, false);
    assertEquals(0x0034_5400_0000_0000L, motorola.encodeRaw(0, 0xD15));
    // 4|8@1 = 0x41: low nibble into bits 4..7 of byte 0, high nibble into bits 0..3 of byte 1
    assertEquals(0x1004_0000_0000_0000L, signal(4, 8, ByteOrder.INTEL, false).encodeRaw(0, 0x41));
    // other bits are kept
    assertEquals(FRAME.data(), motorola.encodeRaw(FRAME.data(), 0xD15));
    assertEquals(FRAME.data(), signal(52, 12, ByteOrder.INTEL, true).encodeRaw(FRAME.data(), -243));

    // every start bit, length and order that fits 8 bytes round-trips, signed or not
    java.util.SplittableRandom random = new java.util.SplittableRandom(4);
    for (ByteOrder order : ByteOrder.values()) {
      for (int length = 1; length <= 64; length++) {
        for (int start = 0; start < 64; start++) {
          if (DbcSignal.bytesNeeded(start, length, order) > 8) {
            continue;
          }
          for (boolean signed : new boolean[] {false, true}) {
            DbcSignal s = signal(start, length, order, signed);
            long raw = random.nextLong();
            long fitted = length == 64 ? raw : signed
                ? (raw << (64 - length)) >> (64 - length) : raw & ((1L << length) - 1);
            long background = random.nextLong();
            long data = s.encodeRaw(background, fitted);
            assertEquals(fitted, s.decodeRaw(data, 8), s.toString());
            // re-encoding what was decoded gives back the same payload
            assertEquals(data, s.encodeRaw(data, s.decodeRaw(data, 8)));
          }
        }
      }
    }
  }

  @Test
  void physicalValuesAreScaledRoundedAndClamped() {
    // 0|16@1+ (0.1,-1000) "A": 12.34 A is raw (12.34 + 1000) / 0.1 = 10123.4, rounded 10123
    DbcSignal current = signal(0, 16, ByteOrder.INTEL, false, ValueType.INTEGER, 0.1, -1000);
    assertEquals(10123, current.rawFor(12.34));
    assertEquals(12.3, current.decode(current.encode(0, 12.34), 8), 1e-9);
    // out of range: clamped to 0..65535
    assertEquals(0, current.rawFor(-5000));
    assertEquals(65535, current.rawFor(1e9));
    // signed 8 bits clamp to -128..127
    assertEquals(-128, signal(0, 8, ByteOrder.INTEL, true).rawFor(-1000));
    // float32: the IEEE bits of (value - offset) / factor
    DbcSignal f32 = signal(0, 32, ByteOrder.INTEL, true, ValueType.FLOAT32, 2, 1);
    assertEquals(4.0, f32.decode(f32.encode(0, 4.0), 8));
  }

  @Test
  void decodingAllocatesNothing() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    DbcSignal intel = signal(52, 12, ByteOrder.INTEL, true, ValueType.INTEGER, 0.1, 3);
    DbcSignal motorola = signal(13, 12, ByteOrder.MOTOROLA, false, ValueType.INTEGER, 0.1, 3);
    double sum = 0;
    for (int i = 0; i < 10_000; i++) {
      sum += intel.decode(FRAME) + motorola.decode(DATA, 8);
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      sum += intel.decode(FRAME) + motorola.decode(DATA, 8);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    // one object per decode would be 3.2 MB or more; allow for the measurement's own noise
    assertTrue(allocated < 100_000, allocated + " bytes allocated");
    assertTrue(sum != 0);
  }
}
