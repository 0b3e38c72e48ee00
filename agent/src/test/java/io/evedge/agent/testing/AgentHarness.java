package io.evedge.agent.testing;

import io.evedge.agent.Agent;
import io.evedge.agent.Plan;
import io.evedge.agent.config.ConfigLoader;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.proto.Quality;
import io.evedge.time.SystemScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real agent in this JVM, from a YAML configuration, on a real-time scheduler. */
public final class AgentHarness implements AutoCloseable {

  private final SystemScheduler scheduler = new SystemScheduler("agent-under-test");
  private final Agent agent;
  private final Plan plan;

  public AgentHarness(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("evedge-" + System.nanoTime() + ".yaml");
    Files.writeString(file, yaml);
    plan = Plan.of(ConfigLoader.load(file));
    agent = Agent.create(plan, scheduler);
  }

  public AgentHarness start() {
    agent.start();
    return this;
  }

  public Agent agent() {
    return agent;
  }

  public Plan plan() {
    return plan;
  }

  public SystemScheduler scheduler() {
    return scheduler;
  }

  /** Sets a signal on the scheduler thread, as a source would, and waits until it is set. */
  public void set(SignalCatalog.Def def, Object value, Instant time) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(() -> {
      try {
        agent.signals().set(def, value, time, Quality.GOOD);
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    done.get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    agent.close();
    scheduler.close();
  }
}
