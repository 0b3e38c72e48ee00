package io.evedge.time;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinylog.Logger;

/** The one place threads come from: named, daemon, with uncaught exceptions logged. */
public final class Threads {

  private Threads() {}

  /** A factory of daemon threads named {@code evedge-<name>} (numbered after the first). */
  public static ThreadFactory factory(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      int n = count.getAndIncrement();
      Thread t = new Thread(runnable, n == 0 ? "evedge-" + name : "evedge-" + name + "-" + n);
      t.setDaemon(true);
      t.setUncaughtExceptionHandler((thread, e) -> Logger.error(e, "Uncaught in {}", thread.getName()));
      return t;
    };
  }

  /**
   * A single-thread executor that runs tasks in submission order, for work that blocks (one device's
   * transactions, disk writes). The thread ends after a minute idle and comes back on demand.
   */
  public static ExecutorService serial(String name) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), factory(name));
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Shuts {@code executor} down and waits up to {@code millis} for running tasks to end. */
  public static boolean shutdown(ExecutorService executor, long millis) {
    executor.shutdown();
    try {
      if (executor.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
        return true;
      }
      executor.shutdownNow();
      return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
