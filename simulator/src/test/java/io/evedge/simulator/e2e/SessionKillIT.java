package io.evedge.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.record.FileRecordStore;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.TestSubscriber;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.EnergySource;
import io.evedge.simulator.SimulatedMeter;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.time.SystemScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a real process, reading the simulator's meter over Modbus TCP, killed with
 * {@code kill -9} in the middle of a charge and started again on the same state directory: the
 * session's record reaches a subscriber through a real broker exactly once, marked interrupted, with
 * the energy the meter counted, downtime included; a further restart does not send it again.
 */
class SessionKillIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final double POWER_W = 11_040;
  private static final Duration CHARGE = Duration.ofSeconds(24);

  @TempDir
  Path dir;

  private SystemScheduler sim;
  private SimulatedMeter meter;
  private AgentProcess agent;
  private TestSubscriber sub;

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (sub != null) {
      sub.close();
    }
    if (meter != null) {
      meter.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private Path config() throws Exception {
    Path file = dir.resolve("evedge.yaml");
    Files.writeString(file, """
        device_id: kill-1
        state_dir: %s
        mqtt:
          uri: %s
          keep_alive_s: 5
        modbus:
          - name: meter
            profile: eastron-sdm630
            tcp: {host: 127.0.0.1, port: %d}
            poll_interval_ms: 250
        session: {meter_start_s: 1, meter_end_s: 3, journal_sync_s: 1}
        tariff: {currency: EUR, energy_price_per_kwh: 0.30}
        """.formatted(dir.resolve("state"), broker.uri(), meter.port()));
    return file;
  }

  private static double number(TestSubscriber.Received r) {
    return r.signal().getValue().getNumberValue();
  }

  private static ChargeRecord record(TestSubscriber.Received r) {
    return r.as(ChargeRecord.getDefaultInstance());
  }

  @Test
  void killedMidChargeTheRecordComesOutOnceWithTheMetersEnergy() throws Exception {
    sim = new SystemScheduler("sim");
    Meter truth = new Meter(3, 230, 1000, 7);
    meter = SimulatedMeter.start("eastron-sdm630", truth, new ChargeCycle(Duration.ofSeconds(3), CHARGE, POWER_W, false),
        sim, "127.0.0.1", 0, 1);
    String p = "evedge/kill-1";
    sub = new TestSubscriber(broker.uri(), p + "/#");
    Path config = config();
    Path journal = dir.resolve("state").resolve("session").resolve("journal");

    agent = AgentProcess.start(config, dir, "-Xmx64m");
    // a few seconds into the charge, with the session journaled
    sub.await(p + "/signals/charge-energyadded", r -> number(r) > 0.012, WAIT);
    assertTrue(Files.exists(journal), "the open session is journaled\n" + agent.log());
    agent.kill9();
    assertTrue(truth.powerW() > 0, "killed while charging");

    agent = AgentProcess.start(config, dir, "-Xmx64m");
    TestSubscriber.Received received = sub.await(p + "/records", r -> true, Duration.ofSeconds(60));
    ChargeRecord r = record(received);
    double exact = POWER_W * CHARGE.toNanos() / 3.6e15;
    assertEquals(exact, truth.importKWh() - 1000, 1e-9, "the simulator's truth");
    double step = Math.ulp((float) truth.importKWh());
    assertEquals(exact, r.getEnergyAdded(), step, "the register's delta, to its resolution\n" + agent.log());
    assertEquals(EnergySource.METER, r.getEnergySource());
    assertTrue(r.getInterrupted(), "the agent restarted inside the session");
    assertEquals("StoppedByEV", r.getStopReason());
    assertEquals("EUR", r.getCost().getCurrency());
    assertEquals(Math.round(exact * 0.30 * 100) / 100.0, r.getCost().getEnergyAmount(), 1e-9);
    assertEquals("application/json", received.contentType());
    assertFalse(received.retained());

    // the signal of the latest records carries it too
    sub.await(p + "/signals/charge-chargerecords", m -> m.payload().contains(r.getId()), WAIT);
    Await.until(WAIT, () -> !Files.exists(journal), "the journal to go once the record is stored");

    // a clean stop and a further start: nothing is sent again
    int code = agent.terminate();
    assertTrue(code == 0 || code == 143, "exit code " + code);
    int before = sub.all().size();
    agent = AgentProcess.start(config, dir, "-Xmx64m");
    Await.until(WAIT, () -> sub.all().stream().skip(before).anyMatch(m -> m.topic().equals(p + "/signals/charge-chargerecords")),
        "the restarted agent to publish its latest records");
    agent.terminate();
    List<TestSubscriber.Received> records = sub.on(p + "/records");
    assertEquals(1, records.size(), "one record in all: " + records);
    FileRecordStore store = new FileRecordStore(dir.resolve("state").resolve("records"), ZoneId.of("UTC"), 400,
        64L << 20);
    assertEquals(1, store.size());
    assertEquals(r.getId(), store.latest(1).get(0).getId());
  }
}
