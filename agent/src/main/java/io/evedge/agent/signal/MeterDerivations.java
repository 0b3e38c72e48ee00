package io.evedge.agent.signal;

import io.evedge.drivers.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Charge signals computed from a meter's readings (voltage, current, power, import register).
 *
 * <p>Per-phase values are combined the way a vehicle reports them: {@code charge-voltage} is the
 * mean phase-to-neutral voltage of the live phases, {@code charge-amperage} the mean current of the
 * phases that carry current (16 A on three phases reads 16, not 48), and {@code charge-wattage} the
 * total power. {@code charge-energyadded} is the session recorder's: it counts per session.
 */
public final class MeterDerivations {

  /** A phase below this is considered dead (V). */
  static final double LIVE_PHASE_V = 50;
  /** A phase below this carries no charging current (A). */
  static final double LOADED_PHASE_A = 0.5;
  private MeterDerivations() {}

  /** The derivations a device with these reading keys can feed. */
  public static List<Derivation> forDevice(String device, Set<String> keys) {
    List<Derivation> out = new ArrayList<>();
    List<String> volts = present(keys, "voltage_l1", "voltage_l2", "voltage_l3");
    List<String> amps = present(keys, "current_l1", "current_l2", "current_l3");
    List<String> watts = keys.contains("power_total") ? List.of("power_total")
        : present(keys, "power_l1", "power_l2", "power_l3");
    if (!volts.isEmpty()) {
      out.add(new PhaseMean(SignalCatalog.VOLTAGE, device, volts, LIVE_PHASE_V));
    }
    if (!amps.isEmpty()) {
      out.add(new PhaseMean(SignalCatalog.AMPERAGE, device, amps, LOADED_PHASE_A));
    }
    if (!watts.isEmpty()) {
      out.add(new Sum(SignalCatalog.WATTAGE, device, watts));
    }
    return out;
  }

  private static List<String> present(Set<String> keys, String... wanted) {
    List<String> out = new ArrayList<>();
    for (String w : wanted) {
      if (keys.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  static double value(Map<String, Reading> latest, String key) {
    Reading r = latest.get(key);
    return r == null ? Double.NaN : r.asDouble();
  }

  /** Mean of the inputs above {@code threshold}; 0 when none is, NaN when none has a value. */
  record PhaseMean(SignalCatalog.Def signal, String device, List<String> inputs, double threshold)
      implements Derivation {
    @Override
    public Object compute(Map<String, Reading> latest) {
      double sum = 0;
      int n = 0;
      boolean any = false;
      for (String k : inputs) {
        double v = value(latest, k);
        if (!Double.isNaN(v)) {
          any = true;
          if (Math.abs(v) >= threshold) {
            sum += v;
            n++;
          }
        }
      }
      if (!any) {
        return null;
      }
      return n == 0 ? 0.0 : sum / n;
    }
  }

  /** Sum of the inputs (total power from per-phase power). */
  record Sum(SignalCatalog.Def signal, String device, List<String> inputs) implements Derivation {
    @Override
    public Object compute(Map<String, Reading> latest) {
      double sum = 0;
      for (String k : inputs) {
        double v = value(latest, k);
        if (Double.isNaN(v)) {
          return null;
        }
        sum += v;
      }
      return sum;
    }
  }
}
