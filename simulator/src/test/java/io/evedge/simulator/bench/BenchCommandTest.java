package io.evedge.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

  @Test
  void theHarnessRunsTheAgentWithTheFlagsAndEnvironmentThePackageInstalls() throws Exception {
    String defaults = Files.readString(Path.of("../agent/src/deb/etc/default/evedge"));
    Matcher opts = Pattern.compile("(?m)^EVEDGE_JAVA_OPTS=\"([^\"]*)\"").matcher(defaults);
    Matcher arenas = Pattern.compile("(?m)^MALLOC_ARENA_MAX=(\\d+)").matcher(defaults);
    assertEquals(true, opts.find() && arenas.find(), "EVEDGE_JAVA_OPTS and MALLOC_ARENA_MAX in /etc/default/evedge");
    assertEquals(opts.group(1), String.join(" ", EndToEndBench.SMALL_BOARD_FLAGS));
    assertEquals(arenas.group(1), EndToEndBench.SMALL_BOARD_ENV.get("MALLOC_ARENA_MAX"));
    Matcher cpus = Pattern.compile("(?m)^EVEDGE_CPUS=(.*)$").matcher(defaults);
    assertEquals(true, cpus.find(), "EVEDGE_CPUS in /etc/default/evedge");
    assertEquals(cpus.group(1), EndToEndBench.SMALL_BOARD_CPUS);
    Matcher sched = Pattern.compile("(?m)^EVEDGE_SCHED=(.*)$").matcher(defaults);
    assertEquals(true, sched.find(), "EVEDGE_SCHED in /etc/default/evedge");
    assertEquals(sched.group(1), EndToEndBench.SMALL_BOARD_SCHED);
  }

  @Test
  void theAgentsCpusAreReadAsThePackagesLauncherReadsThem() throws Exception {
    String own = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow();
    assertEquals(own.replaceAll(".*[^0-9]", ""), EndToEndBench.cpus("last"), "the highest-numbered CPU of " + own);
    assertEquals("0,1", EndToEndBench.cpus("0,1"));
    assertEquals("", EndToEndBench.cpus("none"));
    assertEquals("", EndToEndBench.cpus(""));
  }

  @Test
  void theJvmTheBuildRunsOnStartsWithThePackagesFlags(@TempDir Path dir) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(EndToEndBench.SMALL_BOARD_FLAGS);
    cmd.add("-version");
    Path output = dir.resolve("java-version.txt");
    Process jvm = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    boolean ended = jvm.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      jvm.destroyForcibly();
    }
    assertEquals(true, ended, "java -version ended");
    assertEquals(0, jvm.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }

  @Test
  void writingReplacesOnlyTheGeneratedSection() {
    String page = "# Performance\n\nprose before\n\n" + BenchCommand.BEGIN + "\nold table\n" + BenchCommand.END
        + "\n\nprose after\n";
    String out = BenchCommand.splice(page, "new table\n");
    assertEquals("# Performance\n\nprose before\n\n" + BenchCommand.BEGIN + "\nnew table\n" + BenchCommand.END
        + "\n\nprose after\n", out);
    assertEquals(out, BenchCommand.splice(out, "new table\n"), "idempotent");
  }

  @Test
  void theBudgetReadsTheCanFigureFromJmhResults(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("jmh-result.json");
    Files.writeString(results, """
        [ { "benchmark" : "io.evedge.drivers.modbus.bench.RegisterBlockBenchmark.wordsToReadings",
            "primaryMetric" : { "score" : 4400828.8, "scoreUnit" : "ops/s" } },
          { "benchmark" : "io.evedge.drivers.can.bench.CanPipelineBenchmark.parseDecodeMap",
            "primaryMetric" : { "score" : 80.69, "scoreUnit" : "ns/op" } } ]
        """);
    assertEquals(80.69, BenchCommand.jmhScore(results, "CanPipelineBenchmark.parseDecodeMap"));
    assertNull(BenchCommand.jmhScore(results, "NoSuchBenchmark.x"));
    assertNull(BenchCommand.jmhScore(dir.resolve("absent.json"), "CanPipelineBenchmark.parseDecodeMap"));
  }

  @Test
  void aPageWithoutTheMarkersGetsTheSectionAppended() {
    assertEquals("# Notes\n\n" + BenchCommand.BEGIN + "\nt\n" + BenchCommand.END + "\n",
        BenchCommand.splice("# Notes\n", "t\n"));
    assertEquals(BenchCommand.BEGIN + "\nt\n" + BenchCommand.END + "\n", BenchCommand.splice(null, "t\n"));
  }

  @Test
  void badRunsAreUsageErrorsBeforeAnythingStarts() {
    picocli.CommandLine cl = new picocli.CommandLine(new BenchCommand());
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    // the agent jar does not exist: a run that got past the parse would fail differently
    assertEquals(2, cl.execute("--agent-jar", "/nonexistent.jar", "--runs", "10x10@script"));
    assertTrue(err.toString().contains("the reference script reads one meter, got '10x10@script'"), err.toString());
    assertEquals(2, cl.execute("--agent-jar", "/nonexistent.jar", "--runs", "1x10@qos2"));
    assertTrue(err.toString().contains("expected DEVICESxHZ, DEVICESxHZ@qos0 or 1xHZ@script, got '1x10@qos2'"),
        err.toString());
    assertEquals(2, cl.execute("--agent-jar", "/nonexistent.jar", "--runs", "1x0"));
    assertTrue(err.toString().contains("the poll rate must be above 0, got '1x0'"), err.toString());
    assertEquals(2, cl.execute("--agent-jar", "/nonexistent.jar", "--runs", "1x10", "--agent-cpus", "4095"));
    assertTrue(err.toString().contains("--agent-cpus: this machine cannot run a process on CPUs '4095'"),
        err.toString());
    assertEquals(2, cl.execute("--agent-jar", "/nonexistent.jar", "--runs", "1x10", "--agent-sched", "fifo"));
    assertTrue(err.toString().contains("--agent-sched: expected batch or none, got 'fifo'"), err.toString());
  }

  @Test
  void runsAreReadWithTheirQosAndWhetherTheScriptRunsThem() {
    assertEquals(List.of(new BenchCommand.Run("1x10", 1, 10, 1, false), new BenchCommand.Run("10x1@qos0", 10, 1, 0, false),
            new BenchCommand.Run("1x10@script", 1, 10, 1, true)),
        BenchCommand.parseRuns(List.of("1x10", " 10x1@qos0", "1x10@script"), null));
  }

  @Test
  void theBudgetSetsTheAgentAgainstTheScriptOfTheSameRateAndQos() {
    EndToEndBench.Result agent10 = result(false, 10, 1, 2.0, 0.90);
    EndToEndBench.Result agent1 = result(false, 1, 1, 3.0, 0.20);
    EndToEndBench.Result agentQos0 = result(false, 10, 0, 1.5, 0.80);
    EndToEndBench.Result script10 = result(true, 10, 1, 4.0, 1.20);
    EndToEndBench.Result script1 = result(true, 1, 1, 2.0, 0.16);
    String table = BenchCommand.budget(List.of(agent10, agent1, agentQos0, script10, script1), null);
    // above the budget's absolute figure, inside the script measured beside it
    assertTrue(table.contains("| agent CPU, 1 meter at 10 Hz, signal QoS 1 | ≤ 0.67 % of a core | 0.90 % | **no** "
        + "| 1.20 % | yes (75 %) |"), table);
    assertTrue(table.contains("| latency register → subscriber, p99, 1 meter at 10 Hz, signal QoS 1 | ≤ 3.5 ms "
        + "| 2.00 ms | yes | 4.00 ms | yes (50 %) |"), table);
    // above the script of its own rate: said so
    assertTrue(table.contains("| agent CPU, 1 meter at 1 Hz, signal QoS 1 | ≤ 0.1 % of a core | 0.20 % | **no** "
        + "| 0.16 % | **no** (125 %) |"), table);
    // no script ran at QoS 0: nothing to set it against, rather than the QoS 1 script
    assertTrue(table.contains("| agent CPU, 1 meter at 10 Hz, signal QoS 0 | ≤ 0.67 % of a core | 0.80 % | **no** "
        + "| – | – |"), table);
    // RSS: the script's figure beside it, but the budget allows the agent more than the script
    assertTrue(table.contains("| 63.0 MB | yes | 25.0 MB | – |"), table);
    // the script's rows are not counted as the agent's
    assertTrue(!table.contains("4.00 ms | **no**") && !table.contains("| 1.20 % | **no** |"), table);
  }

  @Test
  void runsGivenInTurnAreSetAgainstTheScriptRunOfTheSamePlace() {
    // 1x1,1x1@script,1x1,1x1@script,1x1: two measure alike, the third has no script run of its own
    EndToEndBench.Result first = result(false, 1, 1, 3.0, 0.20);
    EndToEndBench.Result second = result(false, 1, 1, 3.0, 0.20);
    EndToEndBench.Result third = result(false, 1, 1, 3.0, 0.30);
    String table = BenchCommand.budget(List.of(first, result(true, 1, 1, 2.0, 0.10), second,
        result(true, 1, 1, 2.0, 0.25), third), null);
    assertTrue(table.contains("| agent CPU, 1 meter at 1 Hz, signal QoS 1, pair 1 | ≤ 0.1 % of a core | 0.20 % "
        + "| **no** | 0.10 % | **no** (200 %) |"), table);
    assertTrue(table.contains("| agent CPU, 1 meter at 1 Hz, signal QoS 1, pair 2 | ≤ 0.1 % of a core | 0.20 % "
        + "| **no** | 0.25 % | yes (80 %) |"), table);
    assertTrue(table.contains("| agent CPU, 1 meter at 1 Hz, signal QoS 1, pair 3 | ≤ 0.1 % of a core | 0.30 % "
        + "| **no** | 0.25 % | **no** (120 %) |"), table);
    // one run of a kind: no pair number
    String single = BenchCommand.budget(List.of(first, result(true, 1, 1, 2.0, 0.10)), null);
    assertTrue(single.contains("| agent CPU, 1 meter at 1 Hz, signal QoS 1 | "), single);
  }

  @Test
  void withoutTheScriptTheBudgetHasNothingToSetTheAgentAgainst() {
    String table = BenchCommand.budget(List.of(result(false, 10, 1, 2.0, 0.5)), null);
    assertTrue(table.contains("| 0.50 % | yes | – | – |"), table);
  }

  @Test
  void aScriptFigureThatIsNoNumberIsNotASetAgainst() {
    // a script run that took no CPU tick and delivered no sample
    EndToEndBench.Result script = result(true, 10, 1, Double.NaN, 0.0);
    String table = BenchCommand.budget(List.of(result(false, 10, 1, 2.0, 0.5), script), null);
    assertTrue(table.contains("| 2.00 ms | yes | – | – |"), table);
    assertTrue(table.contains("| 0.50 % | yes | 0.00 % | – |"), table);
  }

  private static EndToEndBench.Result result(boolean script, double hz, int qos, double p99, double cpu) {
    return new EndToEndBench.Result(script, 1, hz, qos, 100, 1.0, p99, p99 * 2, cpu, (script ? 25 : 63) * 1024L,
        (script ? 25 : 63) * 1024L, script ? 300 : 1000, script ? 310 : 1010, "");
  }

  @Test
  void withoutAPythonThatHasPymodbusAndPahoTheScriptIsNotRun() {
    // no such interpreter, and one that runs but is no Python at all
    assertNull(ReferenceScript.python(List.of("/nonexistent/python3", "false")));
  }

  @Test
  void theScriptReadsTheAgentsBlocksWithTheTotalPowerUnderTheAgentsTopic() throws Exception {
    String blocks = ReferenceScript.blocks(io.evedge.drivers.modbus.Profiles.load("eastron-sdm630"));
    assertTrue(blocks.startsWith("[{\"address\":0,"), blocks);
    assertTrue(blocks.contains("[\"charge-wattage\","), blocks);
    assertTrue(!blocks.contains("power_total"), blocks);
    assertEquals(io.evedge.drivers.modbus.Profiles.plan(io.evedge.drivers.modbus.Profiles.load("eastron-sdm630")).size(),
        blocks.split("\"address\"").length - 1, blocks);
    // a profile of other register types is refused, not misread
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ReferenceScript.blocks(io.evedge.drivers.modbus.Profiles.load("evedge-sim-evse")));
    assertTrue(e.getMessage().contains("reference script"), e.getMessage());
  }
}
