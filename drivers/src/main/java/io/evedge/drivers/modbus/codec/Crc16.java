package io.evedge.drivers.modbus.codec;

/**
 * CRC-16/MODBUS: polynomial 0x8005 reflected (0xA001), initial value 0xFFFF, no final XOR, as
 * specified by "MODBUS over Serial Line Specification and Implementation Guide V1.02" §6.2.2. On the
 * wire the low byte of the CRC goes first (§2.5.1.2).
 */
public final class Crc16 {

  /** The value of the register before any byte is added. */
  public static final int INITIAL = 0xFFFF;

  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
      }
      TABLE[i] = crc;
    }
  }

  private Crc16() {}

  /** Adds one byte to a running CRC. */
  public static int update(int crc, int b) {
    return (crc >>> 8) ^ TABLE[(crc ^ b) & 0xFF];
  }

  /** The CRC of {@code len} bytes of {@code data} from {@code off}. */
  public static int of(byte[] data, int off, int len) {
    int crc = INITIAL;
    for (int i = off; i < off + len; i++) {
      crc = update(crc, data[i]);
    }
    return crc;
  }
}
