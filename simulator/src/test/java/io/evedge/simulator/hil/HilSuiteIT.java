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
import io.evedge.simulator.e2e.AgentProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hardware-in-the-loop matrix: each shipped scenario played by the simulator (meter and EVSE
 * controller on Modbus TCP, the vehicle's CAN bus as an SLCAN adapter on TCP), read by the agent,
 * published through a real Mosquitto; the records a subscriber receives are compared with the
 * simulator's ground truth: the same number of sessions, nothing twice, start and end within one
 * poll interval (plus the scheduling allowance below), energy exact to the meter register's
 * resolution, state of charge at start and end exact to the CAN signal's resolution.
 *
 * <p>The simulator and the agent share one accelerated clock so a four-hour charge takes seconds.
 * The price is that a thread woken late on the wall clock is late by {@link #SPEED} times as much in
 * simulated time: a poll 13 ms late on a busy machine stamps its reading 4 s of simulated time
 * late. The timing tolerance therefore adds {@link #WAKE_ALLOWANCE} of wall time, scaled.
 */
class HilSuiteIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  /** Simulated seconds per wall-clock second. */
  private static final double SPEED = 300;
  /** The agent's poll interval in simulated time. */
  private static final Duration POLL = Duration.ofSeconds(10);
  /** How late, in wall time, a poll may run on a loaded two-core machine. */
  private static final Duration WAKE_ALLOWANCE = Duration.ofMillis(50);
  /** Start and end times: one poll interval, plus the wake-up allowance in simulated time. */
  private static final long TOLERANCE_MS = POLL.toMillis() + (long) (WAKE_ALLOWANCE.toMillis() * SPEED);

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ac-3phase-home", "ac-1phase", "dc-fast", "pause-resume", "limit-reached",
      "unplug-mid-charge", "quick-replug", "meter-offline"})
  void recordsMatchTheGroundTruth(String name) throws Exception {
    Scenario scenario = Scenarios.load(name);
    String device = "hil-" + name;
    try (SystemScheduler clock = new SystemScheduler("hil", SPEED);
        Simulation sim = serve(scenario, clock);
        TestSubscriber sub = new TestSubscriber(broker.uri(), "evedge/" + device + "/records")) {
      Agent agent = Agent.create(Plan.of(ConfigLoader.load(config(device, sim, scenario, POLL, ""))), clock);
      try {
        agent.start();
        awaitFirstReadings(agent);
        sim.play();
        awaitEnd(sim);
        List<TrueSession> truths = sim.runner().truths();
        awaitRecords(sub, device, truths.size());
        compare(name, truths, records(sub.on("evedge/" + device + "/records")), TOLERANCE_MS);
      } finally {
        agent.close();
      }
    }
  }

  /** The broker stops ten minutes into a charge and returns after the session ended. */
  @Test
  void brokerDownMidSession() throws Exception {
    Scenario scenario = Scenarios.load("unplug-mid-charge");
    String device = "hil-broker-down";
    try (SystemScheduler clock = new SystemScheduler("hil", SPEED);
        Simulation sim = serve(scenario, clock)) {
      // a fixed reconnect delay of 2 s of wall time (the agent's timers run on the simulated clock),
      // so the backend below is subscribed before the agent is back
      long delayMs = (long) (2_000 * SPEED);
      Agent agent = Agent.create(Plan.of(ConfigLoader.load(config(device, sim, scenario, POLL,
          "reconnect_min_ms: " + delayMs + ", reconnect_max_ms: " + delayMs + ", "))), clock);
      try {
        agent.start();
        awaitFirstReadings(agent);
        sim.play();
        Await.until(Duration.ofSeconds(30), () -> sim.runner().elapsed().compareTo(Duration.ofMinutes(10)) >= 0,
            "ten minutes of charging");
        broker.stop();
        awaitEnd(sim);
        List<TrueSession> truths = sim.runner().truths();
        Await.until(Duration.ofSeconds(20), () -> agent.metrics().snapshot().getOutbox().getDepth() >= 1,
            "the record to wait in the outbox");
        broker.start();
        try (TestSubscriber sub = new TestSubscriber(broker.uri(), "evedge/" + device + "/records")) {
          awaitRecords(sub, device, truths.size());
          compare("broker down", truths, records(sub.on("evedge/" + device + "/records")), TOLERANCE_MS);
        }
      } finally {
        agent.close();
      }
    }
  }

  /** The agent, a real process, is killed with SIGKILL in the middle of a charge and started again. */
  @Test
  void agentKilledMidSession() throws Exception {
    Scenario scenario = Scenarios.load(Path.of(HilSuiteIT.class.getResource("/scenarios/kill-mid-charge.yaml")
        .toURI()).toString());
    String device = "hil-kill";
    Duration poll = Duration.ofSeconds(1);
    try (SystemScheduler clock = new SystemScheduler("hil", 1);
        Simulation sim = serve(scenario, clock);
        TestSubscriber sub = new TestSubscriber(broker.uri(), "evedge/" + device + "/#")) {
      Path config = config(device, sim, scenario, poll, "");
      AgentProcess first = AgentProcess.start(config, dir);
      AgentProcess second = null;
      try {
        sub.await("evedge/" + device + "/signals/tractionbattery-stateofcharge", r -> r.payload().contains("\"value\""),
            Duration.ofSeconds(30));
        sim.play();
        Await.until(Duration.ofSeconds(30), () -> sim.runner().elapsed().compareTo(Duration.ofSeconds(15)) >= 0,
            "charging under way");
        first.kill9();
        second = AgentProcess.start(config, dir);
        awaitEnd(sim);
        List<TrueSession> truths = sim.runner().truths();
        awaitRecords(sub, device, truths.size());
        List<ChargeRecord> records = records(sub.on("evedge/" + device + "/records"));
        compare("kill -9", truths, records, poll.toMillis() + 1_000);
        assertTrue(records.get(0).getInterrupted(), "the record says the agent restarted inside the session");
      } finally {
        first.close();
        if (second != null) {
          second.close();
        }
      }
    }
  }

  private Simulation serve(Scenario scenario, SystemScheduler clock) throws Exception {
    return Simulation.serve(scenario, clock, Simulation.Options.tcp("127.0.0.1", 0, dir.resolve("truth.jsonl"))
        .withCan(new Simulation.Can("127.0.0.1", 0, null)));
  }

  private Path config(String device, Simulation sim, Scenario scenario, Duration poll, String mqttExtra)
      throws Exception {
    Path config = dir.resolve("evedge.yaml");
    Files.writeString(config, """
        device_id: %s
        state_dir: %s
        mqtt: {%suri: "%s"}
        modbus:
          - {name: meter, profile: eastron-sdm630, tcp: {host: 127.0.0.1, port: %d}, unit_id: %d, poll_interval_ms: %d}
          - {name: evse, profile: evedge-sim-evse, tcp: {host: 127.0.0.1, port: %5$d}, unit_id: %d, poll_interval_ms: %7$d}
        can:
          - {name: car, tcp: {host: 127.0.0.1, port: %d}, mapping: evedge-generic-ev}
        location: {name: HIL bay, charging_type: %s}
        """.formatted(device, dir.resolve("state"), mqttExtra, broker.uri(), sim.modbusPort(), Simulation.METER_UNIT,
        poll.toMillis(), Simulation.EVSE_UNIT, sim.slcanPort(), scenario.getEvse().getDc() ? "DC" : "AC"));
    return config;
  }

  /** The agent reads the hardware before anything happens. */
  private static void awaitFirstReadings(Agent agent) {
    Await.until(Duration.ofSeconds(20), () -> agent.signals().get("charge-voltage").isPresent()
        && agent.signals().get("tractionbattery-stateofcharge").filter(v -> v.hasValue()).isPresent(),
        "the agent's first readings");
  }

  private static void awaitEnd(Simulation sim) {
    double speed = sim.runner().scenario().getSpeed();
    Duration wall = Duration.ofMillis((long) (sim.runner().end().toMillis() / Math.max(1, SPEED)) + 60_000);
    Await.until(wall, sim.runner()::finished, "the scenario to end (speed " + speed + ")");
  }

  private static void awaitRecords(TestSubscriber sub, String device, int count) {
    Await.until(Duration.ofSeconds(30), () -> sub.on("evedge/" + device + "/records").size() >= count,
        "a record for each of the " + count + " true sessions");
    // anything more would come within a few polls
    Instant settle = Instant.now().plusMillis(500);
    Await.until(Duration.ofSeconds(5), () -> Instant.now().isAfter(settle), "records to settle");
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

  private static void compare(String name, List<TrueSession> truths, List<ChargeRecord> records, long tolerance) {
    assertTrue(!truths.isEmpty(), name + ": the scenario has sessions");
    assertEquals(truths.size(), records.size(), name + ": one record per true session\n" + records);
    assertEquals(records.size(), new HashSet<>(records.stream().map(ChargeRecord::getId).toList()).size(),
        name + ": nothing duplicated");
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
