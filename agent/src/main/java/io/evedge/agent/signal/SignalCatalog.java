package io.evedge.agent.signal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every signal the agent can publish, with the unit string of {@code reference/charge-signals.md}
 * (exactly as the reference spells it) and the shape of its value.
 */
public final class SignalCatalog {

  /** The shape of a signal's {@code value}. */
  public enum Kind { NUMBER, BOOL, TEXT, OBJECT }

  /** One signal: its path name, reference unit (empty when the reference has none) and value kind. */
  public record Def(String name, String unit, Kind kind) {}

  public static final Def AMPERAGE = new Def("charge-amperage", "ampere", Kind.NUMBER);
  public static final Def AMPERAGE_MAX = new Def("charge-amperagemax", "ampere", Kind.NUMBER);
  public static final Def AMPERAGE_REQUESTED = new Def("charge-amperagerequested", "ampere", Kind.NUMBER);
  public static final Def CHARGE_LIMITS = new Def("charge-chargelimits", "percent", Kind.OBJECT);
  public static final Def PORT_STATUS_COLOR = new Def("charge-chargeportstatuscolor", "", Kind.TEXT);
  public static final Def CHARGE_RATE = new Def("charge-chargerate", "km/h", Kind.NUMBER);
  public static final Def CHARGE_RECORDS = new Def("charge-chargerecords", "", Kind.OBJECT);
  public static final Def CHARGER_PHASES = new Def("charge-chargerphases", "", Kind.NUMBER);
  public static final Def CHARGE_TIMERS = new Def("charge-chargetimers", "", Kind.OBJECT);
  public static final Def CONNECTOR_TYPE = new Def("charge-chargingconnectortype", "", Kind.TEXT);
  public static final Def DETAILED_STATUS = new Def("charge-detailedchargingstatus", "", Kind.TEXT);
  public static final Def ENERGY_ADDED = new Def("charge-energyadded", "kWh", Kind.NUMBER);
  public static final Def FAST_CHARGER_TYPE = new Def("charge-fastchargertype", "", Kind.TEXT);
  public static final Def IS_CHARGING = new Def("charge-ischarging", "", Kind.BOOL);
  public static final Def CABLE_CONNECTED = new Def("charge-ischargingcableconnected", "", Kind.BOOL);
  public static final Def CABLE_LATCHED = new Def("charge-ischargingcablelatched", "", Kind.BOOL);
  public static final Def PORT_FLAP_OPEN = new Def("charge-ischargingportflapopen", "", Kind.BOOL);
  public static final Def FAST_CHARGER_PRESENT = new Def("charge-isfastchargerpresent", "", Kind.BOOL);
  public static final Def TIME_TO_COMPLETE = new Def("charge-timetocomplete", "min", Kind.NUMBER);
  public static final Def VOLTAGE = new Def("charge-voltage", "volts", Kind.NUMBER);
  public static final Def WATTAGE = new Def("charge-wattage", "watts", Kind.NUMBER);
  public static final Def STATE_OF_CHARGE = new Def("tractionbattery-stateofcharge", "percent", Kind.NUMBER);
  public static final Def RANGE = new Def("tractionbattery-range", "km", Kind.NUMBER);

  private static final Map<String, Def> ALL = new LinkedHashMap<>();

  static {
    for (Def d : new Def[] {AMPERAGE, AMPERAGE_MAX, AMPERAGE_REQUESTED, CHARGE_LIMITS, PORT_STATUS_COLOR,
        CHARGE_RATE, CHARGE_RECORDS, CHARGER_PHASES, CHARGE_TIMERS, CONNECTOR_TYPE, DETAILED_STATUS,
        ENERGY_ADDED, FAST_CHARGER_TYPE, IS_CHARGING, CABLE_CONNECTED, CABLE_LATCHED, PORT_FLAP_OPEN,
        FAST_CHARGER_PRESENT, TIME_TO_COMPLETE, VOLTAGE, WATTAGE, STATE_OF_CHARGE, RANGE}) {
      ALL.put(d.name(), d);
    }
  }

  private SignalCatalog() {}

  /** All signals, in the order of the reference. */
  public static Map<String, Def> all() {
    return java.util.Collections.unmodifiableMap(ALL);
  }

  public static Optional<Def> find(String name) {
    return Optional.ofNullable(ALL.get(name));
  }
}
