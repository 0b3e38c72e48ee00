package io.evedge.simulator.model;

import io.evedge.proto.EvseSpec;
import io.evedge.proto.MeterSpec;
import io.evedge.proto.TrueSession;
import io.evedge.proto.VehicleSpec;
import io.evedge.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A charge point with a vehicle: the EVSE (IEC 61851 states A–F, offered current, cable lock, RCD),
 * the vehicle ({@link Vehicle}), a meter ({@link Meter}) or a DC charger. Physics advance in steps of
 * {@link #STEP} of simulated time, and at every event; power is constant within a step, so the meter's
 * register is the exact integral of the power the vehicle drew, and every true session
 * ({@link TrueSession}) is reported when the cable is pulled.
 *
 * <p>All methods are synchronized: the scenario runner calls them on the scheduler thread and the
 * Modbus and SLCAN servers read snapshots from their own threads.
 */
public final class ChargePoint {

  /** Physics step of simulated time. */
  public static final Duration STEP = Duration.ofSeconds(1);

  private final Scheduler scheduler;
  private final EvseSpec evseSpec;
  private final Vehicle vehicle;
  private final Meter meter;
  private final Consumer<TrueSession> truth;
  private final String scenario;

  private double offeredAmps;
  // charging needs an authorisation (the START event: RFID, app, or a free-charging setting)
  private boolean enabled;
  private boolean locked;
  private boolean rcdTripped;
  private double powerW;
  private int phasesUsed;
  private long lastNanos;
  private Duration clockStep = Duration.ZERO;

  // the true session in progress
  private int sessions;
  private Instant pluggedIn;
  private Instant chargeStart;
  private Instant chargeEnd;
  private double meterStart;
  private double trueStart;
  private double socStart;
  private int maxPhases;
  private double maxPowerW;

  private final Duration replugDebounce;
  private Scheduler.Cancellable pendingEnd;
  private TrueSession.Builder ending;

  public ChargePoint(Scheduler scheduler, String scenario, EvseSpec evse, VehicleSpec vehicle, MeterSpec meter,
      long seed, Duration replugDebounce, Consumer<TrueSession> truth) {
    this.replugDebounce = replugDebounce;
    this.scheduler = scheduler;
    this.scenario = scenario;
    this.evseSpec = evse;
    this.vehicle = new Vehicle(vehicle);
    this.meter = new Meter(meter.getPhases() >= 2 ? 3 : 1, evse.getVoltageV(), meter.getStartKwh(), seed);
    this.truth = truth;
    this.offeredAmps = evse.getMaxCurrentA();
    this.lastNanos = scheduler.nanoTime();
    this.meter.setPower(lastNanos, 0);
  }

  // ---- physics ----

  /** Advances the physics to now: integrates the step that just ended and sets the next power. */
  public synchronized void step() {
    long now = scheduler.nanoTime();
    double seconds = (now - lastNanos) / 1e9;
    if (seconds > 0 && powerW > 0) {
      vehicle.absorb(powerW, seconds, evseSpec.getDc());
      maxPowerW = Math.max(maxPowerW, powerW);
      chargeEnd = now();
    }
    lastNanos = now;
    double next = demandW();
    if (next > 0 && chargeStart == null && pluggedIn != null) {
      chargeStart = now();
    }
    if (next > 0) {
      maxPhases = Math.max(maxPhases, phasesUsed);
    }
    powerW = next;
    meter.setPower(now, next, Math.max(1, phasesUsed));
  }

  private double demandW() {
    if (cpState() != CpState.C) {
      phasesUsed = 0;
      return 0;
    }
    if (evseSpec.getDc()) {
      phasesUsed = 0;
      return vehicle.dcDemandW(evseSpec.getDcMaxPowerKw() * 1000);
    }
    int supply = (int) evseSpec.getPhases();
    phasesUsed = vehicle.acPhases(supply);
    double amps = Math.min(offeredAmps, evseSpec.getCableCapacityA());
    return amps < 6 ? 0 : vehicle.acDemandW(amps, supply, evseSpec.getVoltageV());
  }

  /** The IEC 61851 state the EVSE sees now. */
  public synchronized CpState cpState() {
    if (rcdTripped) {
      return CpState.F;
    }
    if (!vehicle.plugged()) {
      return CpState.A;
    }
    boolean pwmOn = enabled && offeredAmps >= 6;
    return pwmOn && vehicle.charging() ? CpState.C : CpState.B;
  }

  // ---- events ----

  public synchronized void arrive() {
    step();
    vehicle.arrive();
  }

  public synchronized void setFlap(boolean open) {
    step();
    vehicle.setFlap(open);
  }

  public synchronized void plug() {
    step();
    if (vehicle.plugged()) {
      return;
    }
    vehicle.plug(true);
    locked = evseSpec.getCableLock();
    if (pendingEnd != null) {
      // plugged back within the debounce window: the same session goes on
      pendingEnd.cancel();
      pendingEnd = null;
      ending = null;
      step();
      return;
    }
    pluggedIn = now();
    chargeStart = null;
    chargeEnd = null;
    meterStart = meter.importKWh();
    trueStart = meter.trueImportKWh();
    socStart = vehicle.socPercent();
    maxPhases = 0;
    maxPowerW = 0;
    step();
  }

  public synchronized void unplug() {
    step();
    if (!vehicle.plugged()) {
      return;
    }
    vehicle.plug(false);
    locked = false;
    enabled = false;
    step();
    TrueSession.Builder s = TrueSession.newBuilder()
        .setScenario(scenario)
        .setPluggedIn(pluggedIn.toString())
        .setUnplugged(now().toString())
        .setEnergyKwh(meter.trueImportKWh() - trueStart)
        .setMeterStartKwh(meterStart)
        .setMeterStopKwh(meter.importKWh())
        .setSocStart(socStart)
        .setSocEnd(vehicle.socPercent())
        .setPhases(evseSpec.getDc() ? 0 : maxPhases)
        .setChargingType(evseSpec.getDc() ? "DC" : "AC")
        .setMaxPowerKw(maxPowerW / 1000);
    if (chargeStart != null) {
      s.setChargeStart(chargeStart.toString()).setChargeEnd(chargeEnd.toString());
    }
    ending = s;
    pendingEnd = scheduler.schedule(this::endSession, replugDebounce);
  }

  private synchronized void endSession() {
    if (ending == null) {
      return;
    }
    sessions++;
    TrueSession done = ending.setNumber(sessions).build();
    ending = null;
    pendingEnd = null;
    pluggedIn = null;
    truth.accept(done);
  }

  /** Ends a session whose debounce window is still open (at the end of a run). */
  public synchronized void flush() {
    if (pendingEnd != null) {
      pendingEnd.cancel();
      endSession();
    }
  }

  public synchronized void startCharging() {
    step();
    enabled = true;
    vehicle.setWantsCharge(true);
    step();
  }

  public synchronized void pause() {
    step();
    vehicle.setWantsCharge(false);
    step();
  }

  public synchronized void resume() {
    step();
    vehicle.setWantsCharge(true);
    step();
  }

  public synchronized void setOfferedCurrent(double amps) {
    step();
    offeredAmps = amps;
    step();
  }

  public synchronized void setEnabled(boolean on) {
    step();
    enabled = on;
    step();
  }

  public synchronized void setLimit(double percent) {
    step();
    vehicle.setLimit(percent);
    step();
  }

  public synchronized void depart() {
    unplug();
    vehicle.depart();
  }

  public synchronized void rcdTrip(boolean tripped) {
    step();
    rcdTripped = tripped;
    step();
  }

  public synchronized void resetMeterRegister() {
    step();
    meter.resetRegister(scheduler.nanoTime());
  }

  public synchronized void freezeMeter(boolean on) {
    meter.freeze(on);
  }

  /** Steps the clock the hardware and the agent's host see (a Pi syncing NTP late). */
  public synchronized void stepClock(Duration by) {
    clockStep = clockStep.plus(by);
  }

  /** The scenario's wall-clock time, including clock steps. */
  public synchronized Instant now() {
    return scheduler.now().plus(clockStep);
  }

  // ---- what the hardware shows ----

  public Meter meter() {
    return meter;
  }

  public synchronized Vehicle vehicle() {
    return vehicle;
  }

  public synchronized double powerW() {
    return powerW;
  }

  public synchronized boolean dc() {
    return evseSpec.getDc();
  }

  /**
   * The EVSE controller's values by reading key ({@code cp_state}, {@code offered_current},
   * {@code cable_capacity}, {@code cable_locked}, {@code charging_enabled}) plus the meter's.
   */
  public synchronized Map<String, Object> evseReadings() {
    Map<String, Object> r = new HashMap<>(meter.readings(scheduler.nanoTime()));
    r.put("cp_state", cpState().name());
    r.put("offered_current", offeredAmps);
    r.put("cable_capacity", evseSpec.getCableCapacityA());
    r.put("cable_locked", locked);
    r.put("charging_enabled", enabled);
    r.put("charging_type", evseSpec.getDc() ? "DC" : "AC");
    r.put("error_code", rcdTripped ? 1.0 : 0.0);
    r.put("session_energy", pluggedIn == null ? 0.0 : meter.importKWh() - meterStart);
    return r;
  }

  /** Current the EVSE offers on the control pilot (A). */
  public synchronized double offeredAmps() {
    return offeredAmps;
  }

  /** Whether the EVSE holds the cable locked. */
  public synchronized boolean cableLocked() {
    return locked;
  }

  /** Whether the residual current device has tripped. */
  public synchronized boolean rcdTripped() {
    return rcdTripped;
  }

  /** The EVSE's specification. */
  public EvseSpec evse() {
    return evseSpec;
  }

  /** Number of completed true sessions. */
  public synchronized int sessions() {
    return sessions;
  }
}
