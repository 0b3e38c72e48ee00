package io.evedge.agent.signal;

import io.evedge.drivers.Reading;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalValue;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A signal computed from readings of any device and from other signals (unlike a {@link Derivation},
 * which reads one device). Its quality is the worst of its inputs': {@code UNAVAILABLE} when a device
 * it reads is offline or a signal it reads is unavailable, {@code STALE} when one is stale.
 *
 * @param inputs what it reads, for the plan {@code check-config} prints ({@code evse.cp_state},
 *     {@code signal charge-wattage}, {@code config signals.battery_capacity_kwh})
 * @param devices the devices whose readings it uses
 * @param signals the signals it uses
 * @param compute the value (see {@link SignalBodies#body}) or null for "no value"
 */
public record Derived(SignalCatalog.Def signal, List<String> inputs, Set<String> devices, Set<String> signals,
    Function<Inputs, Object> compute) {

  /** What a derived signal may read, on the scheduler thread. */
  public interface Inputs {

    /** The latest reading of {@code key} from {@code device}, or null. */
    Reading reading(String device, String key);

    /** Whether {@code device} answers (not offline). */
    boolean online(String device);

    /** The current body of signal {@code name}, or null. */
    SignalValue signal(String name);

    /** The latest reading's value as a double, NaN when absent or not a number. */
    default double number(String device, String key) {
      Reading r = reading(device, key);
      return r == null ? Double.NaN : r.asDouble();
    }

    /** The current number of a signal, NaN when it has none. */
    default double signalNumber(String name) {
      SignalValue v = signal(name);
      return v == null || !v.hasValue() || !v.getValue().hasNumberValue() ? Double.NaN
          : v.getValue().getNumberValue();
    }

    /** The current boolean of a signal, null when it has none. */
    default Boolean signalBool(String name) {
      SignalValue v = signal(name);
      return v == null || !v.hasValue() || !v.getValue().hasBoolValue() ? null : v.getValue().getBoolValue();
    }
  }

  /** The worst quality among the inputs. */
  public Quality quality(Inputs in) {
    Quality q = Quality.GOOD;
    for (String d : devices) {
      if (!in.online(d)) {
        return Quality.UNAVAILABLE;
      }
    }
    for (String s : signals) {
      SignalValue v = in.signal(s);
      if (v == null) {
        continue;
      }
      if (v.getQuality() == Quality.UNAVAILABLE) {
        return Quality.UNAVAILABLE;
      }
      if (v.getQuality() == Quality.STALE) {
        q = Quality.STALE;
      }
    }
    return q;
  }
}
