package io.evedge.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.TestSubscriber;
import io.evedge.proto.Quality;
import io.evedge.simulator.SimulatedMeter;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.time.SystemScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first slice end to end: the simulator's meter (Modbus TCP) → the agent as its own process →
 * a real Mosquitto → a separate subscriber, which checks the four signal bodies against the
 * simulator's truth, the retained {@code online} status, and the {@code offline} will after
 * {@code kill -9}.
 */
class MeterToSubscriberIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final double POWER_W = 11_040;

  @TempDir
  Path dir;

  private SystemScheduler sim;
  private SimulatedMeter meter;
  private AgentProcess agent;
  private TestSubscriber sub;

  @BeforeEach
  void setUp() throws Exception {
    // simulated time runs 60x: a 6-minute charge takes 6 s; the agent runs in real time
    sim = new SystemScheduler("sim", 60);
    meter = SimulatedMeter.start("eastron-sdm630", new Meter(3, 230, 1000, 7),
        new ChargeCycle(Duration.ofMinutes(2), Duration.ofMinutes(6), POWER_W, false), sim, "127.0.0.1", 0, 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (sub != null) {
      sub.close();
    }
    meter.close();
    sim.close();
  }

  private Path config(String deviceId) throws Exception {
    Path file = dir.resolve("evedge.yaml");
    Files.writeString(file, """
        device_id: %s
        state_dir: %s
        mqtt:
          uri: %s
          keep_alive_s: 5
        modbus:
          - name: meter
            profile: eastron-sdm630
            tcp: {host: 127.0.0.1, port: %d}
            poll_interval_ms: 200
        # the simulated charge lasts 6 s of the agent's (real) time: confirm a session within 1 s
        session: {meter_start_s: 1, meter_end_s: 5}
        """.formatted(deviceId, dir.resolve("state"), broker.uri(), meter.port()));
    return file;
  }

  @Test
  void signalsReachASubscriberWithTheReferenceBodies() throws Exception {
    String p = "evedge/e2e-1";
    sub = new TestSubscriber(broker.uri(), p + "/#");
    agent = AgentProcess.start(config("e2e-1"), dir, "-Xmx64m");

    TestSubscriber.Received online = sub.await(p + "/status", r -> r.payload().contains("\"state\":\"online\""), WAIT);
    assertTrue(online.retained(), "status is retained");
    assertTrue(online.payload().matches("\\{\"state\":\"online\",\"timestamp\":\"[0-9T:.\\-]+Z\",\"version\":\"[^\"]+\"}"),
        online.payload());

    // while charging: 11040 W over three phases at ~230 V is 16 A per phase
    TestSubscriber.Received watts = sub.await(p + "/signals/charge-wattage",
        r -> r.signal().getValue().getNumberValue() > 0, WAIT);
    assertTrue(watts.retained());
    assertEquals("application/json", watts.contentType());
    assertTrue(watts.payload().startsWith("{\"value\":11040,\"unit\":\"watts\",\"timestamp\":\""), watts.payload());
    assertEquals(Quality.GOOD, watts.signal().getQuality());

    TestSubscriber.Received amps = sub.await(p + "/signals/charge-amperage",
        r -> r.signal().getValue().getNumberValue() > 0, WAIT);
    assertEquals("ampere", amps.signal().getUnit());
    assertEquals(16.0, amps.signal().getValue().getNumberValue(), 0.1);

    TestSubscriber.Received volts = sub.await(p + "/signals/charge-voltage", r -> true, WAIT);
    assertEquals("volts", volts.signal().getUnit());
    assertEquals(230.0, volts.signal().getValue().getNumberValue(), 1.0, "the simulator's noise is within ±1 V");
    Instant ts = Instant.parse(volts.payload().replaceAll(".*\"timestamp\":\"([^\"]+)\".*", "$1"));
    assertTrue(ts.isAfter(Instant.now().minusSeconds(60)), "timestamp is the read time: " + ts);

    // after the charge: energy added equals the meter's exact integral, 11.04 kW x 0.1 h
    double truth = POWER_W * 0.1 / 1000;
    TestSubscriber.Received energy = sub.await(p + "/signals/charge-energyadded",
        r -> Math.abs(r.signal().getValue().getNumberValue() - truth) < 0.0015, Duration.ofSeconds(30));
    assertEquals("kWh", energy.signal().getUnit());
    assertTrue(energy.retained());
  }

  @Test
  void killNineLeavesTheOfflineWill() throws Exception {
    String p = "evedge/e2e-2";
    sub = new TestSubscriber(broker.uri(), p + "/status");
    agent = AgentProcess.start(config("e2e-2"), dir, "-Xmx64m");
    sub.await(p + "/status", r -> r.payload().contains("\"online\""), WAIT);

    agent.kill9();

    TestSubscriber.Received will = sub.await(p + "/status", r -> r.payload().contains("\"state\":\"offline\""), WAIT);
    assertTrue(will.payload().contains("\"version\""), will.payload());
    // a backend connecting later sees offline too: the will is retained
    try (TestSubscriber later = new TestSubscriber(broker.uri(), p + "/status")) {
      TestSubscriber.Received retained = later.await(p + "/status", r -> true, WAIT);
      assertTrue(retained.retained());
      assertTrue(retained.payload().contains("\"offline\""), retained.payload());
    }
  }

  @Test
  void sigtermPublishesOfflineAndExitsCleanly() throws Exception {
    String p = "evedge/e2e-3";
    sub = new TestSubscriber(broker.uri(), p + "/status");
    agent = AgentProcess.start(config("e2e-3"), dir, "-Xmx64m");
    sub.await(p + "/status", r -> r.payload().contains("\"online\""), WAIT);
    int code = agent.terminate();
    sub.await(p + "/status", r -> r.payload().contains("\"offline\""), WAIT);
    assertTrue(code == 0 || code == 143, "exit code " + code + "\n" + agent.log());
    assertTrue(agent.log().contains("evedge agent stopped"), agent.log());
  }
}
