package io.evedge.simulator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The harness's child processes (the agent, Mosquitto): stopped when the harness is stopped. */
final class Children {

  private Children() {
  }

  /**
   * {@code p}, to be stopped when this JVM exits, including when it is terminated (a stopped harness
   * would otherwise leave its broker and agent running, and disturb the next run's figures).
   */
  static Process stoppedAtExit(Process p) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (p.isAlive()) {
        p.destroy();
      }
    }, "bench-child-stop"));
    return p;
  }

  /** How a short command ended: whether it exited with 0 within 30 s, and what it printed. */
  record Check(boolean ok, String output) {}

  /** Runs {@code cmd} to its end (at most 30 s); a command that cannot start is not ok. */
  static Check check(List<String> cmd) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      boolean ended = p.waitFor(30, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly().waitFor();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return new Check(ended && p.exitValue() == 0, out);
    } catch (IOException e) {
      return new Check(false, String.valueOf(e.getMessage()));
    }
  }
}
