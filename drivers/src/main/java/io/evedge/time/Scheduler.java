package io.evedge.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The one clock and timer seam. Domain code reads time and schedules work only through this, so a
 * {@link VirtualScheduler} can run an eight-hour charge in a second, deterministically, and
 * {@link SystemScheduler} runs it in real (or accelerated) time.
 *
 * <p>Tasks run one at a time, in due order, on the scheduler's own thread; they must not block. Work
 * that blocks (a Modbus transaction, a disk write) is handed to an executor of its own.
 */
public interface Scheduler {

  /** Calendar time, for timestamps that leave the process. */
  Instant now();

  /** Monotonic time in nanoseconds, for durations; unaffected by clock steps. */
  long nanoTime();

  /** Runs {@code task} once after {@code delay}. */
  Cancellable schedule(Runnable task, Duration delay);

  /**
   * Runs {@code task} after {@code initialDelay} and then every {@code period}; a run that overruns
   * delays the next one instead of piling up.
   */
  Cancellable scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period);

  /** Runs {@code task} on the scheduler's thread as soon as possible. */
  default void execute(Runnable task) {
    schedule(task, Duration.ZERO);
  }

  /** A scheduled task that can be cancelled; cancelling twice is harmless. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
