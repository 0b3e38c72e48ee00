package io.evedge.agent.session;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending samples to a session's {@link SampleRing}, as the session recorder does once per meter
 * poll: each invocation is a whole eight-hour session sampled every second (28,800 samples) into a
 * ring of the default capacity (1,024, {@code sample_ring_capacity}), emptied first, so the ring
 * fills, halves and doubles its stride five times along the way as it does in a real session. The
 * score is per sample; a sample should allocate nothing ({@code gc.alloc.rate.norm} ≈ 0).
 *
 * <p>In the ring's package because the ring is package-private (the recorder's own type); the other
 * agent benchmarks are in {@code io.evedge.agent.bench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SampleRingBenchmark {

  /** Eight hours at one sample a second. */
  static final int SAMPLES = 8 * 3600;
  static final int CAPACITY = 1024;
  static final long SECOND = 1_000_000_000L;

  private SampleRing ring;
  private double[] volts;
  private double[] amps;

  @Setup
  public void setUp() {
    ring = new SampleRing(CAPACITY);
    // a little noise from a fixed table, so the merged averages are not constant
    volts = new double[64];
    amps = new double[64];
    for (int i = 0; i < volts.length; i++) {
      volts[i] = 229 + (i * 37 % 64) / 32.0;
      amps[i] = 15.8 + (i * 23 % 64) / 160.0;
    }
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int session() {
    SampleRing r = ring;
    r.reset(1);
    double energy = 1000;
    int accepted = 0;
    for (int s = 0; s < SAMPLES; s++) {
      double v = volts[s & 63];
      double a = amps[s & 63];
      double p = 3 * v * a;
      energy += p / 3.6e6;
      // a meter without state of charge: SoC is NaN, as with the shipped SDM630 profile
      if (r.offer(s * SECOND, v, v - 1, v + 1, a, a, a, p, energy, Double.NaN)) {
        accepted++;
      }
    }
    return accepted + r.size();
  }
}
