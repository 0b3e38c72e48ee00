package io.evedge.simulator.can;

import io.evedge.time.Scheduler;
import java.time.Duration;
import java.util.Objects;

/**
 * A small battery electric vehicle that plugs in, charges and unplugs, over and over, in the
 * simulated time of a {@link Scheduler}.
 *
 * <p>Each cycle: parked with the charge port closed for {@code parked}; the flap opens; 3 s later
 * the cable is in, 1 s later latched; 2 s later charging starts at {@code chargePowerW} (constant
 * power up to 80 % state of charge, then tapering linearly to a fifth of it at 100 %, the CC-CV
 * shape); at the charge limit charging completes; after {@code afterCharge} the latch opens, 2 s
 * later the cable is out, 3 s later the flap closes, and the car is driven back to its starting
 * state of charge (the odometer counts the distance).
 *
 * <p>The battery: open-circuit voltage from 330 V empty to 420 V full, 80 mΩ internal resistance,
 * 92 % charging efficiency (AC on three phases of 230 V, or DC at the pack voltage), 4.5 km of
 * range per percent. All values follow from the simulated time, so a run is reproducible at any
 * speed. Thread-safe.
 */
public final class SimpleVehicle implements VehicleState {

  /**
   * @param capacityKWh usable battery capacity
   * @param startSocPercent state of charge at the start of each cycle
   * @param limitPercent charge limit
   * @param chargePowerW power at the inlet while charging below 80 %
   * @param dc DC fast charging (CCS) rather than AC
   * @param parked time parked before each plug-in
   * @param afterCharge time plugged in after charging completes
   */
  public record Options(double capacityKWh, double startSocPercent, double limitPercent,
      double chargePowerW, boolean dc, Duration parked, Duration afterCharge) {

    /** A 75 kWh car at 40 % charging at 11 kW AC to 90 %, after a minute parked. */
    public static Options defaults() {
      return new Options(75, 40, 90, 11_040, false, Duration.ofMinutes(1), Duration.ofMinutes(1));
    }
  }

  private enum Phase { PARKED, FLAP_OPEN, CABLE_IN, LATCHED, CHARGING, COMPLETE, UNLATCHED, CABLE_OUT }

  private static final long SECOND = 1_000_000_000L;
  private static final double AC_VOLTS = 230;
  private static final double EFFICIENCY = 0.92;
  private static final double RESISTANCE_OHM = 0.08;
  private static final double KM_PER_PERCENT = 4.5;

  private final Options o;
  private final Scheduler scheduler;
  private final long originNanos;
  private long now;
  private Phase phase = Phase.PARKED;
  private long phaseStart;
  private double soc;
  private double odometerKm = 12_345.6;

  public SimpleVehicle(Options options, Scheduler scheduler) {
    this.o = Objects.requireNonNull(options, "options");
    this.scheduler = scheduler;
    this.originNanos = scheduler.nanoTime();
    this.now = originNanos;
    this.phaseStart = originNanos;
    this.soc = options.startSocPercent();
  }

  /** Brings the model up to the scheduler's present. */
  private void update() {
    long target = scheduler.nanoTime();
    while (now < target) {
      long end = Math.min(target, phaseEnd());
      if (phase == Phase.CHARGING) {
        end = chargeUntil(end);
      }
      now = end;
      if (now == phaseEnd() || (phase == Phase.CHARGING && soc >= o.limitPercent())) {
        next();
      }
    }
  }

  /** Charges from {@link #now} towards {@code end} in steps of at most a second; returns where it stopped. */
  private long chargeUntil(long end) {
    long t = now;
    while (t < end && soc < o.limitPercent()) {
      long step = Math.min(SECOND, end - t);
      double kWh = batteryPowerW() * step / 3.6e12 / 1000;
      soc = Math.min(o.limitPercent(), soc + 100 * kWh / o.capacityKWh());
      t += step;
    }
    return t;
  }

  private long phaseEnd() {
    long d = switch (phase) {
      case PARKED -> o.parked().toNanos();
      case FLAP_OPEN -> 3 * SECOND;
      case CABLE_IN -> SECOND;
      case LATCHED -> 2 * SECOND;
      case CHARGING -> Long.MAX_VALUE / 4;
      case COMPLETE -> o.afterCharge().toNanos();
      case UNLATCHED -> 2 * SECOND;
      case CABLE_OUT -> 3 * SECOND;
    };
    return phaseStart + Math.max(1, d);
  }

  private void next() {
    phase = switch (phase) {
      case PARKED -> Phase.FLAP_OPEN;
      case FLAP_OPEN -> Phase.CABLE_IN;
      case CABLE_IN -> Phase.LATCHED;
      case LATCHED -> o.limitPercent() > soc ? Phase.CHARGING : Phase.COMPLETE;
      case CHARGING -> Phase.COMPLETE;
      case COMPLETE -> Phase.UNLATCHED;
      case UNLATCHED -> Phase.CABLE_OUT;
      case CABLE_OUT -> {
        // driven back to the start: the odometer counts it
        odometerKm += Math.max(0, soc - o.startSocPercent()) * KM_PER_PERCENT;
        soc = o.startSocPercent();
        yield Phase.PARKED;
      }
    };
    phaseStart = now;
  }

  /** Inlet power now, W. */
  private double inletPowerW() {
    if (phase != Phase.CHARGING) {
      return 0;
    }
    double taper = soc <= 80 ? 1 : 1 - 0.8 * (soc - 80) / 20;
    return o.chargePowerW() * taper;
  }

