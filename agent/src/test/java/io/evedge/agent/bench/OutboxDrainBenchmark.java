package io.evedge.agent.bench;

import io.evedge.agent.contract.Payloads;
import io.evedge.agent.mqtt.LinkOptions;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.agent.outbox.Outbox;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.SignalSamples;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.OutboxConfig;
import io.evedge.proto.PayloadFormat;
import io.evedge.time.SystemScheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast the outbox drains a backlog after an outage, into a real Mosquitto on loopback, while live
 * signals keep flowing over the same link (one latest-value signal every 10 ms). Each invocation
 * fills a fresh outbox with {@value #RECORDS} full-size records (the reference record, ~300 bytes of
 * JSON) while the link is not started, then starts the link (the broker "comes back") and waits for
 * the last PUBACK. The score is the time per record; records per second is its inverse.
 *
 * <p>Run: {@code ./mvnw -B -pl agent -am test-compile} then
 * {@code java -cp agent/target/test-classes:agent/target/classes:$(cat /tmp/cp) org.openjdk.jmh.Main OutboxDrain}
 * with the test class path from {@code ./mvnw -B -q -pl agent dependency:build-classpath
 * -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp}. Needs {@code mosquitto} on the PATH.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class OutboxDrainBenchmark {

  static final int RECORDS = 2000;

  private MqttBroker broker;
  private SystemScheduler scheduler;
  private PahoMqttLink link;
  private Outbox outbox;
  private Path dir;
  private Thread live;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong signals = new AtomicLong();

  @Setup(Level.Trial)
  public void startBroker() throws Exception {
    broker = new MqttBroker();
    broker.beforeAll(null);
  }

  @TearDown(Level.Trial)
  public void stopBroker() {
    broker.afterAll(null);
  }

  @Setup(Level.Invocation)
  public void fillOutbox() throws Exception {
    dir = Files.createTempDirectory("evedge-bench-outbox-");
    scheduler = new SystemScheduler("bench");
    String id = "bench-" + System.nanoTime();
    link = new PahoMqttLink(new LinkOptions(broker.uri(), id, null, null, Duration.ofSeconds(30),
        Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500),
        "bench/" + id + "/status", "bench"), scheduler);
    outbox = Outbox.open(dir, OutboxConfig.newBuilder().setMaxBytes(64L << 20).setWindow(64)
        .setSegmentBytes(4 << 20).build(), id, "bench/" + id + "/records", link, new Payloads(PayloadFormat.JSON),
        scheduler);
    ChargeRecord r = SignalSamples.referenceRecord().toBuilder().clearSequence().build();
    for (int i = 0; i < RECORDS; i++) {
      outbox.enqueue(r.toBuilder().setId(id + "-" + i).build());
    }
    running.set(true);
    live = new Thread(() -> {
      double w = 0;
      while (running.get()) {
        link.publish(MqttOut.latest("bench/" + id + "/signals/charge-wattage",
            ("{\"value\":" + (w++) + ",\"unit\":\"watts\"}").getBytes(StandardCharsets.UTF_8), 1, Payloads.JSON));
        signals.incrementAndGet();
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
      }
    }, "bench-live-signals");
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long drain() {
    link.start();
    live.start();
    Await.until(Duration.ofSeconds(120), () -> outbox.metrics().getDepth() == 0, "the outbox to drain");
    return outbox.metrics().getPublished();
  }

  @TearDown(Level.Invocation)
  public void close() throws Exception {
    running.set(false);
    live.join(2000);
    outbox.close();
    link.close();
    scheduler.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
