package io.evedge.simulator.cli;

import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.transport.SerialSettings;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.Parity;
import io.evedge.proto.SerialDefaults;
import io.evedge.simulator.SimulatedMeter;
import io.evedge.simulator.demo.Demo;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.simulator.modbus.FaultConsole;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.time.SystemScheduler;
import io.evedge.time.Threads;
import io.evedge.yaml.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
      description = {"Serve the simulated hardware only (a Modbus slave), for an agent in another process.",
          "Serves Modbus TCP by default, RTU frames on the TCP port with --rtu-over-tcp, or Modbus RTU on a "
              + "serial port with --rtu (e.g. one end of: socat pty,raw,echo=0,link=/tmp/ttyA "
              + "pty,raw,echo=0,link=/tmp/ttyB).",
          "Faults are injected on command: type 'help' on standard input."})
  static final class Serve implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ChargeOptionsMixin charge;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "1502", description = "TCP port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--profile", defaultValue = "eastron-sdm630",
        description = "device profile served: a shipped one (${COMPLETION-CANDIDATES}) or a profile file "
            + "(default ${DEFAULT-VALUE})", completionCandidates = ShippedProfiles.class)
    String profile;

    @Option(names = "--unit", description = "Modbus unit id (default: the profile's)")
    Integer unit;

    @Option(names = "--phases", defaultValue = "3", description = "1 or 3 (default ${DEFAULT-VALUE})")
    int phases;

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

    @Override
    public Integer call() throws Exception {
      DeviceProfile p;
      try {
        p = Profiles.load(profile);
      } catch (ConfigException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--profile: " + e.getMessage());
      }
      int unitId = unit != null ? unit : p.getDefaults().getUnitId();
      SerialSettings line = rtu == null ? null : serialSettings(p);
      SystemScheduler sim = new SystemScheduler("sim", charge.o.speed);
      SimulatedMeter device = SimulatedMeter.start(profile, new Meter(phases, 230, 1000, 42),
          new ChargeCycle(charge.o.idle, charge.o.charge, charge.o.powerW, true), sim, unitId,
          slave -> line != null ? ModbusSlaveServer.serial(line, slave)
              : ModbusSlaveServer.tcp(host, port, rtuOverTcp ? Framing.RTU : Framing.TCP, slave));
      ModbusSlaveServer server = device.slave();
      server.echo(echo);
      if (lineTiming && line != null) {
        server.emulateLine(line);
      }
      FaultConsole console = new FaultConsole(server, System.out);
      if (fault != null) {
        System.out.println(console.apply("fault " + fault));
      }
      System.out.printf("Serving %s on %s unit %d, speed x%s. Type 'help' for fault commands; Ctrl-C stops.%n",
          p.getName(), server.endpoint(), unitId, charge.o.speed);
      Thread stdin = Threads.factory("console").newThread(() -> {
        try {
          console.run(System.in);
        } catch (IOException e) {
          System.err.println("evedge-simulator: console: " + e.getMessage());
        }
      });
      stdin.start();
      awaitShutdown(() -> {
        device.close();
        sim.close();
      });
      return 0;
    }

    private SerialSettings serialSettings(DeviceProfile p) {
      SerialDefaults d = p.getDefaults().getSerial();
      Parity par = parity == null ? d.getParity() : switch (parity.toLowerCase(java.util.Locale.ROOT)) {
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

  /** The shipped profile names, for help and completion. */
  static final class ShippedProfiles implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Profiles.SHIPPED.iterator();
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
