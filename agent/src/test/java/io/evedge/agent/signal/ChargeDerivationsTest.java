package io.evedge.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.proto.LocationConfig;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalValue;
import io.evedge.proto.SignalsConfig;
import io.evedge.time.VirtualScheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Derived signals through the router, as the agent wires them, on the virtual clock. */
class ChargeDerivationsTest {

  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
  private static final Set<String> EVSE = Set.of("cp_state", "offered_current", "cable_capacity", "cable_locked",
      "charging_enabled");
  private static final Set<String> SDM630 = Set.of("voltage_l1", "voltage_l2", "voltage_l3", "current_l1",
      "current_l2", "current_l3", "power_l1", "power_l2", "power_l3", "power_total", "energy_import");

  private final VirtualScheduler clock = new VirtualScheduler(T);
  private final SignalTable table = new SignalTable(u -> { });
  private SignalRouter router;
  private List<Derived> derived;

  /** A vehicle bus feeding state of charge directly, as a CAN mapping does. */
  private static Derivation soc() {
    return new ChargeDerivations.Simple(SignalCatalog.STATE_OF_CHARGE, "can", List.of("soc"),
        latest -> latest.get("soc") == null ? null : latest.get("soc").value());
  }

  private void wire(Map<String, Set<String>> keys, SignalsConfig config, Derivation... extra) {
    List<Derivation> direct = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : keys.entrySet()) {
      direct.addAll(MeterDerivations.forDevice(e.getKey(), e.getValue()));
      direct.addAll(ChargeDerivations.forDevice(e.getKey(), e.getValue()));
    }
    direct.addAll(List.of(extra));
    Set<String> names = direct.stream().map(d -> d.signal().name()).collect(Collectors.toCollection(HashSet::new));
    derived = ChargeDerivations.derived(keys, names, config, LocationConfig.getDefaultInstance());
    router = new SignalRouter(clock, table, direct, derived);
  }

  private void read(String device, Object... kv) {
    List<Reading> rs = new ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      rs.add(new Reading(device, (String) kv[i], kv[i + 1], "", clock.now()));
    }
    router.onReadings(device, rs);
    clock.runDue();
  }

  private Object value(SignalCatalog.Def def) {
    SignalValue v = table.get(def.name()).orElseThrow(() -> new AssertionError("no " + def.name()));
    return switch (v.getValue().getKindCase()) {
      case NUMBER_VALUE -> v.getValue().getNumberValue();
      case BOOL_VALUE -> v.getValue().getBoolValue();
      case STRING_VALUE -> v.getValue().getStringValue();
      default -> null;
    };
  }

  private static Map<String, Set<String>> keys(Object... kv) {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      @SuppressWarnings("unchecked")
      Set<String> s = (Set<String>) kv[i + 1];
      m.put((String) kv[i], s);
    }
    return m;
  }

  private void meter(double l1, double l2, double l3) {
    read("meter", "voltage_l1", 230.0, "voltage_l2", 230.0, "voltage_l3", 230.0, "current_l1", l1,
        "current_l2", l2, "current_l3", l3, "power_total", 230 * (l1 + l2 + l3), "energy_import", 100.0);
  }

  @Test
  void evseMeterAndVehicleGiveEveryDerivedSignal() {
    wire(keys("evse", EVSE, "meter", SDM630), SignalsConfig.newBuilder().setConsumptionWhPerKm(160)
        .setBatteryCapacityKwh(60).setConnectorType("IEC_62196_T2").build(), soc());
    read("evse", "cp_state", "C", "offered_current", 16.0, "cable_capacity", 32.0, "cable_locked", true,
        "charging_enabled", true);
    read("can", "soc", 50.0);
    meter(16, 16, 16);

    assertEquals(true, value(SignalCatalog.CABLE_CONNECTED));
    assertEquals(true, value(SignalCatalog.CABLE_LATCHED));
    assertEquals(32.0, value(SignalCatalog.AMPERAGE_MAX));
    assertEquals(16.0, value(SignalCatalog.AMPERAGE_REQUESTED));
    assertEquals(false, value(SignalCatalog.FAST_CHARGER_PRESENT));
    assertEquals(true, value(SignalCatalog.IS_CHARGING));
    assertEquals(3.0, value(SignalCatalog.CHARGER_PHASES));
    assertEquals(69.0, value(SignalCatalog.CHARGE_RATE), "11040 W / 160 Wh/km");
    // (100 - 50) % of 60 kWh at 11.04 kW: 2.717 h
    assertEquals(163.0, value(SignalCatalog.TIME_TO_COMPLETE));
    assertEquals("CHARGING", value(SignalCatalog.DETAILED_STATUS));
    assertEquals("IEC_62196_T2", value(SignalCatalog.CONNECTOR_TYPE));

    // the vehicle pauses: the pilot stays in C, no current flows
    meter(0, 0, 0);
    assertEquals(false, value(SignalCatalog.IS_CHARGING));
    assertEquals(3.0, value(SignalCatalog.CHARGER_PHASES), "the live phases the charger offers");
    assertEquals(0.0, value(SignalCatalog.CHARGE_RATE));
    assertEquals(0.0, value(SignalCatalog.TIME_TO_COMPLETE));
    assertEquals("CONNECTED", value(SignalCatalog.DETAILED_STATUS));

    read("can", "soc", 100.0);
    read("evse", "cp_state", "B");
    assertEquals("FULLY_CHARGED", value(SignalCatalog.DETAILED_STATUS));
    read("evse", "cp_state", "A");
    assertEquals(false, value(SignalCatalog.CABLE_CONNECTED));
    assertEquals("NOT_CONNECTED", value(SignalCatalog.DETAILED_STATUS));
    read("evse", "cp_state", "F");
    assertEquals("FAULT", value(SignalCatalog.DETAILED_STATUS));
    assertEquals(Quality.UNAVAILABLE, table.get(SignalCatalog.CABLE_CONNECTED.name()).orElseThrow().getQuality(),
        "in state F the cable cannot be told");
  }

  @Test
  void singlePhaseVehicleChargesOnOnePhase() {
    wire(keys("evse", EVSE, "meter", SDM630), SignalsConfig.getDefaultInstance());
    read("evse", "cp_state", "C2");
    meter(16, 0.2, 0);
    assertEquals(1.0, value(SignalCatalog.CHARGER_PHASES));
    assertEquals(true, value(SignalCatalog.IS_CHARGING));
  }

  @Test
  void aMeterAloneChargesByPower() {
    wire(keys("meter", SDM630), SignalsConfig.getDefaultInstance());
    Set<String> names = derived.stream().map(d -> d.signal().name()).collect(Collectors.toSet());
    assertEquals(Set.of("charge-ischarging", "charge-chargerphases", "charge-detailedchargingstatus"), names,
        "no rate or time to complete without consumption, capacity and state of charge");
    meter(16, 16, 16);
    assertEquals(true, value(SignalCatalog.IS_CHARGING));
    assertEquals("CHARGING", value(SignalCatalog.DETAILED_STATUS));
    meter(0, 0, 0);
    assertEquals("NOT_CHARGING", value(SignalCatalog.DETAILED_STATUS));
  }

  @Test
  void anOfflineInputMakesTheDerivedSignalUnavailable() {
    wire(keys("evse", EVSE, "meter", SDM630), SignalsConfig.getDefaultInstance());
    read("evse", "cp_state", "C");
    meter(16, 16, 16);
    assertEquals(Quality.GOOD, table.get("charge-ischarging").orElseThrow().getQuality());
    router.onDeviceState("meter", DeviceState.OFFLINE, "timeout");
    clock.runDue();
    assertEquals(Quality.UNAVAILABLE, table.get("charge-ischarging").orElseThrow().getQuality());
    meter(16, 16, 16);
    assertEquals(Quality.GOOD, table.get("charge-ischarging").orElseThrow().getQuality());
  }

  @Test
  void aSignalTheVehicleReportsIsNotDerivedToo() {
    Derivation canCharging = new ChargeDerivations.Simple(SignalCatalog.IS_CHARGING, "can", List.of("charging"),
        latest -> null);
    wire(keys("evse", EVSE, "meter", SDM630), SignalsConfig.getDefaultInstance(), canCharging);
    assertFalse(derived.stream().anyMatch(d -> d.signal() == SignalCatalog.IS_CHARGING));
    assertTrue(derived.stream().anyMatch(d -> d.signal() == SignalCatalog.DETAILED_STATUS),
        "the status still reads the vehicle's charging signal");
  }
}
