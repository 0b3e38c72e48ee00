package io.evedge.simulator.demo;

import io.evedge.agent.Agent;
import io.evedge.agent.Plan;
import io.evedge.agent.config.ConfigLoader;
import io.evedge.agent.mqtt.LinkOptions;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.simulator.SimulatedMeter;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.simulator.broker.EmbeddedBroker;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.time.SystemScheduler;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything on one laptop: a simulated meter on Modbus TCP, an embedded MQTT 5 broker, the agent,
 * and a console subscribed to the agent's topics. Simulated time runs {@code speed} times as fast
 * as the wall clock.
 */
public final class Demo implements AutoCloseable {

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** What the demo runs. */
  public record Options(double speed, int brokerPort, int modbusPort, double powerW, Duration idle,
      Duration charge, Path stateDir) {}

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
    SystemScheduler sim = new SystemScheduler("sim", o.speed());
    resources.push(sim);
    int brokerPort = o.brokerPort() == 0 ? ModbusSlaveServer.freePort("127.0.0.1") : o.brokerPort();
    EmbeddedBroker broker = EmbeddedBroker.start(brokerPort);
    resources.push(broker);

    ChargeCycle cycle = new ChargeCycle(o.idle(), o.charge(), o.powerW(), true);
    SimulatedMeter meter = SimulatedMeter.start("eastron-sdm630", new Meter(3, 230, 1000, 42), cycle, sim,
        "127.0.0.1", o.modbusPort(), 1);
    resources.push(meter);

    // poll four times a second of wall time, whatever the speed
    long pollMs = Math.max(250, Math.round(250 * o.speed()));
    Path stateDir = o.stateDir() != null ? o.stateDir() : Files.createTempDirectory("evedge-demo-");
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
            poll_interval_ms: %d
        location: {name: Demo garage, latitude: 51.5014, longitude: -0.1419}
        tariff: {currency: EUR, energy_price_per_kwh: 0.30}
        """.formatted(stateDir, broker.uri(), meter.port(), pollMs));
    Plan plan = Plan.of(ConfigLoader.load(config));

    String header = String.format(
        "evedge demo: simulated meter (Modbus TCP :%d) -> agent -> broker %s, speed x%s%n"
            + "subscribe yourself: mosquitto_sub -h 127.0.0.1 -p %d -t '%s/#' -v%nCtrl-C stops.",
        meter.port(), broker.uri(), fmt(o.speed()), brokerPort, plan.topics().base());
    Console console = new Console(out, terminal, header, plan.topics().base(), () -> progress(meter, cycle));
    PahoMqttLink consoleLink = new PahoMqttLink(new LinkOptions(broker.uri(), "evedge-demo-console", null, null,
        Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2),
        null, "demo"), new SystemScheduler("console"));
    resources.push(consoleLink);
    consoleLink.subscribe(plan.topics().base() + "/#", 1, console::accept);
    consoleLink.start();

    SystemScheduler ui = new SystemScheduler("console-ui");
    resources.push(ui);
    ui.scheduleAtFixedRate(() -> {
      if (console.dirty()) {
        console.redraw();
      }
    }, Duration.ofMillis(200), Duration.ofMillis(200));

    Agent agent = Agent.create(plan, sim);
    resources.push(agent);
    agent.start();
  }

  private static String progress(SimulatedMeter meter, ChargeCycle cycle) {
    Duration t = meter.elapsed();
    double kw = meter.meter().powerW() / 1000;
    long s = t.toSeconds();
    return String.format("sim time %d:%02d:%02d  %s  meter import %.3f kWh",
        s / 3600, (s / 60) % 60, s % 60,
        kw > 0 ? String.format("charging at %.1f kW", kw) : "idle", meter.meter().importKWh());
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Stops the agent (which publishes offline), the console, the meter and the broker, in that order. */
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
