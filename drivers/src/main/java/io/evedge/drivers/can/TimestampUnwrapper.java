package io.evedge.drivers.can;

/**
 * Turns the SLCAN adapter's 16-bit receive timestamps, milliseconds that wrap from 59999
 * ({@code EA5F}) to 0 every minute, into a monotonically increasing count of milliseconds.
 *
 * <p>The first timestamp is taken as is; every later one adds its distance from the previous one
 * modulo 60000. A gap of a minute or more between two timestamped frames cannot be seen in the
 * timestamps themselves and is counted modulo a minute; on a busy bus frames are far closer.
 * Not thread-safe: one unwrapper per adapter stream.
 */
public final class TimestampUnwrapper {

  /** The period of the adapter's timestamp counter in milliseconds. */
  public static final int WRAP_MS = 60_000;

  private long total = -1;
  private int previous;

  /**
   * The unwrapped time of {@code rawMs}.
   *
   * @param rawMs the adapter timestamp, 0..59999 ms
   * @return milliseconds since the adapter's counter was at 0 before the first timestamp
   */
  public long unwrap(int rawMs) {
    if (rawMs < 0 || rawMs >= WRAP_MS) {
      throw new IllegalArgumentException("SLCAN timestamp " + rawMs + " out of range 0..59999");
    }
    if (total < 0) {
      total = rawMs;
    } else {
      int delta = rawMs - previous;
      total += delta < 0 ? delta + WRAP_MS : delta;
    }
    previous = rawMs;
    return total;
  }

  /** Forgets the history, for a new connection whose timestamps are unrelated to the old ones. */
  public void reset() {
    total = -1;
    previous = 0;
  }
}
