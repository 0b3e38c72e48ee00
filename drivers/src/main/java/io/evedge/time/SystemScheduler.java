package io.evedge.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * Production {@link Scheduler}: one named daemon thread over a {@link ScheduledThreadPoolExecutor}.
 *
 * <p>With a speed factor above 1 (the simulator's {@code --speed}), time runs faster: {@link #now()}
 * and {@link #nanoTime()} advance {@code speed} times as fast as the wall clock, and delays shrink
 * by the same factor, so a two-hour charge can be watched in a minute.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {

  private final ScheduledThreadPoolExecutor executor;
  private final double speed;
  private final Instant origin;
  private final long originNanos;

  /** A real-time scheduler whose thread is named {@code evedge-<name>}. */
  public SystemScheduler(String name) {
    this(name, 1.0);
  }

  /** A scheduler whose time runs {@code speed} times as fast as the wall clock. */
  public SystemScheduler(String name, double speed) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a positive number, got " + speed);
    }
    this.speed = speed;
    this.executor = new ScheduledThreadPoolExecutor(1, Threads.factory(name));
    this.executor.setRemoveOnCancelPolicy(true);
    this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.origin = Instant.now();
    this.originNanos = System.nanoTime();
  }

  /** How many times faster than the wall clock this scheduler's time runs. */
  public double speed() {
    return speed;
  }

  @Override
  public Instant now() {
    if (speed == 1.0) {
      return Instant.now();
    }
    return origin.plusNanos(nanoTime() - originNanos);
  }

  @Override
  public long nanoTime() {
    long real = System.nanoTime();
    return speed == 1.0 ? real : originNanos + (long) ((real - originNanos) * speed);
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> f = executor.schedule(guard(task), scaled(delay), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public Cancellable scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period) {
    ScheduledFuture<?> f = executor.scheduleAtFixedRate(guard(task), scaled(initialDelay),
        Math.max(1, scaled(period)), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  private long scaled(Duration d) {
    return Math.max(0, (long) (d.toNanos() / speed));
  }

  /** A periodic task that throws would be silently cancelled by the executor: log and go on. */
  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        Logger.error(e, "Scheduled task failed");
      }
    };
  }

  @Override
  public void close() {
    Threads.shutdown(executor, 2000);
  }
}
