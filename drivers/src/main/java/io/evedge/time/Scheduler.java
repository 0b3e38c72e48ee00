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

  /**
   * Runs {@code task} at once on the calling thread as one of this scheduler's tasks: never at the
   * same time as another of them, and seeing what they did. A thread of its own whose work ends in
   * this scheduler's domain (a device's readings on its lane) saves handing the work over and waking
   * the scheduler's thread for it. A task that throws is treated as a scheduled one is (logged by the
   * system scheduler, thrown to the caller by the virtual clock). Does nothing once the scheduler is
   * closed.
   */
  void runInTurn(Runnable task);

  /**
   * A scheduler on this one's clock whose tasks run on a thread of their own, named
   * {@code evedge-<name>}, where they may block (a device's transactions): the device then keeps its
   * own time and hands nothing to another thread to be woken. Close it when done. By default (the
   * virtual clock) a lane is this scheduler itself, so its tasks run in due order with all others.
   */
  default Lane lane(String name) {
    Scheduler self = this;
    return new Lane() {
      @Override
      public Instant now() {
        return self.now();
      }

      @Override
      public long nanoTime() {
        return self.nanoTime();
      }

      @Override
      public Cancellable schedule(Runnable task, Duration delay) {
        return self.schedule(task, delay);
      }

      @Override
      public Cancellable scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period) {
        return self.scheduleAtFixedRate(task, initialDelay, period);
      }

      @Override
      public void runInTurn(Runnable task) {
        self.runInTurn(task);
      }

      @Override
      public void close() {
        // the thread is the owner's
      }
    };
  }

  /** A scheduler of its own thread, from {@link #lane}; closing it stops the thread. */
  interface Lane extends Scheduler, AutoCloseable {
    @Override
    void close();
  }

  /** A scheduled task that can be cancelled; cancelling twice is harmless. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
