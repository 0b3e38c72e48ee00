package io.evedge.simulator.bench;

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
}
