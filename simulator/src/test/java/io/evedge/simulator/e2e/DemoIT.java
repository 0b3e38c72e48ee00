package io.evedge.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo command, run as a user would: {@code java -jar evedge-simulator.jar demo}. With
 * output piped (no terminal) the console prints one line per message; live signals must show within
 * 15 s, and SIGTERM (Ctrl-C) must stop it cleanly.
 */
class DemoIT {

  @TempDir
  Path dir;

  @Test
  void showsLiveSignalsWithinFifteenSecondsAndStopsCleanly() throws Exception {
    Path jar = Path.of(System.getProperty("evedge.simulator.jar", "target/evedge-simulator.jar"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "demo", "--speed", "120", "--state-dir", dir.toString())
        .redirectErrorStream(true).start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        // the stream closes when the demo is stopped
      }
    }, "demo-output");
    reader.start();
    try {
      Await.until(Duration.ofSeconds(15), () -> has(lines, "signals/charge-voltage {\"value\":2")
          && has(lines, "status {\"state\":\"online\""), "live signals from the demo; got " + lines);
      Await.until(Duration.ofSeconds(30), () -> has(lines, "signals/charge-wattage {\"value\":11000"),
          "the simulated charge to start; got " + lines);
    } finally {
      p.destroy();
      boolean exited = p.waitFor(20, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly();
      }
      assertTrue(exited, "the demo stops on SIGTERM");
    }
    reader.join(5000);
    assertTrue(lines.stream().noneMatch(l -> l.contains("Exception")), String.join("\n", lines));
  }

  private static boolean has(List<String> lines, String prefix) {
    synchronized (lines) {
      return lines.stream().anyMatch(l -> l.startsWith(prefix));
    }
  }
}
