package io.evedge.agent.mqtt;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with full jitter: the n-th delay is uniform in
 * [min, min(max, min × 2^n)], so a fleet that lost its broker at once does not come back at once.
 */
public final class Backoff {

  private final long minMs;
  private final long maxMs;
  private final DoubleSupplier random;
  private int attempt;

  public Backoff(Duration min, Duration max, DoubleSupplier random) {
    this.minMs = Math.max(1, min.toMillis());
    this.maxMs = Math.max(minMs, max.toMillis());
    this.random = random;
  }

  /** The next delay. */
  public Duration next() {
    long ceiling = minMs << Math.min(attempt, 20);
    ceiling = Math.min(maxMs, ceiling);
    attempt++;
    return Duration.ofMillis(minMs + (long) (random.getAsDouble() * (ceiling - minMs)));
  }

  /** Starts over after a success. */
  public void reset() {
    attempt = 0;
  }
}
