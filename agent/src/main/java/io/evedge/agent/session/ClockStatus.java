package io.evedge.agent.session;

import io.evedge.time.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Whether the wall clock can be trusted. A Raspberry Pi has no real-time clock: until NTP has
 * synchronised it, it runs from the last shutdown or from 1970. Records made while it cannot be
 * trusted say {@code timeUncertain}.
 */
@FunctionalInterface
public interface ClockStatus {

  /** No clock is taken as right before this instant (before this software existed). */
  Instant PLAUSIBLE_AFTER = Instant.parse("2025-01-01T00:00:00Z");

  /** Where systemd-timesyncd says the clock is synchronised. */
  Path TIMESYNCD_MARKER = Path.of("/run/systemd/timesync/synchronized");

  boolean synchronised();

  /**
   * The clock is synchronised when its time is plausible and, where a marker file is known (the
   * configured one, else systemd-timesyncd's where that runs), the marker exists.
   */
  static ClockStatus of(Scheduler scheduler, String configuredMarker) {
    Path marker = !configuredMarker.isEmpty() ? Path.of(configuredMarker)
        : Files.isDirectory(TIMESYNCD_MARKER.getParent()) ? TIMESYNCD_MARKER : null;
    return () -> scheduler.now().isAfter(PLAUSIBLE_AFTER) && (marker == null || Files.exists(marker));
  }
}
