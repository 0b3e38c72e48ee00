package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Golden encodings from the LAWICEL CAN232/CANUSB ASCII command table (also the SLCAN subset in
 * Linux {@code drivers/net/can/slcan}): every command ends in CR (0x0D), ids and data are upper
 * case hex.
 */
class SlcanEncoderTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void bitrateCommandsS0ToS8() {
    // "Sn[CR] Setup with standard CAN bit-rates where n is 0-8": 10k, 20k, 50k, 100k, 125k, 250k,
    // 500k, 800k, 1M
    String[] expected = {"S0\r", "S1\r", "S2\r", "S3\r", "S4\r", "S5\r", "S6\r", "S7\r", "S8\r"};
    int[] rates = {10_000, 20_000, 50_000, 100_000, 125_000, 250_000, 500_000, 800_000, 1_000_000};
    for (int i = 0; i < rates.length; i++) {
      assertArrayEquals(ascii(expected[i]), SlcanEncoder.bitrate(SlcanBitrate.of(rates[i])));
      assertEquals(rates[i], SlcanBitrate.values()[i].bitsPerSecond());
    }
    assertEquals(SlcanBitrate.BPS_800K, SlcanBitrate.of(800_000));
    assertEquals('8', SlcanBitrate.BPS_1M.code());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SlcanBitrate.of(83_333));
    assertTrue(e.getMessage().contains("83333"), e.getMessage());
  }

  @Test
  void channelAndQueryCommands() {
    assertArrayEquals(ascii("O\r"), SlcanEncoder.open());
    assertArrayEquals(ascii("L\r"), SlcanEncoder.listenOnly());
    assertArrayEquals(ascii("C\r"), SlcanEncoder.close());
    assertArrayEquals(ascii("V\r"), SlcanEncoder.version());
    assertArrayEquals(ascii("N\r"), SlcanEncoder.serialNumber());
    assertArrayEquals(ascii("F\r"), SlcanEncoder.status());
    assertArrayEquals(ascii("Z1\r"), SlcanEncoder.timestamps(true));
    assertArrayEquals(ascii("Z0\r"), SlcanEncoder.timestamps(false));
  }

  @Test
  void standardDataFrames() {
    // LAWICEL: "t1002AA33[CR] Sends an 11bit CAN frame with ID=0x100, and 2 bytes of data with the
    // value 0xAA and 0x33"; EasySYNC USB2-F-7x01 guide 4.1.10 (same command set): t4560 and
    // t34580123456789ABCDEF
    assertArrayEquals(ascii("t1002AA33\r"),
        SlcanEncoder.encode(CanFrame.of(0x100, false, (byte) 0xAA, (byte) 0x33)));
    assertArrayEquals(ascii("t4560\r"), SlcanEncoder.encode(CanFrame.of(0x456, false)));
    assertArrayEquals(ascii("t34580123456789ABCDEF\r"), SlcanEncoder.encode(
        new CanFrame(0x345, false, false, 8, 0x0123456789ABCDEFL, CanFrame.NO_TIMESTAMP)));
    assertArrayEquals(ascii("t1230\r"), SlcanEncoder.encode(CanFrame.of(0x123, false)));
    assertArrayEquals(ascii("t12381122334455667788\r"), SlcanEncoder.encode(
        new CanFrame(0x123, false, false, 8, 0x1122334455667788L, CanFrame.NO_TIMESTAMP)));
  }

  @Test
  void extendedAndRemoteFrames() {
    // EasySYNC guide 4.1.11: T1234567880123456789ABCDEF and T123456780; Titan USB-2CAN manual
    // 8.3.6: "r0023[CR] will send a standard remote request CAN frame with ID = 002h, DLC = 3"
    assertArrayEquals(ascii("T1234567880123456789ABCDEF\r"), SlcanEncoder.encode(
        new CanFrame(0x12345678, true, false, 8, 0x0123456789ABCDEFL, CanFrame.NO_TIMESTAMP)));
    assertArrayEquals(ascii("T123456780\r"), SlcanEncoder.encode(CanFrame.of(0x12345678, true)));
    assertArrayEquals(ascii("T1FFFFFFF2AABB\r"),
        SlcanEncoder.encode(CanFrame.of(0x1FFFFFFF, true, (byte) 0xAA, (byte) 0xBB)));
    assertArrayEquals(ascii("r0023\r"),
        SlcanEncoder.encode(CanFrame.remoteRequest(0x002, false, 3)));
    assertArrayEquals(ascii("r1230\r"),
        SlcanEncoder.encode(CanFrame.remoteRequest(0x123, false, 0)));
    assertArrayEquals(ascii("R123456784\r"),
        SlcanEncoder.encode(CanFrame.remoteRequest(0x12345678, true, 4)));
  }

  @Test
  void encodesIntoCallersBufferAtOffsetIgnoringTimestamp() {
    byte[] buf = new byte[40];
    buf[0] = 'x';
    CanFrame f = CanFrame.of(0x1FFFFFFF, true, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
        .withTimestamp(5);

    int n = SlcanEncoder.encode(f, buf, 1);

    assertEquals(SlcanEncoder.MAX_FRAME_LENGTH, n);
    assertEquals(n, SlcanEncoder.length(f));
    assertEquals("xT1FFFFFFF80102030405060708\r",
        new String(buf, 0, 1 + n, StandardCharsets.US_ASCII));
    assertEquals(0, buf[1 + n]);
  }
}
