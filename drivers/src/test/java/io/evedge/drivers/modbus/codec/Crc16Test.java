package io.evedge.drivers.modbus.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Crc16Test {

  private static int crc(String hex) {
    byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
    return Crc16.of(b, 0, b.length);
  }

  @Test
  void goldenValues() {
    // Modicon PI-MBUS-300 Rev. J, appendix C ("CRC generation"): the message 02 07 has CRC 0x1241,
    // sent low byte first as 41 12.
    assertEquals(0x1241, crc("02 07"));
    // The read-holding-registers request of the MODBUS Application Protocol V1.1b3 §6.3 example
    // (address 0x006B, 3 registers) to unit 0x11 is sent as 11 03 00 6B 00 03 76 87.
    assertEquals(0x8776, crc("11 03 00 6B 00 03"));
    // Read 10 holding registers from unit 1: 01 03 00 00 00 0A C5 CD.
    assertEquals(0xCDC5, crc("01 03 00 00 00 0A"));
  }

  @Test
  void aFrameWithItsCrcAppendedChecksToZero() {
    // a property of the reflected CRC: running it over the frame and its CRC (low byte first) gives 0
    assertEquals(0, crc("11 03 00 6B 00 03 76 87"));
  }

  @Test
  void updateMatchesWholeBuffer() {
    byte[] b = HexFormat.of().parseHex("0104000000 4C".replace(" ", ""));
    int running = Crc16.INITIAL;
    for (byte x : b) {
      running = Crc16.update(running, x);
    }
    assertEquals(Crc16.of(b, 0, b.length), running);
  }
}
