package io.evedge.simulator.modbus;

import io.evedge.simulator.model.Meter;
import java.util.Map;

/**
 * The readings of a simple EVSE controller with a built-in meter, for serving EVSE profiles
 * ({@code evedge-sim-evse}, {@code phoenix-charx}) from a {@link Meter}: a vehicle is plugged in and
 * the cable locked all the time; the IEC 61851 state is C while the meter sees power and B otherwise;
 * 16 A offered on a 32 A cable; {@code session_energy} counts from the last start of charging and
 * keeps its value while idle.
 */
public final class EvseValues {

  /** Current signalled on CP while a vehicle is connected (A). */
  public static final double OFFERED_A = 16;
  /** Cable capacity coded by the PP resistor (A). */
  public static final double CABLE_A = 32;

  private final Meter meter;
  private double sessionStartKWh = Double.NaN;
  private double sessionKWh;
  private boolean wasCharging;

  public EvseValues(Meter meter) {
    this.meter = meter;
  }

  /** The meter's readings at {@code nanos} plus the EVSE's. */
  public synchronized Map<String, Object> readings(long nanos) {
    Map<String, Object> r = meter.readings(nanos);
    boolean charging = meter.powerW() > 0;
    double importKWh = (Double) r.get("energy_import");
    if (charging && !wasCharging) {
      sessionStartKWh = importKWh;
    }
    wasCharging = charging;
    if (charging) {
      sessionKWh = importKWh - sessionStartKWh;
    }
    r.put("cp_state", charging ? "C" : "B");
    r.put("offered_current", OFFERED_A);
    r.put("cable_capacity", CABLE_A);
    r.put("cable_locked", true);
    r.put("charging_enabled", true);
    r.put("error_code", 0.0);
    r.put("session_energy", sessionKWh);
    return r;
  }
}
