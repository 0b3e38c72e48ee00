package io.evedge.agent.signal;

import io.evedge.drivers.Reading;
import io.evedge.proto.LocationConfig;
import io.evedge.proto.SignalItem;
import io.evedge.proto.SignalValue;
import io.evedge.proto.SignalsConfig;
import io.evedge.proto.json.ProtoJson;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one place where charge signals are derived rather than read: from an EVSE controller's reading
 * keys, from the readings of several devices, from other signals and from the configuration.
 *
 * <p>From an EVSE ({@code cp_state} "A".."F", {@code offered_current} A, {@code cable_capacity} A,
 * {@code cable_locked}, {@code charging_enabled}):
 * {@code charge-ischargingcableconnected} (state B, C or D; unknown in E and F),
 * {@code charge-ischargingcablelatched} ({@code cable_locked}), {@code charge-amperagemax} (the
 * cable's capacity coded by its PP resistor), {@code charge-amperagerequested} (the current the EVSE
 * offers the vehicle on the control pilot) and {@code charge-isfastchargerpresent} (false: an IEC
 * 61851 control pilot is AC charging).
 *
 * <p>Across devices and signals:
 * <ul>
 *   <li>{@code charge-ischarging}: state C or D with current on a phase (or, without a meter, the
 *       EVSE's charging enable); with a meter only, power above {@value #CHARGING_W} W;
 *   <li>{@code charge-chargerphases}: phases carrying at least {@code charging_current_a}; when none
 *       does, the live phases (voltage above {@value #LIVE_PHASE_V} V) the charger offers;
 *   <li>{@code charge-chargerate}: km/h of range added, power ÷ {@code consumption_wh_per_km}; 0 when
 *       not charging;
 *   <li>{@code charge-timetocomplete}: minutes until the state of charge reaches the active limit
 *       ({@code charge-chargelimits}, else 100 %) at the present power, from
 *       {@code battery_capacity_kwh}; 0 when not charging or already there;
 *   <li>{@code charge-detailedchargingstatus}: {@code NOT_CONNECTED}, {@code CONNECTED},
 *       {@code CHARGING}, {@code FULLY_CHARGED}, {@code FAULT} (state E or F), or with a meter only
 *       {@code CHARGING} / {@code NOT_CHARGING};
 *   <li>{@code charge-chargingconnectortype} and {@code charge-chargetimers} as configured.
 * </ul>
 * A signal a device reports itself (a vehicle's CAN bus) is never derived as well.
 */
public final class ChargeDerivations {

  /** Power above which a meter alone counts as charging (W). */
  static final double CHARGING_W = 100;
  /** A phase below this is dead (V). */
  static final double LIVE_PHASE_V = 50;

  static final List<String> CURRENTS = List.of("current_l1", "current_l2", "current_l3");
  static final List<String> VOLTAGES = List.of("voltage_l1", "voltage_l2", "voltage_l3");

  private ChargeDerivations() {}

  /** The signals an EVSE controller with these reading keys feeds directly. */
  public static List<Derivation> forDevice(String device, Set<String> keys) {
    List<Derivation> out = new ArrayList<>();
    if (keys.contains("cp_state")) {
      out.add(new Simple(SignalCatalog.CABLE_CONNECTED, device, List.of("cp_state"), latest -> {
        String s = state(latest.get("cp_state"));
        if (s == null) {
          return null;
        }
        return switch (s) {
          case "A" -> false;
          case "B", "C", "D" -> true;
          default -> null;
        };
      }));
      out.add(new Simple(SignalCatalog.FAST_CHARGER_PRESENT, device, List.of("cp_state"),
          latest -> latest.get("cp_state") == null ? null : false));
    }
    if (keys.contains("cable_locked")) {
      out.add(new Simple(SignalCatalog.CABLE_LATCHED, device, List.of("cable_locked"),
          latest -> value(latest.get("cable_locked"))));
    }
    if (keys.contains("cable_capacity")) {
      out.add(new Simple(SignalCatalog.AMPERAGE_MAX, device, List.of("cable_capacity"),
          latest -> value(latest.get("cable_capacity"))));
    }
    if (keys.contains("offered_current")) {
      out.add(new Simple(SignalCatalog.AMPERAGE_REQUESTED, device, List.of("offered_current"),
          latest -> value(latest.get("offered_current"))));
    }
    return out;
  }

  /**
   * The derived signals this configuration can feed, in the order to compute them (a signal comes
   * after those it reads).
   *
   * @param keysByDevice every configured device's reading keys, in configuration order
   * @param direct the signals devices feed themselves (their {@link Derivation}s)
   */
  public static List<Derived> derived(Map<String, Set<String>> keysByDevice, Set<String> direct,
      SignalsConfig config, LocationConfig location) {
    List<Derived> out = new ArrayList<>();
    Set<String> available = new LinkedHashSet<>(direct);
    String evse = firstWith(keysByDevice, "cp_state");
    String meter = firstWithAny(keysByDevice, CURRENTS);
    double threshold = config.hasChargingCurrentA() ? config.getChargingCurrentA() : 0.5;
    String watts = SignalCatalog.WATTAGE.name();

    if (!available.contains(SignalCatalog.IS_CHARGING.name())) {
      Derived d = isCharging(evse, meter, keysByDevice, threshold, available.contains(watts));
      if (d != null) {
        out.add(d);
        available.add(d.signal().name());
      }
    }
    if (!available.contains(SignalCatalog.CHARGER_PHASES.name()) && meter != null) {
      List<String> currents = present(keysByDevice.get(meter), CURRENTS);
      List<String> volts = present(keysByDevice.get(meter), VOLTAGES);
      List<String> inputs = new ArrayList<>();
      currents.forEach(k -> inputs.add(meter + "." + k));
      volts.forEach(k -> inputs.add(meter + "." + k));
      out.add(new Derived(SignalCatalog.CHARGER_PHASES, inputs, Set.of(meter), Set.of(), in -> {
        int loaded = 0;
        boolean any = false;
        for (String k : currents) {
          double a = in.number(meter, k);
          if (!Double.isNaN(a)) {
            any = true;
            if (Math.abs(a) >= threshold) {
              loaded++;
            }
          }
        }
        if (!any) {
          return null;
        }
        if (loaded > 0) {
          return (double) loaded;
        }
        int live = 0;
        for (String k : volts) {
          if (in.number(meter, k) >= LIVE_PHASE_V) {
            live++;
          }
        }
        return (double) live;
      }));
      available.add(SignalCatalog.CHARGER_PHASES.name());
    }
    String charging = SignalCatalog.IS_CHARGING.name();
    boolean haveCharging = available.contains(charging);
    if (!available.contains(SignalCatalog.CHARGE_RATE.name()) && available.contains(watts)
        && config.hasConsumptionWhPerKm()) {
      double whPerKm = config.getConsumptionWhPerKm();
      List<String> inputs = new ArrayList<>(List.of("signal " + watts,
          "config signals.consumption_wh_per_km = " + fmt(whPerKm)));
      Set<String> signals = new LinkedHashSet<>(List.of(watts));
      if (haveCharging) {
        inputs.add("signal " + charging);
        signals.add(charging);
      }
      out.add(new Derived(SignalCatalog.CHARGE_RATE, inputs, Set.of(), signals, in -> {
        double w = in.signalNumber(watts);
        if (Double.isNaN(w)) {
          return null;
        }
        if (Boolean.FALSE.equals(in.signalBool(charging)) || w <= 0) {
          return 0.0;
        }
        return Math.round(w / whPerKm * 10.0) / 10.0;
      }));
      available.add(SignalCatalog.CHARGE_RATE.name());
    }
    String soc = SignalCatalog.STATE_OF_CHARGE.name();
    String limits = SignalCatalog.CHARGE_LIMITS.name();
    if (!available.contains(SignalCatalog.TIME_TO_COMPLETE.name()) && available.contains(soc)
        && available.contains(watts) && config.hasBatteryCapacityKwh()) {
      double capacity = config.getBatteryCapacityKwh();
      List<String> inputs = new ArrayList<>(List.of("signal " + soc, "signal " + watts,
          "config signals.battery_capacity_kwh = " + fmt(capacity)));
      Set<String> signals = new LinkedHashSet<>(List.of(soc, watts));
      if (available.contains(limits)) {
        inputs.add("signal " + limits);
        signals.add(limits);
      }
      if (haveCharging) {
        inputs.add("signal " + charging);
        signals.add(charging);
      }
      out.add(new Derived(SignalCatalog.TIME_TO_COMPLETE, inputs, Set.of(), signals, in -> {
        double s = in.signalNumber(soc);
        double w = in.signalNumber(watts);
        if (Double.isNaN(s) || Double.isNaN(w)) {
          return null;
        }
        double limit = activeLimit(in, limits);
        if (Boolean.FALSE.equals(in.signalBool(charging)) || w <= 0 || s >= limit) {
          return 0.0;
        }
        double hours = (limit - s) / 100.0 * capacity / (w / 1000.0);
        return (double) Math.round(hours * 60.0);
      }));
      available.add(SignalCatalog.TIME_TO_COMPLETE.name());
    }
    if (!available.contains(SignalCatalog.DETAILED_STATUS.name()) && (evse != null || haveCharging)) {
      List<String> inputs = new ArrayList<>();
      Set<String> signals = new LinkedHashSet<>();
      Set<String> devices = evse == null ? Set.of() : Set.of(evse);
      if (evse != null) {
        inputs.add(evse + ".cp_state");
      }
      for (String s : new String[] {charging, SignalCatalog.CABLE_CONNECTED.name(), soc}) {
        if (available.contains(s)) {
          inputs.add("signal " + s);
          signals.add(s);
        }
      }
      boolean haveSoc = available.contains(soc);
      boolean haveCable = available.contains(SignalCatalog.CABLE_CONNECTED.name());
      out.add(new Derived(SignalCatalog.DETAILED_STATUS, inputs, devices, signals, in -> {
        Boolean isCharging = in.signalBool(charging);
        String cp = evse == null ? null : state(in.reading(evse, "cp_state"));
        if (cp != null && (cp.equals("E") || cp.equals("F"))) {
          return "FAULT";
        }
        if (Boolean.TRUE.equals(isCharging)) {
          return "CHARGING";
        }
        Boolean connected = cp != null ? Boolean.valueOf(!cp.equals("A"))
            : haveCable ? in.signalBool(SignalCatalog.CABLE_CONNECTED.name()) : null;
        if (connected == null) {
          return isCharging == null ? null : "NOT_CHARGING";
        }
        if (!connected) {
          return "NOT_CONNECTED";
        }
        if (haveSoc) {
          double s = in.signalNumber(soc);
          if (!Double.isNaN(s) && s >= activeLimit(in, limits)) {
            return "FULLY_CHARGED";
          }
        }
        return "CONNECTED";
      }));
      available.add(SignalCatalog.DETAILED_STATUS.name());
    }
    if (!available.contains(SignalCatalog.CONNECTOR_TYPE.name()) && !config.getConnectorType().isEmpty()) {
      String type = config.getConnectorType();
      out.add(new Derived(SignalCatalog.CONNECTOR_TYPE, List.of("config signals.connector_type = " + type),
          Set.of(), Set.of(), in -> type));
    }
    if (!available.contains(SignalCatalog.CHARGE_TIMERS.name()) && config.getChargeTimersCount() > 0) {
      List<SignalItem> items = SignalBodies.timers(config.getChargeTimersList(), location);
      out.add(new Derived(SignalCatalog.CHARGE_TIMERS,
          List.of("config signals.charge_timers (" + items.size() + ")"), Set.of(), Set.of(), in -> items));
    }
    return out;
  }

  private static Derived isCharging(String evse, String meter, Map<String, Set<String>> keysByDevice,
      double threshold, boolean haveWatts) {
    if (evse != null) {
      List<String> inputs = new ArrayList<>(List.of(evse + ".cp_state"));
      Set<String> devices = new LinkedHashSet<>(List.of(evse));
      List<String> currents = meter == null ? List.of() : present(keysByDevice.get(meter), CURRENTS);
      boolean enable = keysByDevice.get(evse).contains("charging_enabled");
      if (!currents.isEmpty()) {
        currents.forEach(k -> inputs.add(meter + "." + k));
        devices.add(meter);
      } else if (enable) {
        inputs.add(evse + ".charging_enabled");
      }
      return new Derived(SignalCatalog.IS_CHARGING, inputs, devices, Set.of(), in -> {
        String s = state(in.reading(evse, "cp_state"));
        if (s == null) {
          return null;
        }
        if (!s.equals("C") && !s.equals("D")) {
          return false;
        }
        if (!currents.isEmpty()) {
          for (String k : currents) {
            if (Math.abs(in.number(meter, k)) >= threshold) {
              return true;
            }
          }
          return false;
        }
        if (enable) {
          Reading r = in.reading(evse, "charging_enabled");
          return r == null || !(r.value() instanceof Boolean b) || b;
        }
        return true;
      });
    }
    if (haveWatts) {
      String watts = SignalCatalog.WATTAGE.name();
      return new Derived(SignalCatalog.IS_CHARGING, List.of("signal " + watts), Set.of(), Set.of(watts), in -> {
        double w = in.signalNumber(watts);
        return Double.isNaN(w) ? null : w > CHARGING_W;
      });
    }
    return null;
  }

  private static double activeLimit(Derived.Inputs in, String limits) {
    SignalValue v = in.signal(limits);
    return v != null && v.hasActiveLimit() ? v.getActiveLimit() : 100.0;
  }

  /** The IEC 61851 state letter of a {@code cp_state} reading ("C" of "C2"), or null. */
  static String state(Reading r) {
    if (r == null || r.value() == null) {
      return null;
    }
    String s = String.valueOf(r.value()).trim();
    if (s.isEmpty()) {
      return null;
    }
    char c = Character.toUpperCase(s.charAt(0));
    return c >= 'A' && c <= 'F' ? String.valueOf(c) : null;
  }

  private static Object value(Reading r) {
    return r == null ? null : r.value();
  }

  private static String firstWith(Map<String, Set<String>> keysByDevice, String key) {
    for (Map.Entry<String, Set<String>> e : keysByDevice.entrySet()) {
      if (e.getValue().contains(key)) {
        return e.getKey();
      }
    }
    return null;
  }

  private static String firstWithAny(Map<String, Set<String>> keysByDevice, List<String> keys) {
    for (Map.Entry<String, Set<String>> e : keysByDevice.entrySet()) {
      for (String k : keys) {
        if (e.getValue().contains(k)) {
          return e.getKey();
        }
      }
    }
    return null;
  }

  private static List<String> present(Set<String> keys, List<String> wanted) {
    return wanted.stream().filter(keys::contains).toList();
  }

  private static String fmt(double d) {
    StringBuilder b = new StringBuilder();
    ProtoJson.appendNumber(b, d);
    return b.toString();
  }

  /** A per-device signal from a function of the device's latest readings. */
  record Simple(SignalCatalog.Def signal, String device, List<String> inputs,
      Function<Map<String, Reading>, Object> fn) implements Derivation {
    @Override
    public Object compute(Map<String, Reading> latest) {
      return fn.apply(latest);
    }
  }
}
