package io.evedge.drivers.modbus;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.tinylog.Logger;

/**
 * Polls one Modbus device on its own executor, so a dead device never stalls another: each tick of
 * the scheduler hands one poll (the profile's read plan, in order) to the device's thread, and a
 * tick that finds the previous poll still running is skipped and counted.
 *
 * <p>A poll that fails to get a reply (after the client's one retry) marks the device
 * {@link DeviceState#OFFLINE} at once and it is then polled with exponential backoff, up to
 * {@code maxBackoff}; the first reply marks it {@link DeviceState#ONLINE}. An exception reply to one
 * block is counted with its code and the other blocks are still read. Problems are logged once per
 * episode, not once per poll.
 */
public final class ModbusPoller implements AutoCloseable {

  private final String device;
  private final ModbusClient client;
  private final int unitId;
  private final List<ReadBlock> plan;
  private final Duration interval;
  private final Duration maxBackoff;
  private final Scheduler scheduler;
  private final ExecutorService io;
  private final ReadingSink sink;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final Stats stats = new Stats();

  private volatile Scheduler.Cancellable timer;
  private volatile boolean closed;
  private DeviceState state = DeviceState.UNKNOWN;
  private int failedPolls;
  private long nextPollNanos;
  private String lastProblem;

  public ModbusPoller(String device, ModbusClient client, int unitId, List<ReadBlock> plan,
      Duration interval, Scheduler scheduler, ExecutorService io, ReadingSink sink) {
    this.device = device;
    this.client = client;
    this.unitId = unitId;
    this.plan = List.copyOf(plan);
    this.interval = interval;
    this.maxBackoff = Duration.ofSeconds(30).compareTo(interval) > 0 ? Duration.ofSeconds(30) : interval;
    this.scheduler = scheduler;
    this.io = io;
    this.sink = sink;
  }

  /** Starts polling at once and then every interval. */
  public void start() {
    timer = scheduler.scheduleAtFixedRate(this::tick, Duration.ZERO, interval);
  }

  /** Counters of this device, for metrics. */
  public Stats stats() {
    return stats;
  }

  public String device() {
    return device;
  }

  private void tick() {
    if (closed || scheduler.nanoTime() < nextPollNanos) {
      return;
    }
    if (!busy.compareAndSet(false, true)) {
      stats.overruns.increment();
      return;
    }
    try {
      io.execute(() -> {
        try {
          pollOnce();
        } finally {
          busy.set(false);
        }
      });
    } catch (RejectedExecutionException e) {
      busy.set(false);
    }
  }

  /** One poll: every block of the plan, in order. Runs on the device's executor. */
  void pollOnce() {
    if (closed) {
      return;
    }
    List<Reading> readings = new ArrayList<>();
    ModbusException failure = null;
    boolean anyReply = false;
    for (ReadBlock block : plan) {
      try {
        stats.transactions.increment();
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
        stats.exceptionReplies.computeIfAbsent(e.exceptionCode(), c -> new LongAdder()).increment();
        noteProblem(String.format("block 0x%04X+%d: %s", block.address(), block.count(), e.getMessage()));
      } catch (ModbusException e) {
        if (e instanceof ModbusException.Timeout) {
          stats.timeouts.increment();
        } else if (e instanceof ModbusException.Frame) {
          stats.frameErrors.increment();
        } else {
          stats.connectionErrors.increment();
        }
        failure = e;
        break;
      }
    }
    if (failure != null && !anyReply) {
      onFailedPoll(failure);
      return;
    }
    if (state != DeviceState.ONLINE) {
      state = DeviceState.ONLINE;
      failedPolls = 0;
      nextPollNanos = 0;
      lastProblem = null;
      Logger.info("Modbus device {} at {} is online", device, client.endpoint());
      sink.onDeviceState(device, DeviceState.ONLINE, "answered");
    }
    if (!readings.isEmpty()) {
      sink.onReadings(device, readings);
    }
  }

  private void onFailedPoll(ModbusException e) {
    failedPolls++;
    long backoff = Math.min(maxBackoff.toNanos(), interval.toNanos() << Math.min(failedPolls - 1, 16));
    nextPollNanos = scheduler.nanoTime() + backoff;
    if (state != DeviceState.OFFLINE) {
      state = DeviceState.OFFLINE;
      Logger.warn("Modbus device {} at {} is offline: {}", device, client.endpoint(), e.getMessage());
      sink.onDeviceState(device, DeviceState.OFFLINE, e.getMessage());
    }
  }

  private void noteProblem(String problem) {
    if (!problem.equals(lastProblem)) {
      lastProblem = problem;
      Logger.warn("Modbus device {}: {}", device, problem);
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

  /** Counters of one device. */
  public static final class Stats {
    public final LongAdder transactions = new LongAdder();
    public final LongAdder timeouts = new LongAdder();
    public final LongAdder frameErrors = new LongAdder();
    public final LongAdder connectionErrors = new LongAdder();
    public final LongAdder overruns = new LongAdder();
    public final ConcurrentHashMap<Integer, LongAdder> exceptionReplies = new ConcurrentHashMap<>();
  }
}
