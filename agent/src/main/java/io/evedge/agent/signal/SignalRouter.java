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
 * Receives readings from the drivers' threads, hands them to the scheduler thread, keeps each
 * device's latest readings and recomputes the signals they feed. A device going offline turns its
 * signals {@code UNAVAILABLE}, keeping their last values; readings gone stale turn the signals they
 * feed {@code STALE}.
 */
public final class SignalRouter implements ReadingSink {

  private final Scheduler scheduler;
  private final SignalTable table;
  private final Map<String, List<Derivation>> byDevice = new HashMap<>();
  private final Map<String, Map<String, Reading>> latest = new HashMap<>();

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
  }

  @Override
  public void onStale(String device, List<String> keys, Instant time, String detail) {
    scheduler.execute(() -> {
      for (Derivation d : byDevice.getOrDefault(device, List.of())) {
        if (!Collections.disjoint(d.inputs(), keys)) {
          table.setQuality(d.signal(), Quality.STALE, time);
        }
      }
    });
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
      if (d instanceof CanDerivations.Direct direct) {
        // a CAN signal changes only with its own reading, at that reading's time
        direct.apply(readings, table);
        continue;
      }
      table.set(d.signal(), d.compute(values), time, Quality.GOOD);
    }
  }
}
