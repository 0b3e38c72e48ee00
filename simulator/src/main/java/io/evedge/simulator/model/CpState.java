package io.evedge.simulator.model;

/** IEC 61851-1 control pilot states, as an EVSE controller reports them. */
public enum CpState {
  /** No vehicle connected. */
  A,
  /** Vehicle connected, not ready to charge (or not allowed). */
  B,
  /** Vehicle connected and charging. */
  C,
  /** Charging with ventilation required (not simulated). */
  D,
  /** Error: control pilot shorted or EVSE without power. */
  E,
  /** EVSE fault (e.g. residual current device tripped). */
  F
}
