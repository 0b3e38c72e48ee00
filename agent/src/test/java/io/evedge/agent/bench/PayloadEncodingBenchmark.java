package io.evedge.agent.bench;

import com.google.protobuf.Timestamp;
import io.evedge.agent.contract.Payloads;
import io.evedge.agent.record.ClosedSession;
import io.evedge.agent.record.RecordBuilder;
import io.evedge.agent.signal.SignalBodies;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.PayloadFormat;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding payloads in the configured format, JSON (the reference shapes) against protobuf, exactly as
 * the publishers do it: signal bodies through {@link SignalBodies#encode} (a scalar body written field
 * by field, an object body by {@code ProtoJson}), records through {@link Payloads}:
 *
 * <ul>
 *   <li>{@link #signalNumber}: a {@code charge-voltage} body ({@code {"value":231.4,"unit":"volts",...}}),
 *       as {@code SignalPublisher} encodes every signal it publishes;
 *   <li>{@link #signalRecords}: the {@code charge-chargerecords} body with the latest 10 records
 *       (the default {@code signal_records}), published after every session;
 *   <li>{@link #chargeRecord}: one full charge record with its 100-point curve, as the outbox encodes
 *       it for {@code records}.
 * </ul>
 *
 * <p>The payload sizes (bytes per op) are printed by the setup of each fork
 * ({@code # payload bytes ...}); ops/s and {@code gc.alloc.rate.norm} are in the results.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PayloadEncodingBenchmark {

  @Param({"JSON", "PROTOBUF"})
  public String format;

  private Payloads payloads;
  private SignalValue voltage;
  private SignalValue records;
  private ChargeRecord record;

  @Setup
  public void setUp() {
    payloads = new Payloads(PayloadFormat.valueOf(format));
    Timestamp at = RecordBuilder.timestamp(Fixtures.PLUGGED_IN.plusSeconds(3600));
    // as SignalTable.set builds a body
    voltage = SignalBodies.body(SignalCatalog.VOLTAGE, 231.4).setTimestamp(at).setQuality(Quality.GOOD).build();
    RecordBuilder builder = Fixtures.recordBuilder();
    ClosedSession s = Fixtures.closedSession();
    record = builder.build(s);
    List<ChargeRecord> latest = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      latest.add(record.toBuilder().setId(s.id() + "-" + i).setSequence(s.sequence() - i)
          .setStartTime(RecordBuilder.timestamp(s.start().minus(Duration.ofDays(i))))
          .setEndTime(RecordBuilder.timestamp(s.end().minus(Duration.ofDays(i)))).build());
    }
    records = SignalBodies.body(SignalCatalog.CHARGE_RECORDS, latest).setTimestamp(at).setQuality(Quality.GOOD)
        .build();
    System.out.printf("%n# payload bytes %s: charge-voltage %d, charge-chargerecords (10) %d, charge record %d%n",
        format, signalNumber().bytes().length, signalRecords().bytes().length, chargeRecord().bytes().length);
  }

  @Benchmark
  public Payloads.Encoded signalNumber() {
    return SignalBodies.encode(payloads.format(), SignalCatalog.VOLTAGE, voltage);
  }

  @Benchmark
  public Payloads.Encoded signalRecords() {
    return SignalBodies.encode(payloads.format(), SignalCatalog.CHARGE_RECORDS, records);
  }

  @Benchmark
  public Payloads.Encoded chargeRecord() {
    return payloads.encode(record);
  }
}
