package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CanFrameTest {

  @Test
  void packsPayloadWithFirstByteMostSignificant() {
    CanFrame f = CanFrame.of(0x123, false, (byte) 0x11, (byte) 0x22, (byte) 0xFE);

    assertEquals(0x1122FE00_00000000L, f.data());
    assertEquals(3, f.dlc());
    assertEquals(0xFE, f.dataByte(2));
    assertArrayEquals(new byte[] {0x11, 0x22, (byte) 0xFE}, f.dataBytes());
    assertFalse(f.hasTimestamp());
    assertEquals("CanFrame[0x123 dlc=3 data=1122FE]", f.toString());
  }

  @Test
  void remoteRequestHasDlcButNoPayload() {
    CanFrame f = CanFrame.remoteRequest(0x1ABCDEF0, true, 4);

    assertEquals(0, f.payloadLength());
    assertEquals(0, f.dataBytes().length);
    assertThrows(IndexOutOfBoundsException.class, () -> f.dataByte(0));
    assertEquals("CanFrame[0x1ABCDEF0 RTR dlc=4]", f.toString());
  }

  @Test
  void identifierRangesDependOnFormat() {
    new CanFrame(0x7FF, false, false, 0, 0, CanFrame.NO_TIMESTAMP);
    new CanFrame(0x1FFFFFFF, true, false, 0, 0, CanFrame.NO_TIMESTAMP);

    assertThrows(IllegalArgumentException.class,
        () -> new CanFrame(0x800, false, false, 0, 0, CanFrame.NO_TIMESTAMP));
    assertThrows(IllegalArgumentException.class,
        () -> new CanFrame(0x20000000, true, false, 0, 0, CanFrame.NO_TIMESTAMP));
    assertThrows(IllegalArgumentException.class,
        () -> new CanFrame(-1, true, false, 0, 0, CanFrame.NO_TIMESTAMP));
  }

  @Test
  void rejectsBadLengthsPayloadsAndTimestamps() {
    assertThrows(IllegalArgumentException.class,
        () -> new CanFrame(1, false, false, 9, 0, CanFrame.NO_TIMESTAMP));
    assertThrows(IllegalArgumentException.class, () -> CanFrame.of(1, false, new byte[9]));
    assertThrows(IllegalArgumentException.class,
        () -> new CanFrame(1, false, true, 1, 1L << 56, CanFrame.NO_TIMESTAMP));
    // dlc 1 allows only the top byte to be non-zero
    assertThrows(IllegalArgumentException.class,
        () -> new CanFrame(1, false, false, 1, 0x00FF_0000_0000_0000L, CanFrame.NO_TIMESTAMP));
    assertThrows(IllegalArgumentException.class,
        () -> new CanFrame(1, false, false, 0, 1, CanFrame.NO_TIMESTAMP));
    assertThrows(IllegalArgumentException.class, () -> new CanFrame(1, false, false, 0, 0, -2));
  }

  @Test
  void timestampIsPartOfTheValue() {
    CanFrame f = CanFrame.of(0x10, false, (byte) 1).withTimestamp(60_000);

    assertTrue(f.hasTimestamp());
    assertEquals(60_000, f.timestampMs());
    assertEquals(CanFrame.of(0x10, false, (byte) 1), f.withTimestamp(CanFrame.NO_TIMESTAMP));
    assertEquals("CanFrame[0x010 dlc=1 data=01 t=60000ms]", f.toString());
  }
}
