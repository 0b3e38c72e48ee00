package io.evedge.simulator.cli;

import io.evedge.simulator.SimulatedMeter;
import io.evedge.simulator.can.SimpleVehicle;
import io.evedge.simulator.can.SlcanAdapterEmulator;
import io.evedge.simulator.can.SlcanPtyEndpoint;
import io.evedge.simulator.can.SlcanTcpServer;
import io.evedge.simulator.can.VehicleFrames;
import io.evedge.simulator.demo.Demo;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.time.SystemScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evedge-simulator}: {@code demo} and {@code serve}. */
@Command(name = "evedge-simulator", mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Hardware-in-the-loop simulator for evedge: a charge point's meter served over Modbus TCP.",
    subcommands = {Main.DemoCommand.class, Main.Serve.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // the embedded broker's jar carries a logback.xml of its own; ours keeps it quiet
    System.setProperty("logback.configurationFile", "evedge-broker-logback.xml");
    System.exit(new CommandLine(new Main()).execute(args));
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

  /** Options shared by both commands: the simulated charge. */
  static final class ChargeOptions {
    @Option(names = "--speed", defaultValue = "120", description = "simulated seconds per wall-clock second (default ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--power", defaultValue = "11000", description = "charging power in W (default ${DEFAULT-VALUE})")
    double powerW;

    @Option(names = "--idle", defaultValue = "PT2M", description = "idle time before each charge, ISO-8601 (default ${DEFAULT-VALUE})")
    Duration idle;

    @Option(names = "--charge", defaultValue = "PT2H", description = "length of each charge, ISO-8601 (default ${DEFAULT-VALUE})")
    Duration charge;
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Simulated charge point, embedded MQTT broker, the agent and a live console.")
  static final class DemoCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ChargeOptionsMixin charge;

    @Option(names = "--broker-port", defaultValue = "0", description = "embedded broker port (default: a free one)")
    int brokerPort;

    @Option(names = "--state-dir", description = "agent state directory (default: a new temporary one)")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
      boolean terminal = System.console() != null;
      Demo demo = Demo.start(new Demo.Options(charge.o.speed, brokerPort, 0, charge.o.powerW, charge.o.idle,
          charge.o.charge, stateDir), System.out, terminal);
      awaitShutdown(demo);
      return 0;
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve the simulated hardware only (Modbus TCP slave, and with --slcan-port or"
          + " --slcan-pty the vehicle's CAN bus as an SLCAN adapter), for an agent in another process.")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Mixin
    ChargeOptionsMixin charge;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "1502", description = "Modbus TCP port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--profile", defaultValue = "eastron-sdm630", description = "meter profile served (default ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--unit", defaultValue = "1", description = "Modbus unit id (default ${DEFAULT-VALUE})")
    int unit;

    @Option(names = "--phases", defaultValue = "3", description = "1 or 3 (default ${DEFAULT-VALUE})")
    int phases;

    @Option(names = "--slcan-port", paramLabel = "N",
        description = "also serve the vehicle's CAN bus as an SLCAN adapter on this TCP port (0: a free one)")
    Integer slcanPort;

    @Option(names = "--slcan-pty", paramLabel = "PATH",
        description = "also serve the vehicle's CAN bus as an SLCAN adapter on this end of a pseudo-terminal"
            + " pair (socat pty,raw,echo=0,link=PATH pty,raw,echo=0,link=OTHER); the agent opens the other end")
    String slcanPty;

    @Option(names = "--vehicle-dc", description = "the vehicle charges DC (CCS) rather than AC")
    boolean vehicleDc;

    @Override
    public Integer call() throws Exception {
      SystemScheduler sim = new SystemScheduler("sim", charge.o.speed);
      SimulatedMeter meter = SimulatedMeter.start(profile, new Meter(phases, 230, 1000, 42),
          new ChargeCycle(charge.o.idle, charge.o.charge, charge.o.powerW, true), sim, host, port, unit);
      System.out.printf("Serving %s on Modbus TCP %s:%d unit %d, speed x%s. Ctrl-C stops.%n", profile, host,
          meter.port(), unit, charge.o.speed);
      List<AutoCloseable> can = new ArrayList<>();
      if (slcanPort != null || slcanPty != null) {
        // the vehicle lives in simulated time; its bus runs in real time, as an agent expects
        SystemScheduler bus = new SystemScheduler("sim-can", 1.0);
        SimpleVehicle.Options v = SimpleVehicle.Options.defaults();
        SlcanAdapterEmulator adapter = new SlcanAdapterEmulator(new VehicleFrames(new SimpleVehicle(
            new SimpleVehicle.Options(v.capacityKWh(), v.startSocPercent(), v.limitPercent(), charge.o.powerW,
                vehicleDc, charge.o.idle, v.afterCharge()), sim)), bus);
        can.add(adapter);
        can.add(bus);
        if (slcanPort != null) {
          SlcanTcpServer server = SlcanTcpServer.start(adapter, host, slcanPort);
          can.add(0, server);
          System.out.printf("Serving the vehicle's CAN bus (%s DBC) as an SLCAN adapter on tcp %s:%d.%n",
              VehicleFrames.DBC, host, server.port());
        }
        if (slcanPty != null) {
          can.add(0, SlcanPtyEndpoint.start(adapter, slcanPty, bus));
          System.out.printf("Serving the vehicle's CAN bus (%s DBC) as an SLCAN adapter on %s.%n",
              VehicleFrames.DBC, slcanPty);
        }
      }
      awaitShutdown(() -> {
        for (AutoCloseable c : can) {
          c.close();
        }
        meter.close();
        sim.close();
      });
      return 0;
    }
  }

  /** Picocli mixin holding {@link ChargeOptions}. */
  static final class ChargeOptionsMixin {
    @CommandLine.ArgGroup(exclusive = false, heading = "Simulated charge:%n")
    ChargeOptions o = new ChargeOptions();
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