  private double batteryPowerW() {
    return inletPowerW() * EFFICIENCY;
  }

  private double ocv() {
    return 330 + 0.9 * soc;
  }

  @Override
  public synchronized double packVoltageV() {
    update();
    return ocv() + packCurrentNow() * RESISTANCE_OHM;
  }

  private double packCurrentNow() {
    return batteryPowerW() / ocv();
  }

  @Override
  public synchronized double packCurrentA() {
    update();
    return packCurrentNow();
  }

  @Override
  public synchronized double maxCellTempC() {
    update();
    return 25 + inletPowerW() / 1000 * 0.5;
  }

  @Override
  public synchronized double stateOfChargePercent() {
    update();
    return soc;
  }

  @Override
  public synchronized double usableStateOfChargePercent() {
    update();
    return Math.max(0, soc - 3);
  }

  @Override
  public synchronized double energyRemainingKWh() {
    update();
    return o.capacityKWh() * soc / 100;
  }

  @Override
  public synchronized boolean flapOpen() {
    update();
    return phase != Phase.PARKED;
  }

  @Override
  public synchronized boolean cableConnected() {
    update();
    return cableConnectedNow();
  }

  @Override
  public synchronized boolean cableLatched() {
    update();
    return phase.compareTo(Phase.LATCHED) >= 0 && phase.compareTo(Phase.COMPLETE) <= 0;
  }

  @Override
  public synchronized Connector connector() {
    update();
    return cableConnectedNow() ? (o.dc() ? Connector.CCS2 : Connector.TYPE2) : Connector.NONE;
  }

  private boolean cableConnectedNow() {
    return phase.compareTo(Phase.CABLE_IN) >= 0 && phase.compareTo(Phase.UNLATCHED) <= 0;
  }

  @Override
  public synchronized PortLed portLed() {
    update();
    return switch (phase) {
      case PARKED -> PortLed.OFF;
      case FLAP_OPEN, CABLE_OUT -> PortLed.WHITE;
      case CABLE_IN, LATCHED, UNLATCHED -> PortLed.BLUE;
      case CHARGING, COMPLETE -> PortLed.GREEN;
    };
  }

  @Override
  public synchronized double pilotCurrentA() {
    update();
    return cableConnectedNow() && !o.dc() ? acPhaseCurrentLimit() : 0;
  }

  private double acPhaseCurrentLimit() {
    return Math.ceil(o.chargePowerW() / (3 * AC_VOLTS));
  }

  @Override
  public synchronized double cableCapacityA() {
    update();
    return cableConnectedNow() && !o.dc() ? 32 : 0;
  }

  @Override
  public synchronized ChargeState chargeState() {
    update();
    return switch (phase) {
      case PARKED, FLAP_OPEN, CABLE_OUT -> ChargeState.IDLE;
      case CABLE_IN, LATCHED, UNLATCHED -> ChargeState.PLUGGED;
      case CHARGING -> ChargeState.CHARGING;
      case COMPLETE -> ChargeState.COMPLETE;
    };
  }

  @Override
  public synchronized boolean charging() {
    update();
    return phase == Phase.CHARGING;
  }

  @Override
  public synchronized boolean fastChargerPresent() {
    update();
    return o.dc() && cableConnectedNow();
  }

  @Override
  public synchronized FastCharger fastChargerType() {
    update();
    return o.dc() && cableConnectedNow() ? FastCharger.CCS : FastCharger.NONE;
  }

  @Override
  public double chargeLimitPercent() {
    return o.limitPercent();
  }

  @Override
  public synchronized double timeToCompleteMin() {
    update();
    if (phase != Phase.CHARGING) {
      return 0;
    }
    // the taper lengthens the part above 80 %: add up the minutes of each percent
    double minutes = 0;
    for (double s = soc; s < o.limitPercent(); s += 1) {
      double percent = Math.min(1, o.limitPercent() - s);
      double taper = s <= 80 ? 1 : 1 - 0.8 * (s - 80) / 20;
      double kWh = o.capacityKWh() * percent / 100;
      double kW = o.chargePowerW() * taper * EFFICIENCY / 1000;
      minutes += kWh / kW * 60;
    }
    return Math.round(minutes);
  }

  @Override
  public synchronized double requestedCurrentA() {
    update();
    if (phase != Phase.CHARGING) {
      return 0;
    }
    return o.dc() ? inletPowerW() / ocv() : acPhaseCurrentLimit();
  }

  @Override
  public synchronized double inputVoltageV() {
    update();
    if (!cableConnectedNow()) {
      return 0;
    }
    return o.dc() ? ocv() + packCurrentNow() * RESISTANCE_OHM : AC_VOLTS;
  }

  @Override
  public synchronized double inputCurrentA() {
    update();
    double w = inletPowerW();
    return o.dc() ? w / (ocv() + packCurrentNow() * RESISTANCE_OHM) : w / (3 * AC_VOLTS);
  }

  @Override
  public synchronized double inputPowerKW() {
    update();
    return inletPowerW() / 1000;
  }

  @Override
  public synchronized double rangeKm() {
    update();
    return soc * KM_PER_PERCENT;
  }

  @Override
  public synchronized double odometerKm() {
    update();
    return odometerKm;
  }

  /** Simulated time since the model started. */
  public Duration elapsed() {
    return Duration.ofNanos(scheduler.nanoTime() - originNanos);
  }
}
