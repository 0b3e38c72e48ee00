package io.evedge.drivers.can;

import java.time.Instant;

/**
 * Turns a received frame's times into calendar time (nanoseconds since the epoch): the adapter's
 * timestamp when it sent one, else the host's receive time.
 *
 * <p>The adapter counts milliseconds from an arbitrary origin (see {@link TimestampUnwrapper}), so
 * its time is anchored to the host's: the first timestamped frame is taken to be received the
 * moment the host read it, and later frames are placed by their distance from it. A frame cannot
 * arrive before it was sent, so when the adapter's time would put a frame after the host read it,
 * the anchor moves forward; the anchor thus settles on the shortest transfer delay seen. When the
 * adapter's time falls more than {@link #MAX_LAG_NANOS} behind the host's (its clock drifts, or a
 * silence of a minute or more hid a counter wrap), it is anchored afresh. Allocates nothing; not
 * thread-safe (one clock per bus, used on the bus's thread).
 */
public final class FrameClock {

  /** The largest delay between the adapter's receive time and the host's that is believed. */
  public static final long MAX_LAG_NANOS = 250_000_000L;

  private final long originEpochNanos;
  private final long originNanos;
  private boolean anchored;
  private long anchorEpochNanos;
  private long anchorAdapterMs;

  /**
   * @param now the calendar time at {@code nanoTime}
   * @param nanoTime the monotonic time (the scheduler's {@code nanoTime()}) at {@code now}
   */
  public FrameClock(Instant now, long nanoTime) {
    this.originEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    this.originNanos = nanoTime;
  }

  /**
   * The calendar time of a frame, in nanoseconds since the epoch.
   *
   * @param adapterMs the frame's unwrapped adapter timestamp, or {@link CanFrame#NO_TIMESTAMP}
   * @param receiveNanos the monotonic time the host read the frame's bytes
   */
  public long epochNanos(long adapterMs, long receiveNanos) {
    long host = originEpochNanos + (receiveNanos - originNanos);
    if (adapterMs < 0) {
      return host;
    }
    if (anchored) {
      long estimate = anchorEpochNanos + (adapterMs - anchorAdapterMs) * 1_000_000L;
      if (estimate <= host && host - estimate <= MAX_LAG_NANOS) {
        return estimate;
      }
    }
    anchored = true;
    anchorEpochNanos = host;
    anchorAdapterMs = adapterMs;
    return host;
  }

  /** Forgets the anchor, for a new connection whose adapter time is unrelated to the old one. */
  public void reset() {
    anchored = false;
  }

  /** {@code epochNanos} as an {@link Instant}. */
  public static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
        Math.floorMod(epochNanos, 1_000_000_000L));
  }
}
