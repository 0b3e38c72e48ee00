package io.evedge.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Fixed memory whatever the length, the start kept, replay from accepted samples exact. */
class SampleRingTest {

  private static final double NAN = Double.NaN;

  private static boolean offer(SampleRing r, long t, double p, double e) {
    return r.offer(t, 230, 231, 229, p / 690, p / 690, p / 690, p, e, NAN);
  }

  @Test
  void aLongSessionIsDownsampledKeepingItsStartAndEnd() {
    SampleRing ring = new SampleRing(64);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      offer(ring, i * 1_000_000_000L, i < 10 ? 0 : 11_000, 1000 + i * 0.003);
    }
    assertTrue(ring.size() <= 64);
    assertTrue(ring.size() >= 32, "at least half full: " + ring.size());
    assertEquals(0, ring.time(0), "the first sample is kept");
    assertEquals(2048, ring.stride(), "100000 samples into 64: stride doubled each time it filled");
    long last = ring.time(ring.size() - 1);
    assertTrue(last >= (n - 2L * ring.stride()) * 1_000_000_000L, "the end is covered: " + last);
    // evenly spaced: every accepted sample stands for stride offered ones
    for (int i = 1; i < ring.size(); i++) {
      assertEquals(ring.stride() * 1_000_000_000L, ring.time(i) - ring.time(i - 1));
    }
    // the register is the latest of a merged stretch, power its mean
    assertEquals(1000 + (ring.stride() - 1) * 0.003, ring.get(0, SampleRing.E), 1e-9);
    assertEquals(11_000 * (ring.stride() - 10.0) / ring.stride(), ring.get(0, SampleRing.P), 1e-6);
  }

  @Test
  void missingValuesDoNotCountInAnAverage() {
    SampleRing ring = new SampleRing(4);
    for (int i = 0; i < 4; i++) {
      ring.offer(i, NAN, NAN, NAN, NAN, NAN, NAN, i % 2 == 0 ? 1000 : NAN, NAN, i == 1 ? 55 : NAN);
    }
    ring.offer(4, NAN, NAN, NAN, NAN, NAN, NAN, 3000, NAN, NAN);
    assertEquals(2, ring.size(), "full at 4, halved to 2, the next stretch is two samples long");
    ring.offer(5, NAN, NAN, NAN, NAN, NAN, NAN, 1000, NAN, NAN);
    assertEquals(3, ring.size());
    assertEquals(2000, ring.get(2, SampleRing.P));
    assertEquals(4, ring.time(2));
    assertEquals(1000, ring.get(0, SampleRing.P), "NaN beside 1000 averages to 1000");
    assertEquals(55, ring.get(0, SampleRing.SOC), "the latest known state of charge");
    assertTrue(Double.isNaN(ring.get(0, SampleRing.V1)));
  }

  @Test
  void insertingTheAcceptedSamplesInOrderRebuildsTheSameRing() {
    SampleRing original = new SampleRing(16);
    SampleRing replay = new SampleRing(16);
    double[] s = new double[SampleRing.FIELDS];
    for (int i = 0; i < 1000; i++) {
      if (offer(original, i * 7L, 500 + i, i)) {
        original.copy(original.size() - 1, s);
        replay.insert(original.time(original.size() - 1), s);
      }
    }
    assertEquals(original.size(), replay.size());
    assertEquals(original.stride(), replay.stride());
    for (int i = 0; i < original.size(); i++) {
      assertEquals(original.time(i), replay.time(i));
      for (int f = 0; f < SampleRing.FIELDS; f++) {
        assertEquals(original.get(i, f), replay.get(i, f), "sample " + i + " field " + f);
      }
    }
  }

  @Test
  void offeringASampleAllocatesNothing() {
    SampleRing ring = new SampleRing(1024);
    for (int i = 0; i < 200_000; i++) {
      offer(ring, i, i, i);
    }
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(thread);
    for (int i = 200_000; i < 1_200_000; i++) {
      offer(ring, i, i, i);
    }
    long allocated = mx.getThreadAllocatedBytes(thread) - before;
    assertTrue(allocated < 4096, "a million offers allocated " + allocated + " bytes");
  }
}
