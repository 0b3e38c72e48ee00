package io.evedge.simulator.demo;

import io.evedge.agent.Agent;
import io.evedge.agent.Plan;
import io.evedge.agent.config.ConfigLoader;
import io.evedge.agent.mqtt.LinkOptions;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.proto.Scenario;
import io.evedge.simulator.Simulation;
import io.evedge.simulator.broker.EmbeddedBroker;
import io.evedge.simulator.model.ChargePoint;
import io.evedge.simulator.scenario.ScenarioRunner;
import io.evedge.time.SystemScheduler;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything on one laptop: a scenario's charge point served on Modbus TCP, an embedded MQTT 5
 * broker, the agent, and a console subscribed to the agent's topics. Simulated time runs
 * {@code speed} times as fast as the wall clock.
 */
public final class Demo implements AutoCloseable {

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /**
   * What the demo runs.
   *
   * @param speed simulated seconds per wall-clock second, or 0 for the scenario's own
   * @param stateDir the agent's state directory, or null for a new temporary one
   */
  public record Options(Scenario scenario, double speed, int brokerPort, Path stateDir) {}

  /** Starts everything; returns once the agent is running. */
  public static Demo start(Options o, PrintStream out, boolean terminal) throws Exception {
    Demo demo = new Demo();
    try {
      demo.run(o, out, terminal);
      return demo;
    } catch (Exception e) {
      demo.close();
      throw e;
    }
  }

  private void run(Options o, PrintStream out, boolean terminal) throws Exception {
    double speed = o.speed() > 0 ? o.speed() : o.scenario().getSpeed();
    SystemScheduler sim = new SystemScheduler("sim", speed);
    resources.push(sim);
    int brokerPort = o.brokerPort() == 0 ? ModbusSlaveServer.freePort("127.0.0.1") : o.brokerPort();
    EmbeddedBroker broker = EmbeddedBroker.start(brokerPort);
    resources.push(broker);

    Path stateDir = o.stateDir() != null ? o.stateDir() : Files.createTempDirectory("evedge-demo-");
    Path truth = stateDir.resolve("ground-truth.jsonl");
    Simulation simulation = Simulation.start(o.scenario(), sim, Simulation.Options.tcp("127.0.0.1", 0, truth));
    resources.push(simulation);

    // poll four times a second of wall time, whatever the speed
    long pollMs = Math.max(250, Math.round(250 * speed));
    Path config = stateDir.resolve("evedge-demo.yaml");
    Files.writeString(config, """
        # written by the demo: the agent's configuration for the simulated charge point
        device_id: demo-cp-01
        state_dir: %s
        mqtt:
          uri: %s
          topic_prefix: evedge
        modbus:
          - name: meter
            profile: eastron-sdm630
            tcp: {host: 127.0.0.1, port: %d}
            unit_id: %d
            poll_interval_ms: %d
          - name: evse
            profile: evedge-sim-evse
            tcp: {host: 127.0.0.1, port: %3$d}
            unit_id: %6$d
            poll_interval_ms: %5$d
        location: {name: Demo garage, latitude: 51.5014, longitude: -0.1419}
        tariff: {currency: EUR, energy_price_per_kwh: 0.30}
        """.formatted(stateDir, broker.uri(), simulation.modbusPort(), Simulation.METER_UNIT, pollMs,
        Simulation.EVSE_UNIT));
    Plan plan = Plan.of(ConfigLoader.load(config));

    String header = String.format(
        "evedge demo: scenario '%s' (Modbus TCP :%d) -> agent -> broker %s, speed x%s%n"
            + "subscribe yourself: mosquitto_sub -h 127.0.0.1 -p %d -t '%s/#' -v%n"
            + "ground truth: %s%nCtrl-C stops.",
        o.scenario().getName(), simulation.modbusPort(), broker.uri(), fmt(speed), brokerPort,
        plan.topics().base(), truth);
    Console console = new Console(out, terminal, header, plan.topics().base(),
        () -> progress(simulation.runner()));
    SystemScheduler consoleClock = new SystemScheduler("console");
    resources.push(consoleClock);
    PahoMqttLink consoleLink = new PahoMqttLink(new LinkOptions(broker.uri(), "evedge-demo-console", null, null,
        Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2),
        null, "demo"), consoleClock);
    resources.push(consoleLink);
    consoleLink.subscribe(plan.topics().base() + "/#", 1, console::accept);
    consoleLink.start();

    consoleClock.scheduleAtFixedRate(() -> {
      if (console.dirty()) {
        console.redraw();
      }
    }, Duration.ofMillis(200), Duration.ofMillis(200));

    Agent agent = Agent.create(plan, sim);
    resources.push(agent);
    agent.start();
  }

  private static String progress(ScenarioRunner runner) {
    ChargePoint cp = runner.chargePoint();
    return String.format("scenario %s  %s / %s%s  state %s  %.1f kW  SoC %.1f %%  meter %.3f kWh  sessions %d",
        runner.scenario().getName(), clock(runner.elapsed()), clock(runner.end()),
        runner.finished() ? " (finished)" : "", cp.cpState(), cp.powerW() / 1000, cp.vehicle().socPercent(),
        cp.meter().importKWh(), cp.sessions());
  }

  private static String clock(Duration d) {
    long s = d.toSeconds();
    return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Stops the agent (which publishes offline), the console, the hardware and the broker, in that order. */
  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        org.tinylog.Logger.debug("Stopping the demo: {}", e.getMessage());
      }
    }
  }
}
