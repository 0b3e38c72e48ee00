package io.evedge.drivers.can;

/**
 * A command a host sends to an SLCAN adapter (Lawicel CAN232/CANUSB ASCII protocol), as an adapter
 * reads it: the other direction of {@link SlcanEncoder}. Produced by {@link SlcanCommandParser}; the
 * simulator's adapter emulator answers them.
 */
public sealed interface SlcanCommand {

  /** {@code S0}..{@code S8}: select a standard bit rate ({@code S7} is 800 kbit/s). */
  record SetBitrate(SlcanBitrate bitrate) implements SlcanCommand {}

  /** {@code sxxyy}: set the bit timing registers BTR0/BTR1 directly, as four hex digits. */
  record SetBitTiming(int btr0, int btr1) implements SlcanCommand {}

  /** {@code O}: open the channel for normal operation. */
  record Open() implements SlcanCommand {}

  /** {@code L}: open the channel listen-only (no transmit, no acknowledge). */
  record ListenOnly() implements SlcanCommand {}

  /** {@code C}: close the channel. */
  record Close() implements SlcanCommand {}

  /** {@code V}: ask for the hardware and software version. */
  record Version() implements SlcanCommand {}

  /** {@code N}: ask for the serial number. */
  record SerialNumber() implements SlcanCommand {}

  /** {@code F}: ask for the status flags (see {@link SlcanStatus}). */
  record Status() implements SlcanCommand {}

  /** {@code Z0} / {@code Z1}: receive timestamps off or on. */
  record Timestamps(boolean on) implements SlcanCommand {}

  /** {@code t}, {@code T}, {@code r}, {@code R}: transmit this frame (its timestamp is unset). */
  record Transmit(CanFrame frame) implements SlcanCommand {}

  /**
   * A line that is no valid command (unknown letter, bad digit, wrong length, overlong); an adapter
   * answers it with BEL.
   *
   * @param line the line as received, cut to {@link SlcanCommandParser#MAX_LINE_LENGTH} characters,
   *     non-printable bytes shown as {@code ?}
   */
  record Invalid(String line) implements SlcanCommand {}
}
