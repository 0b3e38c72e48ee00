package io.evedge.simulator.can;

/**
 * What a simulated vehicle shows on its CAN bus at one moment: the quantities of the shipped
 * {@code evedge-generic-ev} DBC, in physical units. The enums' ordinals are the DBC's raw codes (its
 * {@code VAL_} tables). {@link VehicleFrames} encodes a state into the DBC's frames; any model of a
 * vehicle (the simple one here, a fuller physics model later) only has to provide this.
 */
public interface VehicleState {

  /** {@code CP_ConnectorType}. */
  enum Connector { NONE, J1772, TYPE2, CCS1, CCS2, CHADEMO, NACS, GBT }

  /** {@code CP_LedColour}. */
  enum PortLed { OFF, WHITE, BLUE, GREEN, YELLOW, RED }

  /** {@code OBC_ChargeState}. */
  enum ChargeState { IDLE, PLUGGED, CHARGING, COMPLETE, STOPPED, FAULT, SCHEDULED }

  /** {@code OBC_FastChargerType}. */
  enum FastCharger { NONE, CCS, CHADEMO, NACS, GBT }

  /** Battery pack voltage, V. */
  double packVoltageV();

  /** Battery pack current, A, positive into the battery. */
  double packCurrentA();

  /** Hottest cell, °C. */
  double maxCellTempC();

  /** Displayed state of charge, %. */
  double stateOfChargePercent();

  /** Usable state of charge, %. */
  double usableStateOfChargePercent();

  /** Energy left in the battery, kWh. */
  double energyRemainingKWh();

  boolean flapOpen();

  boolean cableConnected();

  boolean cableLatched();

  Connector connector();

  PortLed portLed();

  /** Current the EVSE offers on the control pilot, A. */
  double pilotCurrentA();

  /** The cable's current capacity, A (0 without a cable). */
  double cableCapacityA();

  ChargeState chargeState();

  boolean charging();

  boolean fastChargerPresent();

  FastCharger fastChargerType();

  /** The active charge limit, %. */
  double chargeLimitPercent();

  /** Minutes until the charge limit is reached; 0 when not charging. */
  double timeToCompleteMin();

  /** Current the vehicle asks of the charger, A. */
  double requestedCurrentA();

  /** Voltage at the inlet (AC per phase, or DC), V. */
  double inputVoltageV();

  /** Current at the inlet (AC per phase, or DC), A. */
  double inputCurrentA();

  /** Power at the inlet, kW. */
  double inputPowerKW();

  /** Estimated range, km. */
  double rangeKm();

  /** Odometer, km. */
  double odometerKm();
}
