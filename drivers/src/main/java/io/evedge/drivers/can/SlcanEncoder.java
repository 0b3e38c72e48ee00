package io.evedge.drivers.can;

import java.nio.charset.StandardCharsets;

/**
 * Encodes SLCAN (Lawicel CAN232/CANUSB ASCII protocol) commands and frames, each terminated by CR.
 * Pure functions: no I/O, no state. The command methods return a fresh array; {@link
 * #encode(CanFrame, byte[], int)} writes into the caller's buffer and allocates nothing.
 */
public final class SlcanEncoder {

  /** Carriage return, the terminator of every SLCAN command and reply. */
  public static final byte CR = 0x0D;

  /** Length of the longest encoded frame: {@code T}, 8 id digits, DLC, 16 data digits, CR. */
  public static final int MAX_FRAME_LENGTH = 27;

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private SlcanEncoder() {}

  /** {@code Sn}: select a standard bit rate; only valid while the channel is closed. */
  public static byte[] bitrate(SlcanBitrate bitrate) {
    return command("S" + bitrate.code());
  }

  /** {@code O}: open the channel for normal operation (receive, transmit, acknowledge). */
  public static byte[] open() {
    return command("O");
  }

  /** {@code L}: open the channel listen-only; the adapter neither transmits nor acknowledges. */
  public static byte[] listenOnly() {
    return command("L");
  }

  /** {@code C}: close the channel. */
  public static byte[] close() {
    return command("C");
  }

  /** {@code V}: ask for the hardware and software version. */
  public static byte[] version() {
    return command("V");
  }

  /** {@code N}: ask for the serial number. */
  public static byte[] serialNumber() {
    return command("N");
  }

  /** {@code F}: ask for the status flags (see {@link SlcanStatus}). */
  public static byte[] status() {
    return command("F");
  }

  /**
   * {@code Z1} / {@code Z0}: switch receive timestamps (milliseconds, 0..59999) on or off; only
   * valid while the channel is closed.
   */
  public static byte[] timestamps(boolean on) {
    return command(on ? "Z1" : "Z0");
  }

  /**
   * The frame as a transmit command: {@code tiiildd..}, {@code Tiiiiiiiildd..}, {@code riiil} or
   * {@code Riiiiiiiil}, then CR; its timestamp is not sent.
   */
  public static byte[] encode(CanFrame frame) {
    byte[] out = new byte[length(frame)];
    encode(frame, out, 0);
    return out;
  }

  /**
   * Writes the frame's transmit command at {@code dst[off]}; its timestamp is not sent.
   *
   * @return the number of bytes written, at most {@link #MAX_FRAME_LENGTH}
   */
  public static int encode(CanFrame frame, byte[] dst, int off) {
    int p = off;
    if (frame.extended()) {
      dst[p++] = (byte) (frame.remote() ? 'R' : 'T');
      p = hex(frame.id(), 8, dst, p);
    } else {
      dst[p++] = (byte) (frame.remote() ? 'r' : 't');
      p = hex(frame.id(), 3, dst, p);
    }
    dst[p++] = HEX[frame.dlc()];
    for (int i = 0; i < frame.payloadLength(); i++) {
      p = hex(frame.dataByte(i), 2, dst, p);
    }
    dst[p++] = CR;
    return p - off;
  }

  /** Number of bytes {@link #encode(CanFrame)} produces for {@code frame}. */
  public static int length(CanFrame frame) {
    return 1 + (frame.extended() ? 8 : 3) + 1 + 2 * frame.payloadLength() + 1;
  }

  private static int hex(int value, int digits, byte[] dst, int p) {
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
      dst[p++] = HEX[(value >>> shift) & 0xF];
    }
    return p;
  }

  private static byte[] command(String text) {
    byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[ascii.length + 1];
    System.arraycopy(ascii, 0, out, 0, ascii.length);
    out[ascii.length] = CR;
    return out;
  }
}
