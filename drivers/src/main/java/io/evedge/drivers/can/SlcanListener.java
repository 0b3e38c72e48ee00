package io.evedge.drivers.can;

/**
 * Receives what an {@link SlcanParser} recognises in the adapter's byte stream, in stream order, on
 * the thread that feeds the parser. Every method does nothing by default; implement those you need.
 * Implementations must not block: they run on the serial port's or socket's reader thread.
 */
public interface SlcanListener {

  /** A received CAN frame ({@code t}, {@code T}, {@code r}, {@code R} lines). */
  default void onFrame(CanFrame frame) {}

  /**
   * A received CAN frame as its fields, before any object is made; the parser calls this for every
   * frame. The default makes the {@link CanFrame} and passes it to {@link #onFrame(CanFrame)}; a
   * listener on the hot path overrides this to decode without allocating. The arguments are those
   * of {@link CanFrame}'s constructor and already checked against its rules.
   */
  default void onRawFrame(
      int id, boolean extended, boolean remote, int dlc, long data, long timestampMs) {
    onFrame(new CanFrame(id, extended, remote, dlc, data, timestampMs));
  }

  /** A bare CR: the last command succeeded. */
  default void onOk() {}

  /** A BEL (0x07): the last command failed. */
  default void onError() {}

  /** The reply to {@code F}. */
  default void onStatus(SlcanStatus status) {}

  /** The reply to {@code V}: hardware and software version, four characters ({@code hhss}). */
  default void onVersion(String version) {}

  /** The reply to {@code N}: the adapter's serial number, four characters. */
  default void onSerialNumber(String serialNumber) {}

  /**
   * A transmit acknowledgement: {@code z} after a standard ({@code t}/{@code r}) frame,
   * {@code Z} after an extended ({@code T}/{@code R}) frame was queued.
   */
  default void onTransmitted(boolean extended) {}

  /** A line was discarded; it has already been counted in {@link SlcanParser#stats()}. */
  default void onDiscarded(SlcanStats.Kind kind) {}
}
