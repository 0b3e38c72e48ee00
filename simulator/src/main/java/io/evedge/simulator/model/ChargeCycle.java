package io.evedge.simulator.model;

import java.time.Duration;

/**
 * The simplest charge: idle, then charging at a set power, then idle again, repeated. Drives a
 * {@link Meter} from simulated time; a full scenario runner replaces it for richer timelines.
 *
 * @param idle how long before each charge
 * @param charge how long each charge lasts
 * @param powerW charging power
 * @param repeat whether the cycle starts over after the final idle
 */
public record ChargeCycle(Duration idle, Duration charge, double powerW, boolean repeat) {

  /** The power at {@code elapsed} since the start of the cycle. */
  public double powerAt(Duration elapsed) {
    long period = idle.toNanos() + charge.toNanos();
    long t = elapsed.toNanos();
    if (!repeat && t >= period) {
      return 0;
    }
    long inCycle = t % period;
    return inCycle >= idle.toNanos() ? powerW : 0;
  }

  /** The time of the next change of power after {@code elapsed}, or null when there is none. */
  public Duration nextChangeAfter(Duration elapsed) {
    long period = idle.toNanos() + charge.toNanos();
    long t = elapsed.toNanos();
    if (!repeat && t >= period) {
      return null;
    }
    long cycleStart = t - t % period;
    long start = cycleStart + idle.toNanos();
    long next = t < start ? start : cycleStart + period;
    return Duration.ofNanos(next);
  }
}
