package io.evedge.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness as docs/performance.md runs it, cut short: {@code java -jar evedge-simulator.jar bench}
 * with the package's flags and the class-data archive, one short run of one meter at 10 Hz, the same
 * with the budget's reference script (pymodbus + paho-mqtt, which .ci/run installs) instead of the
 * agent, and a short broker outage. It writes its tables into the page, with figures in them, and leaves nothing
 * behind in the temporary directory (the agent's state, the brokers' files, the archive).
 */
class BenchIT {

  @TempDir
  Path dir;

  @Test
  void aShortRunWritesItsFiguresAndLeavesNothingBehind() throws Exception {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    boolean mosquitto = Stream.of("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto")
        .anyMatch(p -> Files.isExecutable(Path.of(p)));
    if (!mosquitto && ci) {
      throw new IllegalStateException("CI=true but no mosquitto binary; .ci/run installs it");
    }
    Assumptions.assumeTrue(mosquitto, "mosquitto not installed (apt-get install mosquitto): harness test skipped");
    boolean python = ReferenceScript.python() != null;
    if (!python && ci) {
      throw new IllegalStateException("CI=true but no python3 with pymodbus and paho-mqtt; .ci/run installs them");
    }
    if (!python) {
      System.err.println("[BenchIT] python3-pymodbus / python3-paho-mqtt not installed: the reference script's run "
          + "is left out");
    }
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path page = dir.resolve("performance.md");
    Files.writeString(page, "# Performance\n\nkept\n");
    Path output = dir.resolve("bench.txt");
    Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-jar", System.getProperty("evedge.simulator.jar", "target/evedge-simulator.jar"),
        "bench", "--agent-jar", System.getProperty("evedge.agent.jar", "../agent/target/evedge-agent.jar"),
        "--runs", python ? "1x10,1x10@script" : "1x10", "--warmup", "2s", "--warmup-polls", "1", "--measure", "3s", "--outage", "3s",
        "--write", page.toString())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    boolean ended = bench.waitFor(180, TimeUnit.SECONDS);
    if (!ended) {
      bench.destroyForcibly();
    }
    String out = Files.readString(output, StandardCharsets.UTF_8);
    assertTrue(ended, "the bench ended within 180 s:\n" + out);
    assertEquals(0, bench.exitValue(), out);

    String written = Files.readString(page, StandardCharsets.UTF_8);
    assertTrue(written.startsWith("# Performance\n\nkept\n"), "the rest of the page is kept:\n" + written);
    Matcher run = Pattern.compile("(?m)^\\| 1 \\| 10 Hz \\| 1 \\| (\\d+) \\| ([0-9.]+) ms \\|.*\\| ([0-9.]+) % \\|")
        .matcher(written);
    assertTrue(run.find(), "a row for one meter at 10 Hz:\n" + written);
    assertTrue(Integer.parseInt(run.group(1)) > 0, "latency samples in the window: " + run.group());
    assertTrue(Double.parseDouble(run.group(3)) > 0, "the agent's CPU was counted: " + run.group());
    if (python) {
      Matcher script = Pattern.compile("(?m)^\\| 1, script \\| 10 Hz \\| 1 \\| (\\d+) \\|").matcher(written);
      assertTrue(script.find(), "a row for the reference script:\n" + written);
      assertTrue(Integer.parseInt(script.group(1)) > 0, "the script's latency samples: " + script.group());
      assertTrue(Pattern.compile("(?m)^\\| agent CPU, 1 meter at 10 Hz, signal QoS 1 \\|.*\\| [0-9.]+ % \\| (yes|\\*\\*no\\*\\*) "
          + "\\([0-9]+ %\\) \\|$").matcher(written).find(), "the agent against the script beside it:\n" + written);
    }
    Matcher drain = Pattern.compile("(?m)^\\| (\\d+) \\| (\\d+) \\| 0 \\| 0 \\|").matcher(written);
    assertTrue(drain.find(), "the outage run: every record delivered, none lost, none twice:\n" + written);
    assertEquals(drain.group(1), drain.group(2), drain.group());
    assertTrue(written.contains("agent flags `-Xmx24m"), "the flags are on the page");

    try (Stream<Path> left = Files.list(tmp)) {
      // the simulator's own log file stays, as it does after any command
      List<Path> dirs = left.filter(p -> p.getFileName().toString().startsWith("evedge-bench")).toList();
      assertEquals(List.of(), dirs, "the bench removed its temporary directories");
    }
  }
}
