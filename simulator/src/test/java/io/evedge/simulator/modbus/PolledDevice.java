package io.evedge.simulator.modbus;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.drivers.modbus.ModbusClients;
import io.evedge.drivers.modbus.ModbusPoller;
import io.evedge.drivers.modbus.ModbusStats;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.time.Scheduler;
import io.evedge.yaml.ProtoYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The agent's side of a Modbus test: a device configured as in a config file (defaults from the
 * schema), polled by the real client and poller on their own thread, its readings and state changes
 * recorded for the test to await.
 */
final class PolledDevice implements ReadingSink, AutoCloseable {

  final ModbusStats stats = new ModbusStats();
  final ModbusPoller poller;
  final Map<String, Reading> latest = new ConcurrentHashMap<>();
  final AtomicLong batches = new AtomicLong();
  private final List<String> states = new ArrayList<>();
  private final List<Long> stateTimes = new ArrayList<>();
  private final Scheduler.Lane lane;

  PolledDevice(String profileName, Scheduler scheduler, UnaryOperator<ModbusDeviceConfig.Builder> config)
      throws Exception {
    DeviceProfile profile = Profiles.load(profileName);
    ModbusDeviceConfig.Builder b = ModbusDeviceConfig.newBuilder().setName("dev").setProfile(profileName)
        .setPollIntervalMs(100).setTimeoutMs(300).setMaxBackoffMs(400);
    ProtoYaml.applyDefaults(b, "test");
    ModbusDeviceConfig d = config.apply(b).build();
    lane = scheduler.lane("modbus-test-" + profileName);
    poller = new ModbusPoller(d.getName(), ModbusClients.create(d, profile, stats), ModbusClients.unitId(d, profile),
        ModbusClients.plan(d, profile), Duration.ofMillis(d.getPollIntervalMs()),
        Duration.ofMillis(d.getMaxBackoffMs()), stats, lane, this);
    poller.start();
  }

  @Override
  public void onReadings(String device, List<Reading> readings) {
    for (Reading r : readings) {
      latest.put(r.key(), r);
    }
    batches.incrementAndGet();
  }

  @Override
  public synchronized void onDeviceState(String device, DeviceState state, String detail) {
    states.add(state.name());
    stateTimes.add(System.nanoTime());
    notifyAll();
  }

  /** Waits until the device has changed to {@code state} after {@code since} (System.nanoTime); returns when. */
  synchronized long awaitState(DeviceState state, long since, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      for (int i = 0; i < states.size(); i++) {
        if (states.get(i).equals(state.name()) && stateTimes.get(i) >= since) {
          return stateTimes.get(i);
        }
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("device not " + state + " within " + deadline.toMillis() + " ms; states " + states
            + "; " + stats.summary());
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Waits for {@code n} more batches of readings than now. */
  void awaitBatches(long n, Duration deadline) {
    long target = batches.get() + n;
    long end = System.nanoTime() + deadline.toNanos();
    while (batches.get() < target) {
      if (System.nanoTime() > end) {
        throw new AssertionError("only " + batches.get() + " of " + target + " polls delivered readings; "
            + stats.summary());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
    }
  }

  @Override
  public void close() {
    poller.close();
    lane.close();
  }
}
