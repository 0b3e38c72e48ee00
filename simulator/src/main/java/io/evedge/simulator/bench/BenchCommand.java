package io.evedge.simulator.bench;

import io.evedge.simulator.TempDirs;
import io.evedge.simulator.scenario.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code evedge-simulator bench}: the end-to-end figures, printed and optionally written as Markdown. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "End-to-end figures: simulator -> agent (separate JVM, small-board flags) -> Mosquitto -> subscriber.")
public final class BenchCommand implements Callable<Integer> {

  private static final Pattern RUN = Pattern.compile("(\\d+)x([0-9.]+)(?:@(qos[01]|script))?");

  @Spec
  CommandSpec spec;

  static final String BEGIN = "<!-- bench:begin (written by evedge-simulator bench --write) -->";
  static final String END = "<!-- bench:end -->";

  @Option(names = "--agent-jar", defaultValue = "agent/target/evedge-agent.jar", description = "the agent jar (default ${DEFAULT-VALUE})")
  Path agentJar;

  @Option(names = "--warmup", defaultValue = "15s", description = "least warm-up before measuring (default ${DEFAULT-VALUE})")
  String warmup;

  @Option(names = "--warmup-polls", defaultValue = "200", paramLabel = "N",
      description = "warm up for at least N polls too, so a slow poll rate reaches steady state (the C1 compiler "
          + "compiles a method after a few hundred calls) (default ${DEFAULT-VALUE})")
  int warmupPolls;

  @Option(names = "--measure", defaultValue = "120s", description = "measuring window per run (default ${DEFAULT-VALUE})")
  String measure;

  @Option(names = "--write", paramLabel = "FILE", description = "also write the results as Markdown into FILE, "
      + "between its lines '" + BEGIN + "' and '" + END + "' (the rest of the file is kept), or as a new file")
  Path write;

  @Option(names = "--outage", defaultValue = "10m", paramLabel = "DURATION",
      description = "broker outage of the outbox drain run (default ${DEFAULT-VALUE}; 0 skips the run)")
  String outage;

  @Option(names = "--jvm-flags", paramLabel = "FLAGS", description = "the agent's JVM flags (default: the Debian package's)")
  String jvmFlags;

  @Option(names = "--more-jvm-flags", paramLabel = "FLAGS",
      description = "flags added after the package's (and its class-data archive), to try one against them")
  String moreJvmFlags;

  @Option(names = "--agent-cpus", paramLabel = "CPUS", defaultValue = EndToEndBench.SMALL_BOARD_CPUS,
      description = "the CPUs the agent runs on, as the package's EVEDGE_CPUS: a taskset list, 'last' (the "
          + "highest-numbered CPU) or 'none' (not pinned) (default: the package's, ${DEFAULT-VALUE})")
  String agentCpus;

  @Option(names = "--agent-sched", paramLabel = "POLICY", defaultValue = EndToEndBench.SMALL_BOARD_SCHED,
      description = "the agent's scheduling policy, as the package's EVEDGE_SCHED: 'batch' (SCHED_BATCH, set "
          + "with chrt) or 'none' (the default policy) (default: the package's, ${DEFAULT-VALUE})")
  String agentSched;

  @Option(names = "--runs", split = ",", paramLabel = "DEVICESxHZ[@qos0|@script]",
      defaultValue = "1x10,1x1,10x10,10x1,1x10@qos0,1x10@script,1x1@script",
      description = "which runs: meters x polls per second, signals at QoS 1 unless @qos0; @script runs the "
          + "budget's reference, a bare pymodbus + paho-mqtt script, instead of the agent (one meter; skipped "
          + "when python3-pymodbus and python3-paho-mqtt are not installed); a run given more than once makes "
          + "a row each in the budget, the k-th set against the k-th script run of its rate and QoS, so "
          + "1x1,1x1@script,1x1,1x1@script compares the two in turn (default ${DEFAULT-VALUE})")
  List<String> runs;

