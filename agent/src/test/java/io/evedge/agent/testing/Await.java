package io.evedge.agent.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline; fails with what was awaited. Never a fixed sleep. */
public final class Await {

  private Await() {}

  public static void until(Duration deadline, BooleanSupplier condition, String what) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting for " + what);
      }
      LockSupport.parkNanos(10_000_000L);
    }
  }
}
