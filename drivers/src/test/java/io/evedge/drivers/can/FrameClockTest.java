package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FrameClockTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final long MS = 1_000_000L;

  private static Instant at(FrameClock c, long adapterMs, long receiveMs) {
    return FrameClock.instant(c.epochNanos(adapterMs, receiveMs * MS));
  }

  @Test
  void withoutAdapterTimeTheHostReceiveTimeCounts() {
    FrameClock c = new FrameClock(T0, 7 * MS);
    assertEquals(T0.plusMillis(3), at(c, CanFrame.NO_TIMESTAMP, 10));
  }

  @Test
  void adapterTimeIsAnchoredAtTheShortestDelayAndReAnchoredWhenItFallsBehind() {
    FrameClock c = new FrameClock(T0, 0);
    assertEquals(T0.plusMillis(10), at(c, 100, 10));
    // 40 ms of adapter time later, read 60 ms later: the adapter's time is the truer one
    assertEquals(T0.plusMillis(50), at(c, 140, 70));
    // the adapter's clock would place this frame after it was read: the anchor moves
    assertEquals(T0.plusMillis(75), at(c, 170, 75));
    // a frame read 250 ms after its adapter time is believed, 251 ms is not: re-anchored
    assertEquals(T0.plusMillis(85), at(c, 180, 335));
    assertEquals(T0.plusMillis(586), at(c, 190, 586));
    assertEquals(T0.plusMillis(596), at(c, 200, 600));
    // after a reset the next frame anchors afresh (a new adapter counts from anywhere)
    c.reset();
    assertEquals(T0.plusMillis(700), at(c, 3, 700));
  }

  @Test
  void instantsBeforeTheEpochAreExact() {
    assertEquals(Instant.parse("1969-12-31T23:59:59.999999999Z"), FrameClock.instant(-1));
  }
}
