package io.evedge.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.tinylog.Logger;

/**
 * Production {@link Scheduler}: one named daemon thread over a {@link ScheduledThreadPoolExecutor}.
 * Its tasks hold one lock while they run, so another thread may run a task in turn
 * ({@link #runInTurn}) without handing it over.
 *
 * <p>With a speed factor above 1 (the simulator's {@code --speed}), time runs faster: {@link #now()}
 * and {@link #nanoTime()} advance {@code speed} times as fast as the wall clock, and delays shrink
 * by the same factor, so a two-hour charge can be watched in a minute.
 */
public final class SystemScheduler implements Scheduler.Lane {

  private final ScheduledThreadPoolExecutor executor;
  // held by whichever thread runs one of this scheduler's tasks
  private final ReentrantLock turn = new ReentrantLock();
  private final double speed;
  private final Instant origin;
  private final long originNanos;

  /** A real-time scheduler whose thread is named {@code evedge-<name>}. */
  public SystemScheduler(String name) {
    this(name, 1.0);
  }

  /** A scheduler whose time runs {@code speed} times as fast as the wall clock. */
  public SystemScheduler(String name, double speed) {
    this(name, speed, Instant.now(), System.nanoTime());
  }

  private SystemScheduler(String name, double speed, Instant origin, long originNanos) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a positive number, got " + speed);
    }
    this.speed = speed;
    this.executor = new ScheduledThreadPoolExecutor(1, Threads.factory(name));
    this.executor.setRemoveOnCancelPolicy(true);
    this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.origin = origin;
    this.originNanos = originNanos;
  }

  /** A scheduler of its own thread on this one's clock (same origin, same speed). */
  @Override
  public Lane lane(String name) {
    return new SystemScheduler(name, speed, origin, originNanos);
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

  /**
   * Each task runs in its turn (see {@link #runInTurn}); a periodic task that throws would be
   * silently cancelled by the executor: log and go on.
   */
  private Runnable guard(Runnable task) {
    return () -> inTurn(task);
  }

  @Override
  public void runInTurn(Runnable task) {
    if (!executor.isShutdown()) {
      inTurn(task);
    }
  }

  private void inTurn(Runnable task) {
    turn.lock();
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      Logger.error(e, "Scheduled task failed");
    } finally {
      turn.unlock();
    }
  }

  @Override
  public void close() {
    Threads.shutdown(executor, 2000);
  }
}
