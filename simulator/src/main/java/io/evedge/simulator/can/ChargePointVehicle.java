package io.evedge.simulator.can;

import io.evedge.simulator.model.ChargePoint;
import io.evedge.simulator.model.CpState;
import io.evedge.simulator.model.Vehicle;

/**
 * The scenario's vehicle as its CAN bus shows it: the {@link VehicleState} of the shipped DBC read
 * from the {@link ChargePoint} model, so the bus, the meter and the EVSE controller always tell the
 * same story (and the ground truth's state of charge is what the bus carried).
 */
public final class ChargePointVehicle implements VehicleState {

  private static final double ODOMETER_KM = 12_345;

  private final ChargePoint cp;

  public ChargePointVehicle(ChargePoint cp) {
    this.cp = cp;
  }

  private Vehicle v() {
    return cp.vehicle();
  }

  @Override
  public double packVoltageV() {
    // a 96s NMC pack: about 330 V empty to 400 V full
    return 330 + 0.7 * v().socPercent();
  }

  @Override
  public double packCurrentA() {
    double efficiency = cp.dc() ? 0.97 : v().spec().getAcEfficiency();
    return cp.powerW() * efficiency / packVoltageV();
  }

  @Override
  public double maxCellTempC() {
    return 22 + cp.powerW() / 10_000;
  }

  @Override
  public double stateOfChargePercent() {
    return v().socPercent();
  }

  @Override
  public double usableStateOfChargePercent() {
    return Math.max(0, v().socPercent() * 0.97);
  }

  @Override
  public double energyRemainingKWh() {
    return v().socPercent() / 100 * v().spec().getCapacityKwh();
  }

  @Override
  public boolean flapOpen() {
    return v().flapOpen();
  }

  @Override
  public boolean cableConnected() {
    return v().plugged();
  }

  @Override
  public boolean cableLatched() {
    return v().plugged() && cp.cableLocked();
  }

  @Override
  public Connector connector() {
    return !v().plugged() ? Connector.NONE : cp.dc() ? Connector.CCS2 : Connector.TYPE2;
  }

  @Override
  public PortLed portLed() {
    if (cp.rcdTripped()) {
      return PortLed.RED;
    }
    if (!v().plugged()) {
      return v().flapOpen() ? PortLed.WHITE : PortLed.OFF;
    }
    if (cp.powerW() > 0) {
      return PortLed.GREEN;
    }
    return v().socPercent() >= v().limitPercent() ? PortLed.GREEN : PortLed.BLUE;
  }

  @Override
  public double pilotCurrentA() {
    return v().plugged() && !cp.dc() ? cp.offeredAmps() : 0;
  }

  @Override
  public double cableCapacityA() {
    return v().plugged() ? cp.evse().getCableCapacityA() : 0;
  }

  @Override
  public ChargeState chargeState() {
    if (cp.cpState() == CpState.F || cp.cpState() == CpState.E) {
      return ChargeState.FAULT;
    }
    if (!v().plugged()) {
      return ChargeState.IDLE;
    }
    if (cp.powerW() > 0) {
      return ChargeState.CHARGING;
    }
    if (v().socPercent() >= v().limitPercent()) {
      return ChargeState.COMPLETE;
    }
    return v().wantsCharge() ? ChargeState.PLUGGED : ChargeState.STOPPED;
  }

  @Override
  public boolean charging() {
    return cp.powerW() > 0;
  }

  @Override
  public boolean fastChargerPresent() {
    return cp.dc() && v().plugged();
  }

  @Override
  public FastCharger fastChargerType() {
    return fastChargerPresent() ? FastCharger.CCS : FastCharger.NONE;
  }

  @Override
  public double chargeLimitPercent() {
    return v().limitPercent();
  }

  @Override
  public double timeToCompleteMin() {
    return v().minutesToLimit(cp.powerW(), cp.dc());
  }

  @Override
  public double requestedCurrentA() {
    if (!v().charging()) {
      return 0;
    }
    if (cp.dc()) {
      return v().dcDemandW(cp.evse().getDcMaxPowerKw() * 1000) / packVoltageV();
    }
    int phases = v().acPhases((int) cp.evse().getPhases());
    double obcW = (phases == 1 ? v().spec().getAcMaxKw1Phase() : v().spec().getAcMaxKw3Phase()) * 1000;
    return obcW / (cp.evse().getVoltageV() * phases);
  }

  @Override
  public double inputVoltageV() {
    if (!v().plugged()) {
      return 0;
    }
    return cp.dc() ? packVoltageV() : cp.evse().getVoltageV();
  }

  @Override
  public double inputCurrentA() {
    double volts = inputVoltageV();
    if (volts <= 0) {
      return 0;
    }
    int phases = cp.dc() ? 1 : v().acPhases((int) cp.evse().getPhases());
    return cp.powerW() / (volts * phases);
  }

  @Override
  public double inputPowerKW() {
    return cp.powerW() / 1000;
  }

  @Override
  public double rangeKm() {
    return v().rangeKm();
  }

  @Override
  public double odometerKm() {
    return ODOMETER_KM;
  }
}
