package io.evedge.drivers.can;

/**
 * One classic CAN 2.0 frame, as received from or sent to an adapter.
 *
 * <p>The payload is packed into one {@code long} so that a frame is a single small object with no
 * array to allocate or copy: byte 0 (the first on the wire) is the most significant byte, so data
 * {@code 11 22} is {@code 0x1122_0000_0000_0000L}. Bytes at and beyond {@code dlc} are always zero,
 * which keeps {@link #equals} meaningful.
 *
 * @param id the identifier: 11 bits ({@code 0..0x7FF}) or, when {@code extended}, 29 bits
 *     ({@code 0..0x1FFFFFFF})
 * @param extended whether {@code id} is a 29-bit (CAN 2.0B) identifier
 * @param remote whether this is a remote transmission request (no data, {@code dlc} still given)
 * @param dlc data length code, 0 to 8 bytes
 * @param data the payload, byte 0 in the most significant position (see above)
 * @param timestampMs the adapter's receive time in milliseconds on a monotonic scale of the adapter
 *     (see {@link TimestampUnwrapper}), or {@link #NO_TIMESTAMP}
 */
public record CanFrame(
    int id, boolean extended, boolean remote, int dlc, long data, long timestampMs) {

  /** {@link #timestampMs} of a frame the adapter did not timestamp. */
  public static final long NO_TIMESTAMP = -1;

  /** Largest 11-bit identifier. */
  public static final int MAX_STANDARD_ID = 0x7FF;

  /** Largest 29-bit identifier. */
  public static final int MAX_EXTENDED_ID = 0x1FFF_FFFF;

  public CanFrame {
    if (id < 0 || id > (extended ? MAX_EXTENDED_ID : MAX_STANDARD_ID)) {
      throw new IllegalArgumentException(String.format("%s id 0x%X out of range 0..0x%X",
          extended ? "29-bit" : "11-bit", id, extended ? MAX_EXTENDED_ID : MAX_STANDARD_ID));
    }
    if (dlc < 0 || dlc > 8) {
      throw new IllegalArgumentException("dlc " + dlc + " out of range 0..8");
    }
    if (remote && data != 0) {
      throw new IllegalArgumentException("a remote frame carries no data");
    }
    if (dlc < 8 && (data << (8 * dlc)) != 0) {
      throw new IllegalArgumentException("data has bytes beyond dlc " + dlc);
    }
    if (timestampMs < NO_TIMESTAMP) {
      throw new IllegalArgumentException("timestampMs " + timestampMs + " is negative");
    }
  }

  /** A data frame without timestamp carrying {@code bytes} (at most 8). */
  public static CanFrame of(int id, boolean extended, byte... bytes) {
    if (bytes.length > 8) {
      throw new IllegalArgumentException(bytes.length + " data bytes, at most 8 fit a CAN frame");
    }
    long packed = 0;
    for (int i = 0; i < bytes.length; i++) {
      packed |= (bytes[i] & 0xFFL) << (56 - 8 * i);
    }
    return new CanFrame(id, extended, false, bytes.length, packed, NO_TIMESTAMP);
  }

  /** A remote transmission request without timestamp. */
  public static CanFrame remoteRequest(int id, boolean extended, int dlc) {
    return new CanFrame(id, extended, true, dlc, 0, NO_TIMESTAMP);
  }

  /** Data byte {@code index} as 0..255; throws if {@code index} is not below {@link #dlc}. */
  public int dataByte(int index) {
    if (index < 0 || index >= dlc || remote) {
      throw new IndexOutOfBoundsException(
          "byte " + index + " of a frame with " + payloadLength() + " data bytes");
    }
    return (int) (data >>> (56 - 8 * index)) & 0xFF;
  }

  /** A fresh copy of the payload: {@link #dlc} bytes, or none for a remote frame. */
  public byte[] dataBytes() {
    byte[] bytes = new byte[payloadLength()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (data >>> (56 - 8 * i));
    }
    return bytes;
  }

  /** Number of data bytes actually carried: {@link #dlc}, or 0 for a remote frame. */
  public int payloadLength() {
    return remote ? 0 : dlc;
  }

  /** Whether the adapter timestamped this frame. */
  public boolean hasTimestamp() {
    return timestampMs != NO_TIMESTAMP;
  }

  /** This frame with another timestamp (milliseconds, or {@link #NO_TIMESTAMP}). */
  public CanFrame withTimestamp(long ms) {
    return new CanFrame(id, extended, remote, dlc, data, ms);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("CanFrame[")
        .append(String.format(extended ? "0x%08X" : "0x%03X", id))
        .append(remote ? " RTR dlc=" : " dlc=").append(dlc);
    if (!remote && dlc > 0) {
      b.append(" data=");
      for (int i = 0; i < dlc; i++) {
        b.append(String.format("%02X", dataByte(i)));
      }
    }
    if (hasTimestamp()) {
      b.append(" t=").append(timestampMs).append("ms");
    }
    return b.append(']').toString();
  }
}
