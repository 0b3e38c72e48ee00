package io.evedge.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class SystemSchedulerTest {

  @Test
  void aTaskRunInTurnWaitsForTheRunningTaskAndRunsOnTheCallersThread() throws Exception {
    try (SystemScheduler s = new SystemScheduler("turn-test")) {
      List<String> log = new CopyOnWriteArrayList<>();
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      s.execute(() -> {
        entered.countDown();
        await(release);
        log.add("task");
      });
      assertTrue(entered.await(5, TimeUnit.SECONDS));
      Thread caller = new Thread(() -> s.runInTurn(() -> log.add("in turn on " + Thread.currentThread().getName())),
          "device");
      caller.start();
      // the caller waits for the lock the running task holds
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (caller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000L);
      }
      assertEquals(Thread.State.WAITING, caller.getState());
      assertTrue(log.isEmpty());
      release.countDown();
      caller.join(5000);
      assertEquals(List.of("task", "in turn on device"), log);
    }
  }

  @Test
  void aLaneKeepsTheSchedulersClockOnAThreadOfItsOwn() throws Exception {
    try (SystemScheduler s = new SystemScheduler("clock-test", 10.0);
        Scheduler.Lane lane = s.lane("lane-test")) {
      long before = s.nanoTime();
      long onLane = lane.nanoTime();
      long after = s.nanoTime();
      assertTrue(before <= onLane && onLane <= after, before + " <= " + onLane + " <= " + after);
      CompletableFuture<String> thread = new CompletableFuture<>();
      lane.execute(() -> thread.complete(Thread.currentThread().getName()));
      assertEquals("evedge-lane-test", thread.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void nothingRunsInTurnOnceClosed() {
    SystemScheduler s = new SystemScheduler("closed-test");
    s.close();
    List<String> log = new CopyOnWriteArrayList<>();
    s.runInTurn(() -> log.add("ran"));
    assertTrue(log.isEmpty());
  }

  @Test
  void aLaneOfTheVirtualClockIsTheClockItself() {
    VirtualScheduler clock = new VirtualScheduler(java.time.Instant.parse("2026-11-23T08:00:00Z"));
    Scheduler.Lane lane = clock.lane("device");
    List<Long> ran = new CopyOnWriteArrayList<>();
    lane.schedule(() -> ran.add(clock.nanoTime()), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(List.of(Duration.ofSeconds(1).toNanos()), ran);
    lane.close();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
