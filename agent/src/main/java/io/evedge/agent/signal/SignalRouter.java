package io.evedge.agent.signal;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.proto.Quality;
import io.evedge.time.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Receives readings from the drivers' threads, hands them to the scheduler thread, keeps each
 * device's latest readings and recomputes the signals they feed. A device going offline turns its
 * signals {@code UNAVAILABLE}, keeping their last values.
 */
public final class SignalRouter implements ReadingSink {

  private final Scheduler scheduler;
  private final SignalTable table;
  private final Map<String, List<Derivation>> byDevice = new HashMap<>();
  private final Map<String, Map<String, Reading>> latest = new HashMap<>();
  private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Also sees every batch of raw readings and every device state change, on the scheduler thread,
   * after the signals are updated (the session recorder).
   */
  public interface Listener {
    void onReadings(String device, List<Reading> readings);

    void onDeviceState(String device, DeviceState state);
  }

  /** Adds a listener to the raw readings; add before readings flow. */
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public SignalRouter(Scheduler scheduler, SignalTable table, List<Derivation> derivations) {
    this.scheduler = scheduler;
    this.table = table;
    for (Derivation d : derivations) {
      byDevice.computeIfAbsent(d.device(), k -> new ArrayList<>()).add(d);
    }
  }

  @Override
  public void onReadings(String device, List<Reading> readings) {
    scheduler.execute(() -> apply(device, readings));
  }

  @Override
  public void onDeviceState(String device, DeviceState state, String detail) {
    if (state == DeviceState.OFFLINE) {
      scheduler.execute(() -> {
        for (Derivation d : byDevice.getOrDefault(device, List.of())) {
          table.setQuality(d.signal(), Quality.UNAVAILABLE, scheduler.now());
        }
      });
    }
    if (!listeners.isEmpty()) {
      scheduler.execute(() -> {
        for (Listener l : listeners) {
          l.onDeviceState(device, state);
        }
      });
    }
  }

  private void apply(String device, List<Reading> readings) {
    Map<String, Reading> values = latest.computeIfAbsent(device, k -> new HashMap<>());
    java.time.Instant time = readings.get(0).time();
    for (Reading r : readings) {
      values.put(r.key(), r);
      if (r.time().isAfter(time)) {
        time = r.time();
      }
    }
    for (Derivation d : byDevice.getOrDefault(device, List.of())) {
      table.set(d.signal(), d.compute(values), time, Quality.GOOD);
    }
    for (Listener l : listeners) {
      l.onReadings(device, readings);
    }
  }
}
