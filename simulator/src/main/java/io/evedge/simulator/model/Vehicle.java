package io.evedge.simulator.model;

import io.evedge.proto.VehicleSpec;

/**
 * An electric vehicle: battery (capacity, state of charge, charge limit), on-board charger limits
 * for one and three phases, DC charging with a constant-current / constant-voltage taper above a
 * state of charge, a charge-port flap and a cable. Not thread-safe: the {@link ChargePoint} owns it.
 */
public final class Vehicle {

  private final VehicleSpec spec;
  private double socPercent;
  private double limitPercent;
  private boolean present;
  private boolean flapOpen;
  private boolean plugged;
  private boolean wantsCharge = true;

  public Vehicle(VehicleSpec spec) {
    this.spec = spec;
    this.socPercent = spec.getSocPercent();
    this.limitPercent = spec.getChargeLimitPercent();
  }

  public VehicleSpec spec() {
    return spec;
  }

  /**
   * Power the vehicle draws from an AC supply (W), limited by the offered current per phase, the
   * phases both sides have, and the on-board charger; 0 at or above the charge limit.
   */
  public double acDemandW(double offeredAmps, int supplyPhases, double volts) {
    if (!charging()) {
      return 0;
    }
    int phases = acPhases(supplyPhases);
    double obcW = (phases == 1 ? spec.getAcMaxKw1Phase() : spec.getAcMaxKw3Phase()) * 1000;
    return Math.min(obcW, offeredAmps * volts * phases);
  }

  /** Phases the on-board charger uses on a supply of {@code supplyPhases}. */
  public int acPhases(int supplyPhases) {
    return Math.min(supplyPhases, spec.getPhases()) >= 3 ? 3 : 1;
  }

  /** Power the vehicle accepts from a DC charger of {@code chargerMaxW} (W), tapering above the taper start. */
  public double dcDemandW(double chargerMaxW) {
    if (!charging()) {
      return 0;
    }
    double max = Math.min(chargerMaxW, spec.getDcMaxKw() * 1000);
    double taperStart = spec.getTaperStartPercent();
    if (socPercent <= taperStart) {
      return max;
    }
    double fraction = Math.max(0.05, (100 - socPercent) / (100 - taperStart));
    return max * fraction;
  }

  /** Whether the vehicle would draw now: plugged, asking, below its limit. */
  public boolean charging() {
    return plugged && wantsCharge && socPercent < limitPercent;
  }

  /** Energy into the battery over {@code seconds} at a grid power of {@code gridW}. */
  public void absorb(double gridW, double seconds, boolean dc) {
    double efficiency = dc ? 0.97 : spec.getAcEfficiency();
    double kwh = gridW * efficiency * seconds / 3.6e6;
    socPercent = Math.min(100, socPercent + kwh / spec.getCapacityKwh() * 100);
  }

  /** Estimated range at the current state of charge (km). */
  public double rangeKm() {
    return socPercent / 100 * spec.getCapacityKwh() / spec.getConsumptionKwhPer100Km() * 100;
  }

  /** Minutes to the charge limit at {@code gridW}, or 0 when there or not charging. */
  public double minutesToLimit(double gridW, boolean dc) {
    if (gridW <= 0 || socPercent >= limitPercent) {
      return 0;
    }
    double efficiency = dc ? 0.97 : spec.getAcEfficiency();
    double kwh = (limitPercent - socPercent) / 100 * spec.getCapacityKwh();
    return kwh / (gridW * efficiency / 1000) * 60;
  }

  public double socPercent() {
    return socPercent;
  }

  public double limitPercent() {
    return limitPercent;
  }

  void setLimit(double percent) {
    limitPercent = percent;
  }

  public boolean present() {
    return present;
  }

  void arrive() {
    present = true;
  }

  void depart() {
    present = false;
    plugged = false;
    flapOpen = false;
  }

  public boolean flapOpen() {
    return flapOpen;
  }

  void setFlap(boolean open) {
    flapOpen = open;
  }

  public boolean plugged() {
    return plugged;
  }

  void plug(boolean in) {
    plugged = in;
    if (in) {
      present = true;
      flapOpen = true;
    }
  }

  public boolean wantsCharge() {
    return wantsCharge;
  }

  void setWantsCharge(boolean wants) {
    wantsCharge = wants;
  }
}
