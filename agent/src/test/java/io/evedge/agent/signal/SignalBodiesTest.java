package io.evedge.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.testing.ReferenceShapes;
import io.evedge.agent.testing.SignalSamples;
import io.evedge.proto.ChargeScheduleConfig;
import io.evedge.proto.ChargeTimerConfig;
import io.evedge.proto.DepartureTimerConfig;
import io.evedge.proto.LocationConfig;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalItem;
import io.evedge.proto.SignalValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every signal body against {@code reference/charge-signals.md}, through the signal table. */
class SignalBodiesTest {

  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void everySignalOfTheCatalogRendersItsReferenceExample() {
    Map<String, Object> values = SignalSamples.referenceValues();
    assertEquals(SignalCatalog.all().keySet(), values.keySet(), "a sample for every signal of the catalog");
    assertEquals(23, SignalCatalog.all().size());
    List<String> out = new ArrayList<>();
    SignalTable table = new SignalTable(u -> out.add(SignalBodies.json(u.def(), u.body())));
    for (SignalCatalog.Def def : SignalCatalog.all().values()) {
      out.clear();
      table.set(def, values.get(def.name()), T, Quality.GOOD);
      assertEquals(1, out.size(), def.name());
      ReferenceShapes.assertSameAsReference(def.name(), out.get(0));
      ReferenceShapes.assertShape(def.name(), out.get(0));
      assertTrue(out.get(0).endsWith(",\"timestamp\":\"2026-11-23T10:00:00Z\",\"quality\":\"GOOD\"}")
          || out.get(0).contains("\"timestamp\":\"2026-11-23T10:00:00Z\",\"quality\":\"GOOD\""), out.get(0));
    }
  }

  @Test
  void aChargeLimitFromTheVehicleIsTheActiveGlobalLimit() {
    SignalValue b = SignalBodies.body(SignalCatalog.CHARGE_LIMITS, 80.0).build();
    assertEquals("{\"unit\":\"percent\",\"activeLimit\":80,\"values\":[{\"type\":\"GLOBAL\",\"limit\":80}]}",
        SignalBodies.json(SignalCatalog.CHARGE_LIMITS, b));
  }

  @Test
  void noRecordsYetIsAnEmptyListNotAnAbsentOne() {
    List<String> out = new ArrayList<>();
    SignalTable table = new SignalTable(u -> out.add(SignalBodies.json(u.def(), u.body())));
    table.set(SignalCatalog.CHARGE_RECORDS, List.of(), T, Quality.GOOD);
    assertEquals("{\"timestamp\":\"2026-11-23T10:00:00Z\",\"quality\":\"GOOD\",\"values\":[]}", out.get(0));
  }

  @Test
  void valuesOfTheWrongKindAreConverted() {
    assertEquals(true, SignalBodies.body(SignalCatalog.CABLE_CONNECTED, 1.0).getValue().getBoolValue());
    assertEquals(false, SignalBodies.body(SignalCatalog.PORT_FLAP_OPEN, 0.0).getValue().getBoolValue());
    assertEquals("2", SignalBodies.body(SignalCatalog.PORT_STATUS_COLOR, 2.0).getValue().getStringValue());
    assertEquals(16.5, SignalBodies.body(SignalCatalog.AMPERAGE, "16.5").getValue().getNumberValue());
    assertTrue(!SignalBodies.body(SignalCatalog.AMPERAGE, Double.NaN).hasValue(), "NaN is no value");
  }

  @Test
  void configuredTimersTakeTheConfiguredLocation() {
    ChargeTimerConfig t = ChargeTimerConfig.newBuilder().setType(SignalItem.Type.LOCATION).setOemOptimization(true)
        .addSchedules(ChargeScheduleConfig.newBuilder().addDays(SignalItem.Day.MONDAY).setStart("22:00").setEnd("06:00"))
        .addDepartureTimers(DepartureTimerConfig.newBuilder().addDays(SignalItem.Day.MONDAY).setTime("08:00"))
        .build();
    LocationConfig home = LocationConfig.newBuilder().setName("Home").setAddress("123 Main St, London")
        .setLatitude(51.5014).setLongitude(-0.1419).build();
    SignalItem item = SignalBodies.timers(List.of(t), home).get(0);
    assertEquals("Home", item.getCondition().getName());
    assertEquals(51.5014, item.getCondition().getLatitude());
    assertEquals("22:00:00", item.getSchedules(0).getStart());
    assertEquals("08:00:00", item.getDepartureTimers(0).getTime());
  }
}
