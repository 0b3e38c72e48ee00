package io.evedge.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.outbox.RecordInbox;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.Backend;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.ReferenceShapes;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.json.ProtoJson;
import io.evedge.simulator.SimulatedMeter;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.time.SystemScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records through the outbox of a real agent process while the simulated meter charges, across
 * broker outages and a {@code kill -9}. The records enter through the agent's test seam
 * ({@link RecordInbox}, {@code -Devedge.test.record-inbox}), so they come when the test wants them
 * rather than at the end of a charge session ({@code SessionKillIT} takes that path). Whether the agent
 * published a record more than once is read from the broker's own log.
 */
class RecordDeliveryIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker().withPersistence();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private SystemScheduler sim;
  private SimulatedMeter meter;
  private Path inbox;

  @BeforeEach
  void setUp() throws Exception {
    sim = new SystemScheduler("sim", 60);
    meter = SimulatedMeter.start("eastron-sdm630", new Meter(3, 230, 1000, 7),
        new ChargeCycle(Duration.ofMinutes(1), Duration.ofHours(10), 11_040, false), sim, "127.0.0.1", 0, 1);
    inbox = Files.createDirectories(dir.resolve("inbox"));
  }

  @AfterEach
  void tearDown() {
    meter.close();
    sim.close();
  }

  private Path config(String device) throws IOException {
    Path file = dir.resolve(device + ".yaml");
    Files.writeString(file, """
        device_id: %s
        state_dir: %s
        mqtt:
          uri: %s
          keep_alive_s: 5
          reconnect_min_ms: 200
          reconnect_max_ms: 2000
          metrics_interval_s: 0
        modbus:
          - name: meter
            profile: eastron-sdm630
            tcp: {host: 127.0.0.1, port: %d}
            poll_interval_ms: 500
        """.formatted(device, dir.resolve("state-" + device), broker.uri(), meter.port()));
    return file;
  }

  private AgentProcess agent(String device) throws IOException {
    return AgentProcess.start(config(device), dir, "-Xmx64m", "-D" + RecordInbox.PROPERTY + "=" + inbox);
  }

  /** Hands a completed record to the agent and waits until the agent has it on disk. */
  private void complete(String device, int n) throws IOException {
    ChargeRecord r = ChargeRecord.newBuilder().setId(device + "-" + n).setEnergyAdded(n * 1.5)
        .setChargingType("AC").build();
    Path tmp = dir.resolve("record.tmp");
    Files.writeString(tmp, ProtoJson.print(r));
    Path target = inbox.resolve(String.format("%04d.json", n));
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    Await.until(WAIT, () -> !Files.exists(target), "the agent to take record " + n + " into its outbox");
  }

  private static List<String> ids(Backend b, String topic) {
    return b.on(topic).stream().map(r -> ReferenceShapes.parse(r.text()).getFieldsOrThrow("id").getStringValue())
        .distinct().toList();
  }

  private static long publishesFrom(String device) {
    Path log = broker.dir().resolve("mosquitto.log");
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("Received PUBLISH from evedge-" + device + " ")
          && l.contains("'evedge/" + device + "/records'")).count();
    } catch (IOException e) {
      return -1;
    }
  }

  @Test
  void killNineWhileTheBrokerIsDownThenTheWaitingRecordIsDeliveredOnce() throws Exception {
    String device = "cp-kill";
    String p = "evedge/" + device;
    try (Backend backend = new Backend(broker.uri(), "be-kill", p + "/records", p + "/status")) {
      AgentProcess first = agent(device);
      try {
        backend.await(p + "/status", r -> r.text().contains("\"online\""), WAIT);
        broker.stop();
        complete(device, 1);
        first.kill9();
      } finally {
        first.close();
      }
      broker.start();
      try (AgentProcess second = agent(device)) {
        backend.await(p + "/records", r -> r.text().contains("\"id\":\"" + device + "-1\""), WAIT);
        complete(device, 2);
        backend.await(p + "/records", r -> r.text().contains("\"id\":\"" + device + "-2\""), WAIT);
        assertEquals(List.of(device + "-1", device + "-2"), ids(backend, p + "/records"));
        Await.until(WAIT, () -> publishesFrom(device) >= 2, "the broker's log");
        assertEquals(2, publishesFrom(device), "the waiting record was published once\n" + second.log());
        assertTrue(second.log().contains("1 record(s) waiting from before the restart"), second.log());
      }
    }
  }

  @Test
  void brokerStoppedForSixtySecondsMidSessionLosesNothingAndSignalsResume() throws Exception {
    String device = "cp-sixty";
    String p = "evedge/" + device;
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (Backend backend = new Backend(broker.uri(), "be-sixty", p + "/records", p + "/signals/#", p + "/status");
        AgentProcess agent = agent(device)) {
      backend.await(p + "/signals/charge-wattage", r -> r.text().contains("\"value\":11040"), WAIT);
      for (int i = 1; i <= 3; i++) {
        complete(device, i);
      }
      backend.await(p + "/records", r -> r.text().contains("\"id\":\"" + device + "-3\""), WAIT);

      broker.stop();
      Instant down = Instant.now();
      timer.schedule(() -> {
        try {
          broker.start();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, 60, TimeUnit.SECONDS);
      for (int i = 4; i <= 6; i++) {
        complete(device, i);
      }

      backend.await(p + "/records", r -> r.text().contains("\"id\":\"" + device + "-6\""), Duration.ofSeconds(120));
      assertTrue(Duration.between(down, Instant.now()).toSeconds() >= 59, "the broker was away a minute");
      for (int i = 7; i <= 9; i++) {
        complete(device, i);
      }
      backend.await(p + "/records", r -> r.text().contains("\"id\":\"" + device + "-9\""), WAIT);
      assertEquals(List.of(device + "-1", device + "-2", device + "-3", device + "-4", device + "-5", device + "-6",
          device + "-7", device + "-8", device + "-9"), ids(backend, p + "/records"), "every record, in order");
      Await.until(WAIT, () -> publishesFrom(device) >= 9, "the broker's log");
      assertEquals(9, publishesFrom(device), "each record published once\n" + agent.log());

      // signals resume: a body read after the outage reaches the backend
      Instant back = Instant.now();
      backend.await(p + "/signals/charge-voltage", r -> Instant.parse(ReferenceShapes.parse(r.text())
          .getFieldsOrThrow("timestamp").getStringValue()).isAfter(back), WAIT);
    } finally {
      timer.shutdownNow();
      broker.start();
    }
  }
}
