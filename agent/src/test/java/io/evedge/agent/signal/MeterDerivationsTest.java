package io.evedge.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.Reading;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeterDerivationsTest {

  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
  private static final Set<String> SDM630 = Set.of("voltage_l1", "voltage_l2", "voltage_l3", "current_l1",
      "current_l2", "current_l3", "power_l1", "power_l2", "power_l3", "power_total", "energy_import");

  private static Map<String, Reading> readings(Object... kv) {
    Map<String, Reading> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], new Reading("meter", (String) kv[i], kv[i + 1], "", T));
    }
    return m;
  }

  private static Derivation find(List<Derivation> ds, SignalCatalog.Def def) {
    return ds.stream().filter(d -> d.signal() == def).findFirst().orElseThrow();
  }

  @Test
  void threePhaseChargeReadsAsAVehicleReportsIt() {
    List<Derivation> ds = MeterDerivations.forDevice("meter", SDM630);
    Map<String, Reading> r = readings("voltage_l1", 230.0, "voltage_l2", 232.0, "voltage_l3", 228.0,
        "current_l1", 16.0, "current_l2", 16.0, "current_l3", 16.0, "power_total", 11040.0,
        "energy_import", 100.0);
    assertEquals(230.0, find(ds, SignalCatalog.VOLTAGE).compute(r));
    assertEquals(16.0, find(ds, SignalCatalog.AMPERAGE).compute(r), "per-phase current, not the sum");
    assertEquals(11040.0, find(ds, SignalCatalog.WATTAGE).compute(r));
  }

  @Test
  void onePhaseChargeOnAThreePhaseMeter() {
    List<Derivation> ds = MeterDerivations.forDevice("meter", SDM630);
    Map<String, Reading> r = readings("voltage_l1", 230.0, "voltage_l2", 0.0, "voltage_l3", 0.0,
        "current_l1", 32.0, "current_l2", 0.0, "current_l3", 0.0);
    assertEquals(230.0, find(ds, SignalCatalog.VOLTAGE).compute(r), "dead phases are left out");
    assertEquals(32.0, find(ds, SignalCatalog.AMPERAGE).compute(r));
    assertEquals(0.0, find(ds, SignalCatalog.AMPERAGE).compute(readings("current_l1", 0.1)), "no load reads 0");
    assertNull(find(ds, SignalCatalog.AMPERAGE).compute(readings()), "no readings: no value");
  }

  @Test
  void energyAddedIsTheSessionRecordersNotADerivation() {
    assertTrue(MeterDerivations.forDevice("meter", SDM630).stream().noneMatch(d -> d.signal() == SignalCatalog.ENERGY_ADDED),
        "charge-energyadded comes from the session recorder and resets per session");
  }
}
