package io.evedge.simulator.can;

import io.evedge.drivers.can.CanFrame;
import io.evedge.drivers.can.CanResources;
import io.evedge.drivers.can.DbcDatabase;
import io.evedge.drivers.can.DbcMessage;
import io.evedge.drivers.can.DbcSignal;
import io.evedge.yaml.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The frames of the shipped {@code evedge-generic-ev} DBC, encoded from a {@link VehicleState}:
 * every signal of every message of that file, so the simulated vehicle emits exactly the DBC the
 * agent's shipped mapping reads. Values are encoded with the DBC's own factor, offset and byte
 * order ({@link DbcSignal#encode}).
 */
public final class VehicleFrames {

  /** The DBC the frames follow. */
  public static final String DBC = "evedge-generic-ev";

  private static final Map<String, ToDoubleFunction<VehicleState>> SIGNALS = new HashMap<>();

  static {
    SIGNALS.put("BMS_PackVoltage", VehicleState::packVoltageV);
    SIGNALS.put("BMS_PackCurrent", VehicleState::packCurrentA);
    SIGNALS.put("BMS_MaxCellTemp", VehicleState::maxCellTempC);
    SIGNALS.put("CP_FlapOpen", s -> s.flapOpen() ? 1 : 0);
    SIGNALS.put("CP_CableState", s -> s.cableConnected() ? 2 : 1);
    SIGNALS.put("CP_LatchState", s -> s.cableLatched() ? 2 : 1);
    SIGNALS.put("CP_ConnectorType", s -> s.connector().ordinal());
    SIGNALS.put("CP_LedColour", s -> s.portLed().ordinal());
    SIGNALS.put("CP_PilotCurrent", VehicleState::pilotCurrentA);
    SIGNALS.put("CP_CableCapacity", VehicleState::cableCapacityA);
    SIGNALS.put("BMS_SOC_Display", VehicleState::stateOfChargePercent);
    SIGNALS.put("BMS_SOC_Usable", VehicleState::usableStateOfChargePercent);
    SIGNALS.put("BMS_EnergyRemaining", VehicleState::energyRemainingKWh);
    SIGNALS.put("OBC_ChargeState", s -> s.chargeState().ordinal());
    SIGNALS.put("OBC_Charging", s -> s.charging() ? 1 : 0);
    SIGNALS.put("OBC_FastChargerPresent", s -> s.fastChargerPresent() ? 1 : 0);
    SIGNALS.put("OBC_FastChargerType", s -> s.fastChargerType().ordinal());
    SIGNALS.put("OBC_ChargeLimit", VehicleState::chargeLimitPercent);
    SIGNALS.put("OBC_TimeToComplete", VehicleState::timeToCompleteMin);
    SIGNALS.put("OBC_RequestedCurrent", VehicleState::requestedCurrentA);
    SIGNALS.put("CHG_InputVoltage", VehicleState::inputVoltageV);
    SIGNALS.put("CHG_InputCurrent", VehicleState::inputCurrentA);
    SIGNALS.put("CHG_InputPower", VehicleState::inputPowerKW);
    SIGNALS.put("VCU_RangeEstimate", VehicleState::rangeKm);
    SIGNALS.put("VCU_Odometer", VehicleState::odometerKm);
  }

  /** The alive counter of the battery message, counted here rather than in the model. */
  private static final String ALIVE_COUNTER = "BMS_AliveCounter";

  private final DbcDatabase dbc;
  private final VehicleState state;
  private int alive;

  /** Frames of {@code state} after the shipped DBC. */
  public VehicleFrames(VehicleState state) {
    this.state = state;
    try {
      this.dbc = CanResources.dbc(DBC, null).database();
    } catch (ConfigException e) {
      throw new IllegalStateException("the shipped DBC " + DBC + " is missing: " + e.getMessage(), e);
    }
    List<String> missing = new ArrayList<>();
    for (DbcMessage m : dbc.messages()) {
      for (DbcSignal s : m.signals()) {
        if (!SIGNALS.containsKey(s.name()) && !s.name().equals(ALIVE_COUNTER)) {
          missing.add(m.name() + "." + s.name());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("no simulated value for " + String.join(", ", missing));
    }
  }

  /** The messages, each with its cycle time. */
  public List<DbcMessage> messages() {
    return dbc.messages();
  }

  /** The frame of {@code message} now (without timestamp). */
  public synchronized CanFrame frame(DbcMessage message) {
    long data = 0;
    for (DbcSignal s : message.signals()) {
      if (s.name().equals(ALIVE_COUNTER)) {
        data = s.encodeRaw(data, alive);
        alive = (alive + 1) & 0xF;
      } else {
        data = s.encode(data, SIGNALS.get(s.name()).applyAsDouble(state));
      }
    }
    return new CanFrame(message.id(), message.extended(), false, message.dlc(), data,
        CanFrame.NO_TIMESTAMP);
  }
}
