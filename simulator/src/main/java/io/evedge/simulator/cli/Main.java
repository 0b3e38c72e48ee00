package io.evedge.simulator.cli;

import io.evedge.proto.Scenario;
import io.evedge.simulator.Simulation;
import io.evedge.simulator.demo.Demo;
import io.evedge.simulator.scenario.Scenarios;
import io.evedge.time.SystemScheduler;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evedge-simulator}: {@code demo} and {@code serve}. */
@Command(name = "evedge-simulator", mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Hardware-in-the-loop simulator for evedge: a charge point and a vehicle played from a scenario.",
    subcommands = {Main.DemoCommand.class, Main.Serve.class, io.evedge.simulator.bench.BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // the embedded broker's jar carries a logback.xml of its own; ours keeps it quiet
    System.setProperty("logback.configurationFile", "evedge-broker-logback.xml");
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("evedge-simulator: " + e.getMessage());
      return e instanceof io.evedge.yaml.ConfigException ? 2 : 1;
    });
    System.exit(cl.execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: demo or serve");
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"evedge-simulator " + (v == null ? "dev" : v)};
    }
  }

  /** Options shared by both commands: what is simulated, and how fast. */
  static final class ScenarioOptions {
    @Option(names = "--scenario", defaultValue = "demo", paramLabel = "NAME|FILE",
        completionCandidates = ShippedScenarios.class,
        description = "a shipped scenario (${COMPLETION-CANDIDATES}) or a scenario file (default ${DEFAULT-VALUE})")
    String scenario;

    @Option(names = "--speed", defaultValue = "0", paramLabel = "N",
        description = "simulated seconds per wall-clock second (default: the scenario's)")
    double speed;

    Scenario load() throws Exception {
      return Scenarios.load(scenario);
    }

    double speedFor(Scenario s) {
      return speed > 0 ? speed : s.getSpeed();
    }
  }

  /** The shipped scenario names, for help. */
  static final class ShippedScenarios implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Scenarios.SHIPPED.iterator();
    }
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Simulated charge point, embedded MQTT broker, the agent and a live console.")
  static final class DemoCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ScenarioOptions scenario;

    @Option(names = "--broker-port", defaultValue = "0", description = "embedded broker port (default: a free one)")
    int brokerPort;

    @Option(names = "--state-dir", description = "agent state directory (default: a new temporary one)")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
      boolean terminal = System.console() != null;
      Demo demo = Demo.start(new Demo.Options(scenario.load(), scenario.speed, brokerPort, stateDir), System.out,
          terminal);
      awaitShutdown(demo);
      return 0;
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve a scenario's hardware only (Modbus TCP slave), for an agent in another process or machine.")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Mixin
    ScenarioOptions scenario;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "1502", description = "Modbus TCP port (default ${DEFAULT-VALUE}; 0 = any free)")
    int port;

    @Option(names = "--truth", paramLabel = "FILE", description = "append the true sessions to FILE as JSON lines")
    Path truth;

    @Override
    public Integer call() throws Exception {
      Scenario s = scenario.load();
      double speed = scenario.speedFor(s);
      SystemScheduler sim = new SystemScheduler("sim", speed);
      Simulation simulation = Simulation.start(s, sim, new Simulation.Options(host, port, truth));
      System.out.printf("Scenario %s at speed x%s: meter (eastron-sdm630) on Modbus TCP %s:%d unit %d%s. "
              + "Ctrl-C stops.%n", s.getName(), speed, host, simulation.modbusPort(), Simulation.METER_UNIT,
          truth == null ? "" : ", true sessions to " + truth);
      awaitShutdown(() -> {
        simulation.close();
        sim.close();
      });
      return 0;
    }
  }

  private static void awaitShutdown(AutoCloseable resource) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("evedge-simulator: stopping: " + e.getMessage());
      }
      done.countDown();
    }, "evedge-shutdown"));
    done.await();
  }
}
