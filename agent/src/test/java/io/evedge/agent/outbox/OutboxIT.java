package io.evedge.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.testing.AgentHarness;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.Backend;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.ReferenceShapes;
import io.evedge.proto.ChargeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox and the link through broker outages, against a Mosquitto with persistence (so a
 * backend's session and its queued messages survive the broker's restarts): nothing lost, nothing
 * duplicated, in order; signals resume; twenty restarts leave the outbox empty and the thread count
 * flat; a backlog drains while live signals keep flowing.
 */
class OutboxIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker().withPersistence();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private String config(String device) {
    return """
        device_id: %s
        state_dir: %s
        mqtt:
          uri: %s
          reconnect_min_ms: 100
          reconnect_max_ms: 1000
          metrics_interval_s: 0
        """.formatted(device, dir.resolve(device), broker.uri());
  }

  private static ChargeRecord record(String device, int n) {
    return ChargeRecord.newBuilder().setId(device + "-" + n).setEnergyAdded(n).setChargingType("AC")
        .setCost(io.evedge.proto.RecordCost.newBuilder().setCurrency("EUR").setEnergyAmount(n * 0.3)).build();
  }

  /**
   * The record ids the backend received, each the first time, in order. A broker with persistence
   * may deliver a subscriber again what it had queued for it before a restart (QoS 1 between broker
   * and backend); whether the agent published anything twice is checked in the broker's log.
   */
  private static List<String> ids(Backend b, String topic) {
    return b.on(topic).stream().map(r -> ReferenceShapes.parse(r.text()).getFieldsOrThrow("id").getStringValue())
        .distinct().toList();
  }

  /** How many PUBLISH packets on {@code topic} the broker received from {@code clientId} (its log). */
  private static long publishesFrom(String clientId, String topic) throws IOException {
    Path log = broker.dir().resolve("mosquitto.log");
    if (!Files.exists(log)) {
      return -1;
    }
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("Received PUBLISH from " + clientId + " ") && l.contains("'" + topic + "'"))
          .count();
    }
  }

  private static void assertPublishedOnce(String device, int n) {
    String client = "evedge-" + device;
    String topic = "evedge/" + device + "/records";
    Await.until(WAIT, () -> {
      try {
        return publishesFrom(client, topic) >= n;
      } catch (IOException e) {
        return false;
      }
    }, "the broker's log to show " + n + " record publishes");
    try {
      assertEquals(n, publishesFrom(client, topic), "the agent published each record once");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Long> sequences(Backend b, String topic) {
    return b.on(topic).stream().map(r -> (long) ReferenceShapes.parse(r.text()).getFieldsOrThrow("sequence")
        .getNumberValue()).distinct().toList();
  }

  private static void awaitDrained(AgentHarness h) {
    Await.until(WAIT, () -> h.agent().metrics().snapshot().getOutbox().getDepth() == 0, "the outbox to drain");
  }

  private static List<String> expected(String device, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(device + "-" + i);
    }
    return out;
  }

  @Test
  void aBrokerOutageMidSessionLosesNothingAndDuplicatesNothing() throws Exception {
    String device = "cp-outage";
    String p = "evedge/" + device;
    try (Backend backend = new Backend(broker.uri(), "be-outage", p + "/records", p + "/signals/#");
        AgentHarness h = new AgentHarness(dir, config(device)).start()) {
      h.set(SignalCatalog.VOLTAGE, 230.0, Instant.now());
      backend.await(p + "/signals/charge-voltage", r -> r.text().contains("\"value\":230,"), WAIT);
      for (int i = 1; i <= 20; i++) {
        h.agent().records().enqueue(record(device, i));
      }
      awaitDrained(h);

      broker.stop();
      Await.until(WAIT, () -> !h.agent().link().isConnected(), "the agent to notice");
      for (int i = 21; i <= 50; i++) {
        h.agent().records().enqueue(record(device, i));
      }
      h.set(SignalCatalog.VOLTAGE, 236.0, Instant.now());
      assertEquals(30, h.agent().metrics().snapshot().getOutbox().getDepth(), "30 records wait on disk");
      broker.start();

      backend.await(p + "/records", r -> r.text().contains("\"id\":\"" + device + "-50\""), WAIT);
      awaitDrained(h);
      assertEquals(expected(device, 50), ids(backend, p + "/records"), "every record, in order");
      assertPublishedOnce(device, 50);
      List<Long> seq = sequences(backend, p + "/records");
      for (int i = 0; i < seq.size(); i++) {
        assertEquals(i + 1, seq.get(i));
      }
      backend.await(p + "/signals/charge-voltage", r -> r.text().contains("\"value\":236,"), WAIT);
      h.set(SignalCatalog.VOLTAGE, 229.0, Instant.now());
      backend.await(p + "/signals/charge-voltage", r -> r.text().contains("\"value\":229,"), WAIT);
    }
  }

  @Test
  void twentyBrokerRestartsInARowDrainTheOutboxAndLeakNoThreads() throws Exception {
    String device = "cp-restarts";
    String p = "evedge/" + device;
    try (Backend backend = new Backend(broker.uri(), "be-restarts", p + "/records");
        AgentHarness h = new AgentHarness(dir, config(device)).start()) {
      Await.until(WAIT, () -> h.agent().link().isConnected(), "the first connect");
      int n = 0;
      long threadsAfterFirst = 0;
      for (int round = 1; round <= 20; round++) {
        for (int i = 0; i < 3; i++) {
          h.agent().records().enqueue(record(device, ++n));
        }
        awaitDrained(h);
        broker.stop();
        Await.until(WAIT, () -> !h.agent().link().isConnected(), "loss " + round);
        for (int i = 0; i < 3; i++) {
          h.agent().records().enqueue(record(device, ++n));
        }
        broker.start();
        Await.until(WAIT, () -> h.agent().link().isConnected(), "reconnect " + round);
        awaitDrained(h);
        if (round == 1) {
          threadsAfterFirst = agentThreads();
        }
      }
      int total = n;
      backend.await(p + "/records", r -> r.text().contains("\"id\":\"" + device + "-" + total + "\""), WAIT);
      assertEquals(expected(device, total), ids(backend, p + "/records"), "every record, in order");
      assertPublishedOnce(device, total);
      long after = agentThreads();
      assertTrue(after <= threadsAfterFirst + 2, "threads after the first restart " + threadsAfterFirst
          + ", after the twentieth " + after + ": " + threadNames());
    }
  }

  @Test
  void aBacklogDrainsWhileLiveSignalsKeepFlowing() throws Exception {
    String device = "cp-backlog";
    String p = "evedge/" + device;
    int count = 3000;
    try (Backend backend = new Backend(broker.uri(), "be-backlog", p + "/records", p + "/signals/#");
        AgentHarness h = new AgentHarness(dir, config(device)).start()) {
      Await.until(WAIT, () -> h.agent().link().isConnected(), "the first connect");
      broker.stop();
      Await.until(WAIT, () -> !h.agent().link().isConnected(), "the agent to notice");
      for (int i = 1; i <= count; i++) {
        h.agent().records().enqueue(record(device, i));
      }
      AtomicBoolean run = new AtomicBoolean(true);
      List<Long> signalTimes = new ArrayList<>();
      Thread live = new Thread(() -> {
        double v = 220;
        while (run.get()) {
          try {
            h.set(SignalCatalog.WATTAGE, v++, Instant.now());
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
          } catch (Exception e) {
            return;
          }
        }
      }, "live-signals");
      long start = System.nanoTime();
      broker.start();
      live.start();
      try {
        backend.await(p + "/records", r -> r.text().contains("\"id\":\"" + device + "-" + count + "\""),
            Duration.ofSeconds(120));
      } finally {
        run.set(false);
        live.join(5000);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      for (Backend.Received r : backend.on(p + "/signals/charge-wattage")) {
        signalTimes.add(1L);
      }
      assertEquals(expected(device, count), ids(backend, p + "/records"), "every record, in order");
      assertPublishedOnce(device, count);
      assertTrue(signalTimes.size() >= 5, "live signals flowed during the drain: " + signalTimes.size());
      System.out.printf("[OutboxIT] %d records drained in %.2f s from broker start (%.0f msg/s, incl. reconnect), "
          + "%d signal updates meanwhile%n", count, seconds, count / seconds, signalTimes.size());
      Struct last = ReferenceShapes.parse(backend.await(p + "/records",
          r -> r.text().contains("\"id\":\"" + device + "-" + count + "\""), WAIT).text());
      assertEquals(count, last.getFieldsOrThrow("sequence").getNumberValue());
    }
  }

  private static long agentThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("evedge-") && !t.getName().startsWith("evedge-agent-under"))
        .count();
  }

  private static List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).sorted().toList();
  }
}
