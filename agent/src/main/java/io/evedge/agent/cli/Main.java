package io.evedge.agent.cli;

import io.evedge.agent.Agent;
import io.evedge.agent.Plan;
import io.evedge.agent.Version;
import io.evedge.agent.config.ConfigLoader;
import io.evedge.time.SystemScheduler;
import io.evedge.yaml.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evedge-agent}: {@code run} and {@code check-config}. Exit codes: 0 ok, 1 failure, 2 bad config or usage. */
@Command(name = "evedge-agent", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "Edge agent for EV charge points: reads Modbus and CAN hardware, publishes charge "
        + "signals and records over MQTT v5.",
    subcommands = {Main.Run.class, Main.CheckConfig.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  /** Exit code of a configuration that cannot be used, and of a usage error. */
  public static final int EXIT_CONFIG = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // The agent's text (log lines, error messages, its numbers in them) reads the same whatever the
    // board's locale. Paho also looks up its message catalog for every token it makes: under a locale
    // with no catalog of its own (en, from LANG=C.UTF-8) each lookup takes the slow path through the
    // candidate locales, under the root locale it is one cache hit.
    Locale.setDefault(Locale.ROOT);
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns its exit code (for tests and the simulator's demo). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException ce) {
        cmd.getErr().println("evedge: configuration rejected:");
        cmd.getErr().println(indent(ce.getMessage()));
        return EXIT_CONFIG;
      }
      cmd.getErr().println("evedge: " + e.getMessage());
      return 1;
    });
    return cl.execute(args);
  }

  private static String indent(String s) {
    return "  " + s.replace("\n", "\n  ");
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run or check-config");
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"evedge-agent " + Version.get(), "Java " + System.getProperty("java.version")};
    }
  }

  @Command(name = "check-config", mixinStandardHelpOptions = true,
      description = "Validate the configuration and print the resolved plan, connecting nothing.")
  static final class CheckConfig implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws ConfigException {
      Plan plan = Plan.of(ConfigLoader.load(config));
      spec.commandLine().getOut().print(plan.describe());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the agent until stopped.")
  static final class Run implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration")
    Path config;

    @Override
    public Integer call() throws Exception {
      Plan plan = Plan.of(ConfigLoader.load(config));
      SystemScheduler scheduler = new SystemScheduler("scheduler");
      Agent agent = Agent.create(plan, scheduler);
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        agent.close();
        scheduler.close();
        stopped.countDown();
      }, "evedge-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      agent.start();
      stopped.await();
      return 0;
    }
  }
}
