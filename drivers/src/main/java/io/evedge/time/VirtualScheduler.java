package io.evedge.time;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Scheduler} whose time moves only when told to. Tasks run on the thread that calls
 * {@link #advance(Duration)} or {@link #runDue()}, in due order (ties in scheduling order), each seeing
 * {@link #now()} equal to its due time. Thread-safe: other threads may schedule while time advances.
 */
public final class VirtualScheduler implements Scheduler {

  private final Object lock = new Object();
  // held by whichever thread runs a task, so runInTurn from another thread waits its turn
  private final ReentrantLock turn = new ReentrantLock();
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private final Instant epoch;
  private long nanos;
  private long sequence;

  /** A virtual clock that starts at {@code start}. */
  public VirtualScheduler(Instant start) {
    this.epoch = start;
  }

  @Override
  public Instant now() {
    synchronized (lock) {
      return epoch.plusNanos(nanos);
    }
  }

  @Override
  public long nanoTime() {
    synchronized (lock) {
      return nanos;
    }
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    return add(task, delay, 0);
  }

  @Override
  public Cancellable scheduleAtFixedRate(Runnable task, Duration initialDelay, Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, got " + period);
    }
    return add(task, initialDelay, period.toNanos());
  }

  private Cancellable add(Runnable task, Duration delay, long periodNanos) {
    synchronized (lock) {
      Entry e = new Entry(task, nanos + Math.max(0, delay.toNanos()), periodNanos, sequence++);
      queue.add(e);
      return () -> {
        synchronized (lock) {
          e.cancelled = true;
          queue.remove(e);
        }
      };
    }
  }

  /** Moves time forward by {@code d}, running every task that falls due on the way. */
  public void advance(Duration d) {
    long target;
    synchronized (lock) {
      target = nanos + d.toNanos();
    }
    advanceTo(target);
  }

  /** Runs the tasks due now, including those they schedule for now, without moving time. */
  public void runDue() {
    long target;
    synchronized (lock) {
      target = nanos;
    }
    advanceTo(target);
  }

  @Override
  public void runInTurn(Runnable task) {
    inTurn(task);
  }

  private void inTurn(Runnable task) {
    turn.lock();
    try {
      task.run();
    } finally {
      turn.unlock();
    }
  }

  /** Number of tasks waiting, for tests that check a component cleans up after itself. */
  public int pending() {
    synchronized (lock) {
      return queue.size();
    }
  }

  private void advanceTo(long target) {
    while (true) {
      Entry next;
      synchronized (lock) {
        next = queue.peek();
        if (next == null || next.due > target) {
          // a task may have moved time past the target itself (a slow fake device): never back
          nanos = Math.max(nanos, target);
          return;
        }
        queue.poll();
        nanos = next.due;
      }
      inTurn(next.task);
      synchronized (lock) {
        if (next.period > 0 && !next.cancelled) {
          next.due += next.period;
          next.seq = sequence++;
          queue.add(next);
        }
      }
    }
  }

  private static final class Entry implements Comparable<Entry> {
    final Runnable task;
    final long period;
    long due;
    long seq;
    volatile boolean cancelled;

    Entry(Runnable task, long due, long period, long seq) {
      this.task = task;
      this.due = due;
      this.period = period;
      this.seq = seq;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
