package io.evedge.agent.signal;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.proto.Quality;
import io.evedge.time.Scheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Receives readings from the drivers' threads and processes them there, in turn with the
 * scheduler's tasks ({@link Scheduler#runInTurn}), so a poll's readings reach the broker without
 * waking another thread of ours; keeps each device's latest readings and recomputes the signals they
 * feed. A device going offline turns its
 * signals {@code UNAVAILABLE}, keeping their last values; readings gone stale turn the signals they
 * feed {@code STALE}.
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
  // signals derived across devices and signals (ChargeDerivations), recomputed after every change
  private final List<Derived> derived;
  private final java.util.Set<String> offline = new java.util.HashSet<>();
  private final Derived.Inputs inputs = new Derived.Inputs() {
    @Override
    public Reading reading(String device, String key) {
      Map<String, Reading> values = latest.get(device);
      return values == null ? null : values.get(key);
    }

    @Override
    public boolean online(String device) {
      return !offline.contains(device);
    }

    @Override
    public io.evedge.proto.SignalValue signal(String name) {
      return table.get(name).orElse(null);
    }
  };

  public SignalRouter(Scheduler scheduler, SignalTable table, List<Derivation> derivations) {
    this(scheduler, table, derivations, List.of());
  }

  public SignalRouter(Scheduler scheduler, SignalTable table, List<Derivation> derivations, List<Derived> derived) {
    this.scheduler = scheduler;
    this.table = table;
    this.derived = List.copyOf(derived);
    for (Derivation d : derivations) {
      byDevice.computeIfAbsent(d.device(), k -> new ArrayList<>()).add(d);
    }
  }

  /** Sets the derived signals that need no reading (configured ones) at once, on the scheduler thread. */
  public void start() {
    scheduler.execute(() -> updateDerived(scheduler.now()));
  }

  @Override
  public void onReadings(String device, List<Reading> readings) {
    scheduler.runInTurn(() -> apply(device, readings));
  }

  @Override
  public void onDeviceState(String device, DeviceState state, String detail) {
    if (state == DeviceState.OFFLINE) {
      scheduler.runInTurn(() -> {
        offline.add(device);
        for (Derivation d : byDevice.getOrDefault(device, List.of())) {
          table.setQuality(d.signal(), Quality.UNAVAILABLE, scheduler.now());
        }
        updateDerived(scheduler.now());
      });
    }
    if (!listeners.isEmpty()) {
      scheduler.runInTurn(() -> {
        for (Listener l : listeners) {
          l.onDeviceState(device, state);
        }
      });
    }
  }

  @Override
  public void onStale(String device, List<String> keys, Instant time, String detail) {
    scheduler.runInTurn(() -> {
      for (Derivation d : byDevice.getOrDefault(device, List.of())) {
        if (!Collections.disjoint(d.inputs(), keys)) {
          table.setQuality(d.signal(), Quality.STALE, time);
        }
      }
    });
  }

  private void apply(String device, List<Reading> readings) {
    if (readings.isEmpty()) {
      return;
    }
    Map<String, Reading> values = latest.computeIfAbsent(device, k -> new HashMap<>());
    java.time.Instant time = readings.get(0).time();
    for (Reading r : readings) {
      values.put(r.key(), r);
      if (r.time().isAfter(time)) {
        time = r.time();
      }
    }
    offline.remove(device);
    for (Derivation d : byDevice.getOrDefault(device, List.of())) {
      if (d instanceof CanDerivations.Direct direct) {
        // a CAN signal changes only with its own reading, at that reading's time
        direct.apply(readings, table);
        continue;
      }
      table.set(d.signal(), d.compute(values), time, Quality.GOOD);
    }
    updateDerived(time);
    for (Listener l : listeners) {
      l.onReadings(device, readings);
    }
  }

  private void updateDerived(java.time.Instant time) {
    for (Derived d : derived) {
      Object value;
      try {
        value = d.compute().apply(inputs);
      } catch (RuntimeException e) {
        org.tinylog.Logger.warn(e, "Deriving {} failed", d.signal().name());
        value = null;
      }
      table.set(d.signal(), value, time, d.quality(inputs));
    }
  }
}
