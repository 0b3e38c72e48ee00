package io.evedge.simulator.scenario;

import io.evedge.proto.FaultType;

/**
 * A server that injects protocol faults (the Modbus slave, the SLCAN adapter) when the scenario's
 * timeline says so.
 */
public interface FaultListener {

  /**
   * A fault starts ({@code active}) or ends. {@code value} is the event's value (exception code,
   * drop fraction) or NaN.
   *
   * @return whether this listener handles faults of that type
   */
  boolean onFault(FaultType type, boolean active, double value);
}
