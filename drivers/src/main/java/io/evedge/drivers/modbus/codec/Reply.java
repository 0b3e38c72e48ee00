package io.evedge.drivers.modbus.codec;

/** A reply that is a valid answer to its request: data, or a Modbus exception. */
public sealed interface Reply permits Reply.Data, Reply.Exception {

  /**
   * The data of a read reply, after the byte count: register words big-endian, or bits packed
   * least significant bit first (Modbus Application Protocol V1.1b3 §6.1).
   */
  record Data(byte[] data) implements Reply {

    /** The register words, unsigned. */
    public int[] words() {
      int[] words = new int[data.length / 2];
      for (int i = 0; i < words.length; i++) {
        words[i] = ((data[2 * i] & 0xFF) << 8) | (data[2 * i + 1] & 0xFF);
      }
      return words;
    }

    /** The first {@code count} bits. */
    public boolean[] bits(int count) {
      boolean[] bits = new boolean[count];
      for (int i = 0; i < count; i++) {
        bits[i] = (data[i >>> 3] & (1 << (i & 7))) != 0;
      }
      return bits;
    }
  }

  /** An exception reply (function | 0x80) with its exception code (§7). */
  record Exception(int code) implements Reply {}
}
