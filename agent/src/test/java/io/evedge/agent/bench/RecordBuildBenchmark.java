package io.evedge.agent.bench;

import io.evedge.agent.record.ClosedSession;
import io.evedge.agent.record.RecordBuilder;
import io.evedge.proto.ChargeRecord;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building the {@link ChargeRecord} of a closed session ({@link RecordBuilder#build}), as the session
 * recorder does once per session: device, location and matched places, AC/phases, cost with session
 * and idle fees, and a full 100-point curve copied in. Once per session, so not a hot path in rate;
 * measured for its cost per record (time and bytes allocated).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecordBuildBenchmark {

  private RecordBuilder builder;
  private ClosedSession session;

  @Setup
  public void setUp() {
    builder = Fixtures.recordBuilder();
    session = Fixtures.closedSession();
    ChargeRecord r = builder.build(session);
    if (r.getLocationMatchesCount() != 1 || !r.hasCost() || r.getCurveCount() != 100) {
      throw new IllegalStateException("unexpected record: " + r);
    }
  }

  @Benchmark
  public ChargeRecord build() {
    return builder.build(session);
  }
}
