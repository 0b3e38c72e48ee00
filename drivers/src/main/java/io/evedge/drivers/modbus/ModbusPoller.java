package io.evedge.drivers.modbus;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.tinylog.Logger;

/**
 * Polls one Modbus device on its own lane (a {@link Scheduler#lane} with a thread of its own), so a
 * dead device never stalls another: each poll reads the profile's read plan, in order, on the lane's
 * thread, which keeps its own time too, so a poll costs no hand-over between threads. Polls keep to
 * a grid of the interval; a poll that runs past the next slot skips the slots it missed, counted as
 * overruns, rather than polling again at once.
 *
 * <p>A poll in which no block gets a valid reply (after the client's retry) marks the device
 * {@link DeviceState#OFFLINE} at once; it is then polled with exponential backoff (the interval,
 * doubled after each failed poll, up to {@code maxBackoff}); the first valid reply marks it
 * {@link DeviceState#ONLINE}. A timeout or a broken link ends the poll (the device is not there);
 * an exception reply or a rejected frame only loses its block, and the other blocks are still read.
 * Problems are logged once per episode, not once per poll; counters are in {@link ModbusStats}.
 */
public final class ModbusPoller implements AutoCloseable {

  private final String device;
  private final ModbusClient client;
  private final int unitId;
  private final List<ReadBlock> plan;
  private final Duration interval;
  private final Duration maxBackoff;
  private final ModbusStats stats;
  private final Scheduler scheduler;
  private final ReadingSink sink;

  private volatile Scheduler.Cancellable timer;
  private volatile boolean closed;
  private volatile DeviceState state = DeviceState.UNKNOWN;
  private int failedPolls;
  private long nextPollNanos;
  private long slotNanos;
  private String lastProblem;

  /**
   * @param maxBackoff longest wait between polls of an offline device (at least the interval)
   * @param lane the device's own lane, where its transactions block; its clock stamps the readings
   */
  public ModbusPoller(String device, ModbusClient client, int unitId, List<ReadBlock> plan,
      Duration interval, Duration maxBackoff, ModbusStats stats, Scheduler lane, ReadingSink sink) {
    this.device = device;
    this.client = client;
    this.unitId = unitId;
    this.plan = List.copyOf(plan);
    this.interval = interval;
    this.maxBackoff = maxBackoff.compareTo(interval) > 0 ? maxBackoff : interval;
    this.stats = stats;
    this.scheduler = lane;
    this.sink = sink;
  }

  /** Starts polling at once and then every interval. */
  public void start() {
    timer = scheduler.schedule(() -> {
      slotNanos = scheduler.nanoTime();
      tick();
    }, Duration.ZERO);
  }

  /** Counters of this device, for metrics. */
  public ModbusStats stats() {
    return stats;
  }

  public String device() {
    return device;
  }

  /** Whether the device answers, as of its last poll. */
  public DeviceState state() {
    return state;
  }

  /** Polls when the device is due (not backing off), then waits for the next slot of the grid. */
  private void tick() {
    if (closed) {
      return;
    }
    if (scheduler.nanoTime() >= nextPollNanos) {
      pollOnce();
    }
    long period = interval.toNanos();
    long next = slotNanos + period;
    long now = scheduler.nanoTime();
    if (next <= now) {
      long missed = (now - next) / period + 1;
      stats.overruns.add(missed);
      next += missed * period;
    }
    slotNanos = next;
    if (!closed) {
      timer = scheduler.schedule(this::tick, Duration.ofNanos(next - now));
    }
  }

  /** One poll: every block of the plan, in order. Runs on the device's lane. */
  void pollOnce() {
    if (closed) {
      return;
    }
    stats.polls.increment();
    List<Reading> readings = new ArrayList<>();
    ModbusException failure = null;
    boolean anyReply = false;
    for (ReadBlock block : plan) {
      try {
        Instant at;
        if (block.bits()) {
          boolean[] bits = client.readBits(unitId, block.function(), block.address(), block.count());
          at = scheduler.now();
          for (Point p : block.points()) {
            readings.add(new Reading(device, p.key(), PointDecoder.decodeBit(p, bits[p.address() - block.address()]),
                p.unit(), at));
          }
        } else {
          int[] words = client.readRegisters(unitId, block.function(), block.address(), block.count());
          at = scheduler.now();
          for (Point p : block.points()) {
            readings.add(new Reading(device, p.key(), PointDecoder.decode(p, words, p.address() - block.address()),
                p.unit(), at));
          }
        }
        anyReply = true;
      } catch (ModbusException.Response e) {
        anyReply = true;
        noteProblem(block.function() + "/" + block.address() + " exception " + e.exceptionCode(), String.format("block FC%d 0x%04X+%d: %s",
            block.function(), block.address(), block.count(), e.getMessage()));
      } catch (ModbusException.Frame e) {
        failure = e;
        noteProblem(block.function() + "/" + block.address() + " " + e.kind(), e.getMessage());
      } catch (ModbusException e) {
        failure = e;
        break;
      }
    }
    if (!anyReply) {
      onFailedPoll(failure);
      return;
    }
    if (state != DeviceState.ONLINE) {
      DeviceState was = state;
      state = DeviceState.ONLINE;
      failedPolls = 0;
      nextPollNanos = 0;
      if (was == DeviceState.OFFLINE) {
        Logger.info("Modbus device {} at {} answers again ({})", device, client.endpoint(), stats.summary());
      } else {
        Logger.info("Modbus device {} at {} is online", device, client.endpoint());
      }
      sink.onDeviceState(device, DeviceState.ONLINE, "answered");
    }
    if (failure == null) {
      lastProblem = null;
    }
    if (!readings.isEmpty()) {
      sink.onReadings(device, readings);
    }
  }

  private void onFailedPoll(ModbusException e) {
    stats.failedPolls.increment();
    failedPolls++;
    long backoff = Math.min(maxBackoff.toNanos(), interval.toNanos() << Math.min(failedPolls - 1, 16));
    nextPollNanos = scheduler.nanoTime() + backoff;
    String why = e == null ? "no valid reply" : e.getMessage();
    if (state != DeviceState.OFFLINE) {
      state = DeviceState.OFFLINE;
      lastProblem = why;
      Logger.warn("Modbus device {} at {} is offline: {}", device, client.endpoint(), why);
      sink.onDeviceState(device, DeviceState.OFFLINE, why);
    }
  }

  /** Logs {@code message} unless a problem of the same {@code kind} was the last one logged. */
  private void noteProblem(String kind, String message) {
    if (!kind.equals(lastProblem)) {
      lastProblem = kind;
      Logger.warn("Modbus device {}: {}", device, message);
    }
  }

  @Override
  public void close() {
    closed = true;
    Scheduler.Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
    client.close();
  }
}
