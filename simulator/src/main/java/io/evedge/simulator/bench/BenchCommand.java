package io.evedge.simulator.bench;

import io.evedge.simulator.scenario.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evedge-simulator bench}: the end-to-end figures, printed and optionally written as Markdown. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "End-to-end figures: simulator -> agent (separate JVM, small-board flags) -> Mosquitto -> subscriber.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--agent-jar", defaultValue = "agent/target/evedge-agent.jar", description = "the agent jar (default ${DEFAULT-VALUE})")
  Path agentJar;

  @Option(names = "--warmup", defaultValue = "15s", description = "warm-up before measuring (default ${DEFAULT-VALUE})")
  String warmup;

  @Option(names = "--measure", defaultValue = "60s", description = "measuring window per run (default ${DEFAULT-VALUE})")
  String measure;

  @Option(names = "--write", paramLabel = "FILE", description = "also write the results as Markdown to FILE")
  Path write;

  @Option(names = "--jvm-flags", paramLabel = "FLAGS", description = "the agent's JVM flags (default: the Debian package's)")
  String jvmFlags;

  @Option(names = "--runs", split = ",", paramLabel = "DEVICESxHZ",
      defaultValue = "1x10,1x1,10x10,10x1", description = "which runs (default ${DEFAULT-VALUE})")
  List<String> runs;

  @Override
  public Integer call() throws Exception {
    List<String> flags = jvmFlags == null ? EndToEndBench.SMALL_BOARD_FLAGS : List.of(jvmFlags.trim().split("\\s+"));
    EndToEndBench.Options o = new EndToEndBench.Options(agentJar.toAbsolutePath(), flags,
        Durations.parse(warmup), Durations.parse(measure));
    List<EndToEndBench.Result> results = new ArrayList<>();
    for (String run : runs) {
      String[] dh = run.split("x");
      int devices = Integer.parseInt(dh[0]);
      double hz = Double.parseDouble(dh[1]);
      System.out.printf("running %d device(s) at %s Hz ...%n", devices, fmt(hz));
      EndToEndBench.Result r = EndToEndBench.run(o, devices, hz);
      results.add(r);
      System.out.println("  " + line(r));
    }
    String md = markdown(results, o);
    System.out.println();
    System.out.println(md);
    if (write != null) {
      Files.writeString(write, md);
      System.out.println("written to " + write);
    }
    return 0;
  }

  private static String line(EndToEndBench.Result r) {
    return String.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples); CPU %.2f %%; RSS %d MB "
            + "(peak %d MB); start to online %.0f ms, to first signal %.0f ms",
        r.p50Ms(), r.p99Ms(), r.maxMs(), r.samples(), r.cpuPercent(), r.rssKb() / 1024, r.peakRssKb() / 1024,
        r.startToOnlineMs(), r.startToFirstSignalMs());
  }

  static String markdown(List<EndToEndBench.Result> results, EndToEndBench.Options o) throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("| devices | poll | samples | latency p50 | p99 | max | agent CPU (% of a core) | RSS | peak RSS | start → online | start → first signal |\n");
    b.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (EndToEndBench.Result r : results) {
      b.append(String.format("| %d | %s Hz | %d | %.2f ms | %.2f ms | %.2f ms | %.2f %% | %d MB | %d MB | %.0f ms | %.0f ms |%n",
          r.devices(), fmt(r.hz()), r.samples(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.cpuPercent(), r.rssKb() / 1024,
          r.peakRssKb() / 1024, r.startToOnlineMs(), r.startToFirstSignalMs()));
    }
    b.append('\n');
    b.append("Measured ").append(LocalDate.now()).append(" on ").append(machine()).append("; JVM ")
        .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
        .append("; agent flags `").append(String.join(" ", o.jvmFlags())).append("`; warm-up ")
        .append(o.warmup().toSeconds()).append(" s, window ").append(o.measure().toSeconds()).append(" s per run.\n");
    return b.toString();
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          cpu = l.substring(l.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (Exception e) {
      // not Linux: the CPU stays unnamed
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
        + System.getProperty("os.version");
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
