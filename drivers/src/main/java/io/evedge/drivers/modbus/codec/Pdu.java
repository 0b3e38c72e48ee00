package io.evedge.drivers.modbus.codec;

/**
 * Reply PDUs as a server sends them (Modbus Application Protocol V1.1b3 §6.1–§6.4, §7), for the
 * simulator's slave and for tests.
 */
public final class Pdu {

  private Pdu() {}

  /** A function 3/4 reply: function, byte count, the words big-endian. */
  public static byte[] registers(int function, int[] words) {
    byte[] pdu = new byte[2 + 2 * words.length];
    pdu[0] = (byte) function;
    pdu[1] = (byte) (2 * words.length);
    for (int i = 0; i < words.length; i++) {
      pdu[2 + 2 * i] = (byte) (words[i] >>> 8);
      pdu[3 + 2 * i] = (byte) words[i];
    }
    return pdu;
  }

  /** A function 1/2 reply: function, byte count, the bits packed least significant bit first. */
  public static byte[] bits(int function, boolean[] bits) {
    byte[] pdu = new byte[2 + (bits.length + 7) / 8];
    pdu[0] = (byte) function;
    pdu[1] = (byte) (pdu.length - 2);
    for (int i = 0; i < bits.length; i++) {
      if (bits[i]) {
        pdu[2 + (i >>> 3)] |= (byte) (1 << (i & 7));
      }
    }
    return pdu;
  }

  /** An exception reply: function | 0x80, exception code. */
  public static byte[] exception(int function, int code) {
    return new byte[] {(byte) (function | 0x80), (byte) code};
  }
}
