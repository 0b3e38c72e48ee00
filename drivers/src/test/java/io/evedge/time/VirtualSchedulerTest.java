package io.evedge.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {

  private static final Instant START = Instant.parse("2026-11-23T08:00:00Z");

  @Test
  void runsTasksInDueOrderAtTheirDueTime() {
    VirtualScheduler s = new VirtualScheduler(START);
    List<String> log = new ArrayList<>();
    s.schedule(() -> log.add("b@" + s.now()), Duration.ofSeconds(2));
    s.schedule(() -> log.add("a@" + s.now()), Duration.ofSeconds(1));
    s.schedule(() -> log.add("c@" + s.now()), Duration.ofSeconds(5));

    s.advance(Duration.ofSeconds(3));

    assertEquals(List.of("a@2026-11-23T08:00:01Z", "b@2026-11-23T08:00:02Z"), log);
    assertEquals(START.plusSeconds(3), s.now());
    assertEquals(Duration.ofSeconds(3).toNanos(), s.nanoTime());
    assertEquals(1, s.pending());
  }

  @Test
  void periodicTaskRunsOncePerPeriodUntilCancelled() {
    VirtualScheduler s = new VirtualScheduler(START);
    List<Long> ticks = new ArrayList<>();
    Scheduler.Cancellable c = s.scheduleAtFixedRate(() -> ticks.add(s.nanoTime() / 1_000_000),
        Duration.ZERO, Duration.ofMillis(250));

    s.advance(Duration.ofSeconds(1));
    c.cancel();
    s.advance(Duration.ofSeconds(1));

    assertEquals(List.of(0L, 250L, 500L, 750L, 1000L), ticks);
    assertEquals(0, s.pending());
  }

  @Test
  void tasksScheduledForNowByATaskRunInTheSameAdvance() {
    VirtualScheduler s = new VirtualScheduler(START);
    List<String> log = new ArrayList<>();
    s.schedule(() -> {
      log.add("first");
      s.execute(() -> log.add("second"));
    }, Duration.ofMillis(10));

    s.advance(Duration.ofMillis(10));

    assertEquals(List.of("first", "second"), log);
  }

  @Test
  void anEightHourChargeTakesNoWallTime() {
    VirtualScheduler s = new VirtualScheduler(START);
    int[] polls = {0};
    s.scheduleAtFixedRate(() -> polls[0]++, Duration.ZERO, Duration.ofSeconds(1));
    s.advance(Duration.ofHours(8));
    assertEquals(8 * 3600 + 1, polls[0]);
  }
}
