package io.evedge.simulator.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The agent as a real process ({@code java -jar evedge-agent.jar run}), for tests about crashes. */
public final class AgentProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private AgentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The agent jar built by the agent module, as the failsafe configuration passes it. */
  public static Path jar() {
    String p = System.getProperty("evedge.agent.jar", "../agent/target/evedge-agent.jar");
    Path jar = Path.of(p).toAbsolutePath().normalize();
    if (!Files.exists(jar)) {
      throw new IllegalStateException("no agent jar at " + jar + ": build the agent module first");
    }
    return jar;
  }

  public static AgentProcess start(Path config, Path dir, String... jvmFlags) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmFlags));
    cmd.addAll(List.of("-jar", jar().toString(), "run", "--config", config.toString()));
    Path log = dir.resolve("agent-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new AgentProcess(p, log);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