  @Option(names = "--samples", paramLabel = "DIR",
      description = "also write every latency sample of each run into DIR, one CSV per run "
          + "(seconds into the window, latency in ms), to see when the slow ones come")
  Path samples;

  /** One run of {@code --runs}. */
  record Run(String spec, int devices, double hz, int qos, boolean script) {}

  /** Reads {@code --runs}; a bad one is a usage error before anything starts. */
  static List<Run> parseRuns(List<String> runs, CommandLine commandLine) {
    List<Run> out = new ArrayList<>();
    for (String run : runs) {
      Matcher m = RUN.matcher(run.trim());
      if (!m.matches()) {
        throw new ParameterException(commandLine,
            "--runs: expected DEVICESxHZ, DEVICESxHZ@qos0 or 1xHZ@script, got '" + run + "'");
      }
      boolean script = "script".equals(m.group(3));
      Run r = new Run(run.trim(), Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)),
          "qos0".equals(m.group(3)) ? 0 : 1, script);
      if (script && r.devices() != 1) {
        throw new ParameterException(commandLine, "--runs: the reference script reads one meter, got '" + run + "'");
      }
      if (!(r.hz() > 0)) {
        throw new ParameterException(commandLine, "--runs: the poll rate must be above 0, got '" + run + "'");
      }
      out.add(r);
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    List<Run> parsed = parseRuns(runs, spec.commandLine());
    String cpus = pinning(agentCpus, spec.commandLine());
    String sched = scheduling(agentSched, spec.commandLine());
    List<String> flags = jvmFlags == null ? EndToEndBench.SMALL_BOARD_FLAGS : List.of(jvmFlags.trim().split("\\s+"));
    Path archiveDir = null;
    if (jvmFlags == null) {
      archiveDir = Files.createTempDirectory("evedge-bench-cds-");
      flags = withClassDataArchive(flags, cpus, sched, archiveDir.resolve("evedge-cds.jsa"));
    }
    try {
      return call(parsed, flags, cpus, sched);
    } finally {
      TempDirs.delete(archiveDir);
    }
  }

  private int call(List<Run> parsed, List<String> flags, String cpus, String sched) throws Exception {
    if (moreJvmFlags != null) {
      flags = new ArrayList<>(flags);
      flags.addAll(List.of(moreJvmFlags.trim().split("\\s+")));
    }
    EndToEndBench.Options o = new EndToEndBench.Options(agentJar.toAbsolutePath(), flags, cpus, sched,
        Durations.parse(warmup), Durations.parse(measure), samples);
    String load = loadAverage();
    List<EndToEndBench.Result> results = new ArrayList<>();
    for (Run run : parsed) {
      int devices = run.devices();
      double hz = run.hz();
      boolean script = run.script();
      int qos = run.qos();
      if (script && ReferenceScript.python() == null) {
        System.out.println("skipping " + run.spec() + ": the reference script needs python3 with pymodbus and paho-mqtt "
            + "(apt-get install python3-pymodbus python3-paho-mqtt)");
        continue;
      }
      System.out.printf("running %s at %s Hz, signals at QoS %d ...%n",
          script ? "the reference script (pymodbus + paho-mqtt), 1 device" : devices + " device(s) with the agent",
          fmt(hz), qos);
      Duration polls = Duration.ofMillis(Math.round(warmupPolls * 1000 / hz));
      EndToEndBench.Options runOptions = new EndToEndBench.Options(o.agentJar(), o.jvmFlags(), o.cpus(), o.sched(),
          polls.compareTo(o.warmup()) > 0 ? polls : o.warmup(), o.measure(), o.samples());
      EndToEndBench.Result r = EndToEndBench.run(runOptions, script, devices, hz, qos);
      results.add(r);
      System.out.println("  " + line(r));
    }
    Duration outageLength = Durations.parse(outage);
    OutageBench.Result drained = null;
    if (!outageLength.isZero()) {
      System.out.printf("running the outbox drain after a %d s broker outage ...%n", outageLength.toSeconds());
      drained = OutageBench.run(o, outageLength);
      System.out.println("  " + line(drained));
    }
    String md = markdown(results, drained, o, load, warmupPolls);
    System.out.println();
    System.out.println(md);
    if (write != null) {
      Files.writeString(write, splice(Files.exists(write) ? Files.readString(write) : null, md));
      System.out.println("written to " + write);
    }
    return 0;
  }

  /**
   * The package's flags and, as its launcher does, the archive of the agent's classes that the first
   * clean stop writes ({@code -XX:ArchiveClassesAtExit}) and later starts map: written here by a
   * short training run first.
   */
  private List<String> withClassDataArchive(List<String> flags, String cpus, String sched, Path archive)
      throws Exception {
    System.out.println("writing the agent's class-data archive, as the launcher does at the first clean stop ...");
    List<String> training = new ArrayList<>(flags);
    training.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds*=off"));
    EndToEndBench.run(new EndToEndBench.Options(agentJar.toAbsolutePath(), training, cpus, sched, Duration.ofSeconds(5),
        Duration.ofSeconds(5), null), 1, 10, 1);
    if (!Files.exists(archive)) {
      System.out.println("  no archive was written: the runs go without it");
      return flags;
    }
    List<String> withArchive = new ArrayList<>(flags);
    withArchive.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off"));
    return withArchive;
  }

  /**
   * The agent's CPU list from {@code --agent-cpus}: empty (not pinned) when taskset is not there; a
   * list this machine cannot run a process on is a usage error before anything starts.
   */
  static String pinning(String agentCpus, CommandLine commandLine) throws Exception {
    String cpus = EndToEndBench.cpus(agentCpus);
    if (cpus.isEmpty()) {
      return cpus;
    }
    if (!Files.isExecutable(Path.of(EndToEndBench.TASKSET))) {
      System.out.println("taskset is not installed (util-linux): the agent runs on all CPUs, not on " + cpus);
      return "";
    }
    Children.Check check = Children.check(List.of(EndToEndBench.TASKSET, "-c", cpus, "true"));
    if (!check.ok()) {
      throw new ParameterException(commandLine, "--agent-cpus: this machine cannot run a process on CPUs '"
          + agentCpus + "' (taskset: " + check.output() + ")");
    }
    return cpus;
  }

  /**
   * The agent's scheduling policy from {@code --agent-sched}: {@code batch}, or empty for the default
   * policy ({@code none}, also when chrt is not there); anything else is a usage error before anything
   * starts.
   */
  static String scheduling(String agentSched, CommandLine commandLine) throws Exception {
    if ("none".equals(agentSched)) {
      return "";
    }
    if (!"batch".equals(agentSched)) {
      throw new ParameterException(commandLine, "--agent-sched: expected batch or none, got '" + agentSched + "'");
    }
    if (!Files.isExecutable(Path.of(EndToEndBench.CHRT))) {
      System.out.println("chrt is not installed (util-linux): the agent runs with the default scheduling policy");
      return "";
    }
    return agentSched;
  }

  /** {@code page} with the text between its markers replaced by {@code generated}; a new page if null. */
  static String splice(String page, String generated) {
    String block = BEGIN + "\n" + generated + END + "\n";
    if (page == null) {
      return block;
    }
    int b = page.indexOf(BEGIN);
    int e = page.indexOf(END);
    if (b < 0 || e < b) {
      return page + (page.endsWith("\n") ? "\n" : "\n\n") + block;
    }
    int after = page.indexOf('\n', e);
    return page.substring(0, b) + block + (after < 0 ? "" : page.substring(after + 1));
  }

  private static String line(OutageBench.Result r) {
    return String.format("%d records waited; %d delivered, %d lost, %d twice; broker back -> agent online %.0f ms; "
            + "drained in %.2f s = %.0f records/s", r.backlog(), r.delivered(), r.lost(), r.duplicated(),
        r.backToOnlineMs(), r.drainSeconds(), r.drainRate());
  }

  private static String line(EndToEndBench.Result r) {
    return String.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples); CPU %.2f %%; RSS %d MB "
            + "(peak %d MB); start to online %.0f ms, to first signal %.0f ms%n  CPU by thread: %s",
        r.p50Ms(), r.p99Ms(), r.maxMs(), r.samples(), r.cpuPercent(), r.rssKb() / 1024, r.peakRssKb() / 1024,
        r.startToOnlineMs(), r.startToFirstSignalMs(), r.cpuByThread());
  }

  static String markdown(List<EndToEndBench.Result> results, OutageBench.Result drained, EndToEndBench.Options o,
      String load, int warmupPolls) {
    StringBuilder b = new StringBuilder();
    b.append("| devices | poll | signal QoS | samples | latency p50 | p99 | max | CPU (% of a core) | RSS | peak RSS | start → online | start → first signal |\n");
    b.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (EndToEndBench.Result r : results) {
      b.append(String.format("| %s | %s Hz | %d | %d | %.2f ms | %.2f ms | %.2f ms | %.2f %% | %d MB | %d MB | %.0f ms | %.0f ms |%n",
          who(r), fmt(r.hz()), r.signalQos(), r.samples(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.cpuPercent(), r.rssKb() / 1024,
          r.peakRssKb() / 1024, r.startToOnlineMs(), r.startToFirstSignalMs()));
    }
    b.append('\n');
    b.append("CPU by thread (steady state, the busiest threads):\n\n");
    b.append("| devices | poll | signal QoS | threads (names as Linux shortens them) |\n| ---: | ---: | ---: | --- |\n");
    for (EndToEndBench.Result r : results) {
      b.append(String.format("| %s | %s Hz | %d | %s |%n", who(r), fmt(r.hz()), r.signalQos(), r.cpuByThread()));
    }
    b.append('\n');
    if (drained != null) {
      b.append("Outbox drain after a broker outage of ").append(drained.outage().toMinutes() > 0
          ? drained.outage().toMinutes() + " min" : drained.outage().toSeconds() + " s")
          .append(" (a charge session closed every ").append(OutageBench.CYCLE_MS).append(" ms meanwhile):\n\n");
      b.append("| records waiting | delivered | lost | delivered twice | broker back → agent online | drain time | drain rate |\n");
      b.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      b.append(String.format("| %d | %d | %d | %d | %.0f ms | %.2f s | %.0f records/s |%n%n", drained.backlog(),
          drained.delivered(), drained.lost(), drained.duplicated(), drained.backToOnlineMs(), drained.drainSeconds(),
          drained.drainRate()));
    }
    b.append(budget(results, drained));
    b.append("Measured ").append(LocalDate.now()).append(" on ").append(machine()).append("; JVM ")
        .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
        .append("; agent flags `").append(String.join(" ", o.jvmFlags())).append("`, environment `")
        .append(EndToEndBench.SMALL_BOARD_ENV.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .sorted().collect(java.util.stream.Collectors.joining(" "))).append("`, ")
        .append(o.cpus().isEmpty() ? "not pinned to a CPU" : "pinned to CPU " + o.cpus() + " with `taskset -c " + o.cpus()
            + "` (the package pins it to the last CPU: `EVEDGE_CPUS=" + EndToEndBench.SMALL_BOARD_CPUS + "`)")
        .append(o.sched().isEmpty() ? ", with the default scheduling policy" : ", scheduled as SCHED_"
            + o.sched().toUpperCase(java.util.Locale.ROOT) + " with `chrt --" + o.sched() + " 0` (the package's `EVEDGE_SCHED="
            + EndToEndBench.SMALL_BOARD_SCHED + "`)")
        .append("; load average (1/5/15 min) before the runs ")
        .append(load).append("; warm-up ")
        .append(o.warmup().toSeconds()).append(" s or ").append(warmupPolls)
        .append(" polls, whichever is longer, then a window of ").append(o.measure().toSeconds()).append(" s per run.\n");
    return b.toString();
  }

  /**
   * The budget, each figure against its target: from the runs above, and the CAN figure from the JMH
   * results of {@code ./mvnw -B -Pbench verify} where they are there
   * ({@code drivers/target/jmh/jmh-result.json}).
   *
   * <p>The budget's latency and CPU targets are the reference script's figures on the machine they were
   * taken on, so where the script ran at the same rate and QoS in this session two more columns set
   * the agent against it: the script's figure, and the agent's as a share of it ("yes" when the
   * agent's is not above the script's). Other rows show the script's figure for comparison only.
   * A run given more than once (to run the agent and the script in turn, {@code 1x1,1x1@script,1x1,
   * 1x1@script}) makes a row each, "pair k": the k-th agent run set against the k-th script run of
   * its rate and QoS (the last one where there are fewer).
   */
  static String budget(List<EndToEndBench.Result> all, OutageBench.Result drained) {
    StringBuilder b = new StringBuilder("Against the budget, and against the reference script measured in the same "
        + "session (where it ran at that rate and QoS):\n\n"
        + "| budget | target | measured | reached | the script, same session | agent against the script |\n"
        + "| --- | ---: | ---: | :---: | ---: | :---: |\n");
    List<EndToEndBench.Result> results = all.stream().filter(r -> !r.script()).toList();
    List<EndToEndBench.Result> scripts = all.stream().filter(EndToEndBench.Result::script).toList();
    for (EndToEndBench.Result r : results) {
      if (r.devices() == 1 && r.hz() == 10) {
        EndToEndBench.Result s = scriptLike(scripts, results, r);
        b.append(row("latency register → subscriber, p99, 1 meter at 10 Hz, signal QoS " + r.signalQos()
            + pair(results, r), "≤ 3.5 ms",
            String.format("%.2f ms", r.p99Ms()), r.p99Ms() <= 3.5,
            s == null || Double.isNaN(s.p99Ms()) ? null : String.format("%.2f ms", s.p99Ms()),
            s == null ? null : r.p99Ms() / s.p99Ms()));
      }
    }
    for (EndToEndBench.Result r : results) {
      if (r.devices() == 1 && (r.hz() == 10 || r.hz() == 1)) {
        double target = r.hz() == 10 ? 0.67 : 0.1;
        EndToEndBench.Result s = scriptLike(scripts, results, r);
        b.append(row("agent CPU, 1 meter at " + fmt(r.hz()) + " Hz, signal QoS " + r.signalQos() + pair(results, r),
            "≤ " + target + " % of a core", String.format("%.2f %%", r.cpuPercent()), r.cpuPercent() <= target,
            s == null ? null : String.format("%.2f %%", s.cpuPercent()),
            s == null ? null : r.cpuPercent() / s.cpuPercent()));
      }
    }
    long rss = results.stream().filter(r -> r.devices() == 1).mapToLong(EndToEndBench.Result::peakRssKb).max().orElse(-1);
    if (rss > 0) {
      long scriptRss = scripts.stream().mapToLong(EndToEndBench.Result::peakRssKb).max().orElse(-1);
      b.append(row("peak RSS with the small-board flags, 1 meter (highest of the runs)", "≤ 64 MB",
          String.format("%.1f MB", rss / 1024.0), rss <= 64 * 1024,
          scriptRss > 0 ? String.format("%.1f MB", scriptRss / 1024.0) : null, null));
    }
    double start = results.stream().mapToDouble(EndToEndBench.Result::startToOnlineMs).max().orElse(Double.NaN);
    if (!Double.isNaN(start)) {
      double scriptStart = scripts.stream().mapToDouble(EndToEndBench.Result::startToOnlineMs).max().orElse(Double.NaN);
      b.append(row("process start → first publish (the retained online status), slowest run", "≤ 1.5 s",
          String.format("%.2f s", start / 1000), start <= 1500,
          Double.isNaN(scriptStart) ? null : String.format("%.2f s", scriptStart / 1000), null));
    }
    Double can = jmhScore(Path.of("drivers/target/jmh/jmh-result.json"), "CanPipelineBenchmark.parseDecodeMap");
    if (can != null) {
      double framesPerSecond = 1e9 / can;
      b.append(row("CAN SLCAN parse + DBC decode + mapping, one core (JMH)", "≥ 100,000 frames/s",
          String.format("%,.0f frames/s", framesPerSecond), framesPerSecond >= 100_000, null, null));
    }
    if (drained != null) {
      b.append(row("outbox drain after the outage", "≥ 500 records/s", String.format("%.0f records/s", drained.drainRate()),
          drained.drainRate() >= 500 && drained.lost() == 0 && drained.duplicated() == 0, null, null));
    }
    return b.append('\n').toString();
  }

  /**
   * The reference script's run to set the agent's run {@code r} against, or null: of the script's runs
   * at the rate and QoS of {@code r}, the one in the same place as {@code r} among the agent's runs of
   * its kind (the last one where there are fewer).
   */
  private static EndToEndBench.Result scriptLike(List<EndToEndBench.Result> scripts,
      List<EndToEndBench.Result> results, EndToEndBench.Result r) {
    List<EndToEndBench.Result> like = scripts.stream()
        .filter(s -> s.hz() == r.hz() && s.signalQos() == r.signalQos()).toList();
    return like.isEmpty() ? null : like.get(Math.min(place(results, r), like.size() - 1));
  }

  /** The agent's runs of the kind of {@code r}: as many meters, at its rate and QoS. */
  private static List<EndToEndBench.Result> sameKind(List<EndToEndBench.Result> results, EndToEndBench.Result r) {
    return results.stream()
        .filter(o -> o.devices() == r.devices() && o.hz() == r.hz() && o.signalQos() == r.signalQos()).toList();
  }

  /** Where the agent's run {@code r} is among those of its kind, from 0 (by identity: two runs may measure alike). */
  private static int place(List<EndToEndBench.Result> results, EndToEndBench.Result r) {
    List<EndToEndBench.Result> kind = sameKind(results, r);
    for (int i = 0; i < kind.size(); i++) {
      if (kind.get(i) == r) {
        return i;
      }
    }
    throw new IllegalArgumentException("not one of the runs: " + r);
  }

  /** ", pair k" where the agent's run {@code r} is one of several of its kind, else nothing. */
  private static String pair(List<EndToEndBench.Result> results, EndToEndBench.Result r) {
    return sameKind(results, r).size() > 1 ? ", pair " + (place(results, r) + 1) : "";
  }

  /** The devices column: how many meters, and whether the agent or the reference script read them. */
  private static String who(EndToEndBench.Result r) {
    return r.script() ? r.devices() + ", script" : String.valueOf(r.devices());
  }

  /**
   * A row of the budget's table; {@code script} is the reference script's figure (null: not measured or
   * not comparable), {@code ratio} the agent's figure over the script's (null: not set against it).
   */
  private static String row(String what, String target, String measured, boolean reached, String script, Double ratio) {
    String against = ratio == null || ratio.isNaN() || ratio.isInfinite() ? "–"
        : (ratio <= 1 ? "yes" : "**no**") + String.format(" (%.0f %%)", ratio * 100);
    return "| " + what + " | " + target + " | " + measured + " | " + (reached ? "yes" : "**no**") + " | "
        + (script == null ? "–" : script) + " | " + against + " |\n";
  }

  /** The score (in its own unit) of the benchmark whose name ends with {@code name}, or null. */
  static Double jmhScore(Path resultFile, String name) {
    try {
      if (!Files.exists(resultFile)) {
        return null;
      }
      // JSON is YAML: the project's YAML parser reads JMH's result file
      Object results = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(resultFile));
      for (Object o : (List<?>) results) {
        Map<?, ?> run = (Map<?, ?>) o;
        if (String.valueOf(run.get("benchmark")).endsWith(name)) {
          return ((Number) ((Map<?, ?>) run.get("primaryMetric")).get("score")).doubleValue();
        }
      }
    } catch (Exception e) {
      System.err.println("cannot read " + resultFile + ": " + e.getMessage());
    }
    return null;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (Exception e) {
      return "unknown";
    }
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
