package io.evedge.simulator.cli;

import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.transport.SerialSettings;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.Parity;
import io.evedge.proto.Scenario;
import io.evedge.proto.SerialDefaults;
import io.evedge.simulator.Simulation;
import io.evedge.simulator.demo.Demo;
import io.evedge.simulator.modbus.FaultConsole;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.simulator.scenario.Scenarios;
import io.evedge.time.SystemScheduler;
import io.evedge.time.Threads;
import io.evedge.yaml.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evedge-simulator}: {@code demo}, {@code serve} and {@code bench}. */
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
      return e instanceof ConfigException ? 2 : 1;
    });
    System.exit(cl.execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: demo, serve or bench");
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

  /** The shipped profile names, for help and completion. */
  static final class ShippedProfiles implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Profiles.SHIPPED.iterator();
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
      description = {"Serve a scenario's hardware only (a Modbus slave, and with --slcan-port or --slcan-pty the "
              + "vehicle's CAN bus as an SLCAN adapter), for an agent in another process or machine.",
          "By default the meter (eastron-sdm630) answers at unit 1 and the EVSE controller (evedge-sim-evse) at "
              + "unit 2; --profile serves one device with any shipped profile instead.",
          "Serves Modbus TCP by default, RTU frames on the TCP port with --rtu-over-tcp, or Modbus RTU on a "
              + "serial port with --rtu (e.g. one end of: socat pty,raw,echo=0,link=/tmp/ttyA "
              + "pty,raw,echo=0,link=/tmp/ttyB).",
          "Faults are injected on command: type 'help' on standard input."})
  static final class Serve implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ScenarioOptions scenario;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "1502", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free)")
    int port;

    @Option(names = "--profile", completionCandidates = ShippedProfiles.class,
        description = "serve one device with this profile: a shipped one (${COMPLETION-CANDIDATES}) or a profile file")
    String profile;

    @Option(names = "--unit", description = "with --profile: Modbus unit id (default: the profile's)")
    Integer unit;

    @Option(names = "--truth", paramLabel = "FILE", description = "append the true sessions to FILE as JSON lines")
    Path truth;

    @Option(names = "--rtu", paramLabel = "DEVICE", description = "serve Modbus RTU on this serial port instead of TCP")
    String rtu;

    @Option(names = "--baud", description = "with --rtu: baud rate (default: the profile's)")
    Integer baud;

    @Option(names = "--parity", description = "with --rtu: none, even or odd (default: the profile's)")
    String parity;

    @Option(names = "--stop-bits", description = "with --rtu: 1 or 2 (default: the profile's)")
    Integer stopBits;

    @Option(names = "--echo", description = "with --rtu: echo each request first, like a 2-wire RS-485 adapter")
    boolean echo;

    @Option(names = "--line-timing", description = "with --rtu: delay replies by their time on a real line "
        + "at the baud rate (a pseudo-terminal has none)")
    boolean lineTiming;

    @Option(names = "--rtu-over-tcp", description = "serve RTU frames on the TCP port, as a serial gateway")
    boolean rtuOverTcp;

    @Option(names = "--fault", description = "start with this fault, e.g. 'exception 0x02', no-reply, 'slow 800'")
    String fault;

    @Option(names = "--slcan-port", paramLabel = "N",
        description = "also serve the vehicle's CAN bus as an SLCAN adapter on this TCP port (0: a free one)")
    Integer slcanPort;

    @Option(names = "--slcan-pty", paramLabel = "PATH",
        description = "also serve the vehicle's CAN bus as an SLCAN adapter on this end of a pseudo-terminal"
            + " pair (socat pty,raw,echo=0,link=PATH pty,raw,echo=0,link=OTHER); the agent opens the other end")
    String slcanPty;

    @Override
    public Integer call() throws Exception {
      Scenario s = scenario.load();
      double speed = scenario.speedFor(s);
      List<Simulation.Device> devices = Simulation.DEFAULT_DEVICES;
      DeviceProfile lineProfile;
      try {
        lineProfile = Profiles.load(profile != null ? profile : "eastron-sdm630");
      } catch (ConfigException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--profile: " + e.getMessage());
      }
      if (profile != null) {
        devices = List.of(new Simulation.Device(profile, unit != null ? unit : lineProfile.getDefaults().getUnitId()));
      }
      SerialSettings line = rtu == null ? null : serialSettings(lineProfile);
      Simulation.Transport transport = line != null ? slave -> ModbusSlaveServer.serial(line, slave)
          : slave -> ModbusSlaveServer.tcp(host, port, rtuOverTcp ? Framing.RTU : Framing.TCP, slave);
      SystemScheduler sim = new SystemScheduler("sim", speed);
      Simulation simulation = Simulation.start(s, sim, new Simulation.Options(transport, devices, truth,
          new Simulation.Can(host, slcanPort, slcanPty)));
      ModbusSlaveServer server = simulation.server();
      server.echo(echo);
      if (lineTiming && line != null) {
        server.emulateLine(line);
      }
      FaultConsole console = new FaultConsole(server, System.out);
      if (fault != null) {
        System.out.println(console.apply("fault " + fault));
      }
      StringBuilder what = new StringBuilder();
      for (Simulation.Device d : devices) {
        what.append(what.length() == 0 ? "" : ", ").append(d.profile()).append(" at unit ").append(d.unitId());
      }
      if (slcanPort != null) {
        what.append("; the vehicle's CAN bus (").append(io.evedge.simulator.can.VehicleFrames.DBC)
            .append(" DBC) as an SLCAN adapter on tcp ").append(host).append(':').append(simulation.slcanPort());
      }
      if (slcanPty != null) {
        what.append("; the vehicle's CAN bus as an SLCAN adapter on ").append(slcanPty);
      }
      System.out.printf("Scenario %s at speed x%s: %s on %s%s.%nType 'help' for fault commands; Ctrl-C stops.%n",
          s.getName(), fmt(speed), what, server.endpoint(), truth == null ? "" : ", true sessions to " + truth);
      Thread stdin = Threads.factory("console").newThread(() -> {
        try {
          console.run(System.in);
        } catch (IOException e) {
          System.err.println("evedge-simulator: console: " + e.getMessage());
        }
      });
      stdin.start();
      awaitShutdown(() -> {
        simulation.close();
        sim.close();
      });
      return 0;
    }

    private SerialSettings serialSettings(DeviceProfile p) {
      SerialDefaults d = p.getDefaults().getSerial();
      Parity par = parity == null ? d.getParity() : switch (parity.toLowerCase(Locale.ROOT)) {
        case "none", "n" -> Parity.PARITY_NONE;
        case "even", "e" -> Parity.PARITY_EVEN;
        case "odd", "o" -> Parity.PARITY_ODD;
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "--parity: expected none, even or odd, got '" + parity + "'");
      };
      return new SerialSettings(rtu, baud != null ? baud : d.hasBaud() ? d.getBaud() : 9600,
          d.hasDataBits() ? d.getDataBits() : 8, par,
          stopBits != null ? stopBits : d.hasStopBits() ? d.getStopBits() : 1, false);
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
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
