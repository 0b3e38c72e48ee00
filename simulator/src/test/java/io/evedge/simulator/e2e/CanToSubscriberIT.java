package io.evedge.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.TestSubscriber;
import io.evedge.drivers.testing.SocatPair;
import io.evedge.proto.AgentMetrics;
import io.evedge.proto.CanBusMetrics;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalValue;
import io.evedge.simulator.can.SimpleVehicle;
import io.evedge.simulator.can.SlcanAdapterEmulator;
import io.evedge.simulator.can.SlcanPtyEndpoint;
import io.evedge.simulator.can.VehicleFrames;
import io.evedge.time.SystemScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * CAN end to end: the simulated vehicle's frames from the emulated SLCAN adapter on one end of a
 * socat pseudo-terminal pair, the agent as its own process reading the other end through
 * jSerialComm, a real Mosquitto, and a separate subscriber that checks the signals, then their
 * quality through a bus-off episode and an unplugged and replugged adapter.
 */
class CanToSubscriberIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String P = "evedge/can-e2e";

  @TempDir
  Path dir;

  private SocatPair pty;
  private SystemScheduler sim;
  private SystemScheduler bus;
  private SlcanAdapterEmulator adapter;
  private SlcanPtyEndpoint endpoint;
  private AgentProcess agent;
  private TestSubscriber sub;

  @BeforeEach
  void setUp() throws Exception {
    pty = SocatPair.start(dir);
    // the vehicle runs 10x; its bus, like a real one, in real time
    sim = new SystemScheduler("sim", 10);
    bus = new SystemScheduler("sim-can", 1);
    adapter = new SlcanAdapterEmulator(new VehicleFrames(new SimpleVehicle(new SimpleVehicle.Options(75, 40, 90,
        11_040, false, Duration.ofSeconds(2), Duration.ofMinutes(10)), sim)), bus);
    endpoint = SlcanPtyEndpoint.start(adapter, pty.a(), bus);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (sub != null) {
      sub.close();
    }
    if (endpoint != null) {
      endpoint.close();
      adapter.close();
      bus.close();
      sim.close();
      pty.close();
    }
  }

  private TestSubscriber.Received await(String signal, Predicate<SignalValue> test) {
    try {
      return sub.await(P + "/signals/" + signal, r -> test.test(r.signal()), WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nagent log:\n" + agent.log(), e);
    }
  }

  /** The bus {@code car} in the first retained {@code <p>/metrics} that passes {@code test}. */
  private CanBusMetrics awaitCarMetrics(Predicate<CanBusMetrics> test) {
    try {
      return car(sub.await(P + "/metrics", r -> test.test(car(r)), WAIT));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nagent log:\n" + agent.log(), e);
    }
  }

  private static CanBusMetrics car(TestSubscriber.Received r) {
    return r.as(AgentMetrics.getDefaultInstance()).getCanBusesOrDefault("car", CanBusMetrics.getDefaultInstance());
  }

  /** How many messages each topic had received at this moment. */
  private Map<String, Long> mark() {
    return sub.all().stream().collect(Collectors.groupingBy(TestSubscriber.Received::topic,
        Collectors.counting()));
  }

  /** Like {@link #await}, but only messages received after {@code mark} count. */
  private TestSubscriber.Received awaitSince(Map<String, Long> mark, String signal,
      Predicate<SignalValue> test) {
    String topic = P + "/signals/" + signal;
    long seen = mark.getOrDefault(topic, 0L);
    try {
      return sub.await(topic, r -> sub.on(topic).indexOf(r) >= seen && test.test(r.signal()), WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nagent log:\n" + agent.log(), e);
    }
  }

  private static boolean good(SignalValue v) {
    return v.getQuality() == Quality.GOOD;
  }

  @Test
  void vehicleSignalsReachASubscriberAndSurviveFaults() throws Exception {
    Path config = dir.resolve("evedge.yaml");
    Files.writeString(config, """
        device_id: can-e2e
        state_dir: %s
        mqtt:
          uri: %s
          keep_alive_s: 5
          metrics_interval_s: 1
        can:
          - name: car
            serial: {port: %s}
            mapping: evedge-generic-ev
            bitrate: 500000
            status_poll_ms: 200
            silence_timeout_ms: 1000
            reconnect_max_ms: 1000
        """.formatted(dir.resolve("state"), broker.uri(), pty.b()));
    sub = new TestSubscriber(broker.uri(), P + "/#");
    agent = AgentProcess.start(config, dir, "-Xmx64m");

    // the car plugs in and charges: every signal of the shipped mapping arrives, with reference bodies
    TestSubscriber.Received soc = await("tractionbattery-stateofcharge", v -> good(v) && v.getValue().getNumberValue() >= 40);
    assertEquals("percent", soc.signal().getUnit());
    assertTrue(soc.retained());
    assertTrue(soc.payload().matches("\\{\"value\":[0-9.]+,\"unit\":\"percent\",\"timestamp\":\"[0-9T:.\\-]+Z\","
        + "\"quality\":\"GOOD\"}"), soc.payload());
    Instant ts = Instant.parse(soc.payload().replaceAll(".*\"timestamp\":\"([^\"]+)\".*", "$1"));
    assertTrue(ts.isAfter(Instant.now().minusSeconds(60)) && ts.isBefore(Instant.now().plusSeconds(1)), ts.toString());
    await("charge-ischargingportflapopen", v -> good(v) && v.getValue().getBoolValue());
    await("charge-ischargingcableconnected", v -> good(v) && v.getValue().getBoolValue());
    await("charge-ischargingcablelatched", v -> good(v) && v.getValue().getBoolValue());
    await("charge-chargingconnectortype", v -> v.getValue().getStringValue().equals("MENNEKES"));
    await("charge-detailedchargingstatus", v -> v.getValue().getStringValue().equals("CHARGING"));
    await("charge-ischarging", v -> v.getValue().getBoolValue());
    await("charge-chargeportstatuscolor", v -> v.getValue().getStringValue().equals("Green"));
    TestSubscriber.Received watts = await("charge-wattage", v -> v.getValue().getNumberValue() > 0);
    assertTrue(watts.payload().startsWith("{\"value\":11040,\"unit\":\"watts\","), watts.payload());
    await("charge-amperage", v -> Math.abs(v.getValue().getNumberValue() - 16.0) < 0.05);
    await("charge-voltage", v -> v.getValue().getNumberValue() == 230);
    await("charge-amperagemax", v -> v.getValue().getNumberValue() == 16);
    await("charge-amperagerequested", v -> v.getValue().getNumberValue() == 16);
    // the reference object: {"activeLimit":90,"values":[{"type":"GLOBAL","limit":90}],"unit":"percent"}
    await("charge-chargelimits", v -> v.getActiveLimit() == 90 && v.getValuesCount() == 1
        && v.getValues(0).getLimit() == 90);
    await("charge-timetocomplete", v -> v.getValue().getNumberValue() > 0);
    await("tractionbattery-range", v -> v.getValue().getNumberValue() >= 180);
    await("tractionbattery-voltage", v -> v.getValue().getNumberValue() > 360);
    await("tractionbattery-current", v -> v.getValue().getNumberValue() > 20);
    await("charge-isfastchargerpresent", v -> !v.getValue().getBoolValue());

    // line noise on the serial line: counted and skipped, the signals go on
    Map<String, Long> beforeNoise = mark();
    adapter.injectGarbage(200);
    awaitSince(beforeNoise, "tractionbattery-stateofcharge", v -> good(v));
    awaitSince(mark(), "tractionbattery-stateofcharge", v -> good(v));

    // bus-off: every signal of the bus turns STALE, and GOOD again when the bus recovers
    Map<String, Long> beforeBusOff = mark();
    adapter.busOff(true);
    awaitSince(beforeBusOff, "tractionbattery-stateofcharge", v -> v.getQuality() == Quality.STALE);
    TestSubscriber.Received stale = awaitSince(beforeBusOff, "charge-ischargingcableconnected",
        v -> v.getQuality() == Quality.STALE);
    assertTrue(stale.signal().getValue().getBoolValue(), "the last value is kept: " + stale.payload());
    CanBusMetrics inBusOff = awaitCarMetrics(m -> m.getState().equals("BUS_ERROR"));
    assertEquals(1, inBusOff.getBusErrorEpisodes(), inBusOff.toString());
    Map<String, Long> beforeRecovery = mark();
    adapter.busOff(false);
    awaitSince(beforeRecovery, "charge-ischargingcableconnected", v -> good(v) && v.getValue().getBoolValue());
    awaitSince(beforeRecovery, "tractionbattery-stateofcharge", v -> good(v));

    // the adapter unplugged: UNAVAILABLE; plugged back in: reopened by the same agent process
    long pid = agent.pid();
    Map<String, Long> beforeUnplug = mark();
    pty.unplug();
    awaitSince(beforeUnplug, "tractionbattery-stateofcharge", v -> v.getQuality() == Quality.UNAVAILABLE);
    awaitSince(beforeUnplug, "charge-ischarging", v -> v.getQuality() == Quality.UNAVAILABLE);
    Map<String, Long> beforePlugIn = mark();
    pty.plugIn();
    awaitSince(beforePlugIn, "tractionbattery-stateofcharge", v -> good(v));
    awaitSince(beforePlugIn, "charge-ischarging", v -> good(v) && v.getValue().getBoolValue());
    assertTrue(agent.isAlive());
    assertEquals(pid, agent.pid());

    // <p>/metrics counts it all: frames, the noise by kind, the bus-off episode, the loss
    CanBusMetrics car = awaitCarMetrics(m -> m.getState().equals("ONLINE") && m.getCounters().contains("losses "));
    assertTrue(car.getFrames() > 100, car.toString());
    assertTrue(car.getErrors() >= 1, "the injected noise is counted: " + car);
    assertEquals(car.getErrors(), car.getDiscardedMap().values().stream().mapToLong(Long::longValue).sum(),
        car.toString());
    assertEquals(1, car.getBusErrorEpisodes(), car.toString());
    assertTrue(car.getCounters().matches("frames \\d+, opens [2-9].*bus error episodes 1.*"), car.getCounters());
    String log = agent.log();
    assertTrue(log.contains("CAN bus car: adapter at serial://" + pty.b() + " lost"), log);
    assertTrue(log.contains("bus error"), log);
  }
}
