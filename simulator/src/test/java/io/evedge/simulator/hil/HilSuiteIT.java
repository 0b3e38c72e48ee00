package io.evedge.simulator.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.evedge.agent.Agent;
import io.evedge.agent.Plan;
import io.evedge.agent.config.ConfigLoader;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.TestSubscriber;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.EnergySource;
import io.evedge.proto.Scenario;
import io.evedge.proto.TrueSession;
import io.evedge.simulator.Simulation;
import io.evedge.simulator.scenario.Scenarios;
import io.evedge.time.SystemScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hardware-in-the-loop matrix: each shipped scenario played by the simulator (meter and EVSE
 * controller on Modbus TCP, the vehicle's CAN bus as an SLCAN adapter on TCP), read by the agent,
 * published through a real Mosquitto; the records a subscriber receives are compared with the
 * simulator's ground truth: the same number of sessions, nothing twice, start and end within one
 * poll interval, energy exact to the meter register's resolution, state of charge at start and end
 * exact to the CAN signal's resolution.
 *
 * <p>The simulator and the agent share one accelerated clock so a four-hour charge takes seconds.
 */
class HilSuiteIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  /** Simulated seconds per wall-clock second. */
  private static final double SPEED = 300;
  /** The agent's poll interval in simulated time. */
  private static final Duration POLL = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ac-3phase-home", "ac-1phase", "dc-fast", "pause-resume", "limit-reached",
      "unplug-mid-charge", "quick-replug", "meter-offline"})
  void recordsMatchTheGroundTruth(String name) throws Exception {
    Scenario scenario = Scenarios.load(name);
    String device = "hil-" + name;
    try (SystemScheduler clock = new SystemScheduler("hil", SPEED);
        Simulation sim = Simulation.serve(scenario, clock, Simulation.Options.tcp("127.0.0.1", 0,
            dir.resolve("truth.jsonl")).withCan(new Simulation.Can("127.0.0.1", 0, null)));
        TestSubscriber sub = new TestSubscriber(broker.uri(), "evedge/" + device + "/records")) {
      Path config = dir.resolve("evedge.yaml");
      Files.writeString(config, """
          device_id: %s
          state_dir: %s
          mqtt: {uri: "%s"}
          modbus:
            - {name: meter, profile: eastron-sdm630, tcp: {host: 127.0.0.1, port: %d}, unit_id: %d, poll_interval_ms: %d}
            - {name: evse, profile: evedge-sim-evse, tcp: {host: 127.0.0.1, port: %4$d}, unit_id: %d, poll_interval_ms: %6$d}
          can:
            - {name: car, tcp: {host: 127.0.0.1, port: %d}, mapping: evedge-generic-ev}
          location: {name: HIL bay, charging_type: %s}
          """.formatted(device, dir.resolve("state"), broker.uri(), sim.modbusPort(), Simulation.METER_UNIT,
          POLL.toMillis(), Simulation.EVSE_UNIT, sim.slcanPort(), scenario.getEvse().getDc() ? "DC" : "AC"));
      Agent agent = Agent.create(Plan.of(ConfigLoader.load(config)), clock);
      try {
        agent.start();
        // the agent reads the hardware before anything happens
        Await.until(Duration.ofSeconds(20), () -> agent.signals().get("charge-voltage").isPresent()
            && agent.signals().get("tractionbattery-stateofcharge").filter(v -> v.hasValue()).isPresent(),
            "the agent's first readings");
        sim.play();
        Duration wall = Duration.ofMillis((long) (sim.runner().end().toMillis() / SPEED) + 20_000);
        Await.until(wall, sim.runner()::finished, "the scenario to end");
        List<TrueSession> truths = sim.runner().truths();
        Await.until(Duration.ofSeconds(20), () -> sub.on("evedge/" + device + "/records").size() >= truths.size(),
            "a record for each of the " + truths.size() + " true sessions");
        // anything more would come within a few polls
        Instant settle = Instant.now().plusMillis((long) (POLL.toMillis() * 3 / SPEED) + 200);
        Await.until(Duration.ofSeconds(5), () -> Instant.now().isAfter(settle), "records to settle");
        compare(name, truths, records(sub.on("evedge/" + device + "/records")));
      } finally {
        agent.close();
      }
    }
  }

  private static List<ChargeRecord> records(List<TestSubscriber.Received> received) throws Exception {
    List<ChargeRecord> out = new ArrayList<>();
    for (TestSubscriber.Received r : received) {
      ChargeRecord.Builder b = ChargeRecord.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(r.payload(), b);
      out.add(b.build());
    }
    out.sort(Comparator.comparing(r -> Timestamps.toMillis(r.getStartTime())));
    return out;
  }

  private static void compare(String name, List<TrueSession> truths, List<ChargeRecord> records) {
    assertTrue(!truths.isEmpty(), name + ": the scenario has sessions");
    assertEquals(truths.size(), records.size(), name + ": one record per true session\n" + records);
    assertEquals(records.size(), new HashSet<>(records.stream().map(ChargeRecord::getId).toList()).size(),
        name + ": nothing duplicated");
    // one poll interval, plus the few simulated seconds a thread wake-up costs at this speed
    long tolerance = POLL.toMillis() + 3_000;
    for (int i = 0; i < truths.size(); i++) {
      TrueSession t = truths.get(i);
      ChargeRecord r = records.get(i);
      String what = name + " session " + (i + 1) + ": " + r.getId();
      // startTime/endTime: when energy began and stopped flowing; the plug times beside them
      assertClose(Instant.parse(t.getChargeStart()), r.getStartTime(), tolerance, what + " start");
      assertClose(Instant.parse(t.getChargeEnd()), r.getEndTime(), tolerance, what + " end");
      assertClose(Instant.parse(t.getPluggedIn()), r.getPluggedInTime(), tolerance, what + " plug-in");
      assertClose(Instant.parse(t.getUnplugged()), r.getUnpluggedTime(), tolerance, what + " unplug");
      assertEquals(EnergySource.METER, r.getEnergySource(), what + " energy from the meter register");
      // the register is a float32 near meter_start: one unit in the last place at each end
      double resolution = 2 * Math.ulp((float) Math.max(t.getMeterStopKwh(), t.getMeterStartKwh()));
      assertEquals(t.getEnergyKwh(), r.getEnergyAdded(), resolution + 1e-6, what + " energy");
      assertEquals(t.getChargingType(), r.getChargingType(), what + " AC/DC");
      // BMS_SOC_Display is 10 bits x 0.1 %
      assertEquals(t.getSocStart(), r.getStartStateOfCharge(), 0.1, what + " state of charge at start");
      assertEquals(t.getSocEnd(), r.getEndStateOfCharge(), 0.1, what + " state of charge at end");
    }
  }

  private static void assertClose(Instant expected, com.google.protobuf.Timestamp actual, long toleranceMs,
      String what) {
    long diff = Math.abs(Timestamps.toMillis(actual) - expected.toEpochMilli());
    assertTrue(diff <= toleranceMs, what + ": expected " + expected + ", got " + Timestamps.toString(actual)
        + " (" + diff + " ms apart, tolerance " + toleranceMs + " ms)");
  }
}
