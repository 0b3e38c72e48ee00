package io.evedge.drivers.can;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of the input an {@link SlcanParser} had to discard, by kind. Written by the parser's
 * thread, readable from any thread (for health reporting); increments allocate nothing.
 */
public final class SlcanStats {

  /** Why a line was discarded. */
  public enum Kind {
    /** A line beginning with a byte no SLCAN reply begins with (line noise, wrong baud rate). */
    GARBAGE,
    /** Not a hex digit where one is required; in a V or N reply, not a letter or digit. */
    INVALID_HEX,
    /** A frame whose data length code is above 8. */
    INVALID_DLC,
    /** An 11-bit id above 0x7FF, a 29-bit id above 0x1FFFFFFF or a timestamp above 59999 ms. */
    OUT_OF_RANGE,
    /** A line longer than the longest valid line of its kind. */
    OVERLONG,
    /** A line that ended (CR, BEL, or the start of a next frame) before it was complete. */
    TRUNCATED
  }

  private final AtomicLongArray lines = new AtomicLongArray(Kind.values().length);
  private final AtomicLong bytes = new AtomicLong();

  /** Number of lines discarded for {@code kind}. */
  public long count(Kind kind) {
    return lines.get(kind.ordinal());
  }

  /** Number of lines discarded for any reason. */
  public long discardedLines() {
    long sum = 0;
    for (int i = 0; i < lines.length(); i++) {
      sum += lines.get(i);
    }
    return sum;
  }

  /** Number of bytes in discarded lines, terminators not included. */
  public long discardedBytes() {
    return bytes.get();
  }

  void record(Kind kind, long lineBytes) {
    lines.incrementAndGet(kind.ordinal());
    bytes.addAndGet(lineBytes);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("SlcanStats[");
    for (Kind k : Kind.values()) {
      b.append(k).append('=').append(count(k)).append(", ");
    }
    return b.append("bytes=").append(discardedBytes()).append(']').toString();
  }
}
