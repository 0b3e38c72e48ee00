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

  @Test
  void aScalarBodyIsWrittenAsTheGeneralPrinterWritesIt() {
    java.util.Random random = new java.util.Random(20261206L);
    List<SignalCatalog.Def> defs = new ArrayList<>(SignalCatalog.all().values());
    String[] texts = {"", "ampere", "Green \"ok\"\n", "\u00e9t\u00e9 \u2028", "\u0001"};
    double[] numbers = {0, -0.0, 33, 230.47, -1e-9, 1e300, Double.NaN, Double.POSITIVE_INFINITY, 9.007199254740993E15};
    for (int i = 0; i < 5_000; i++) {
      SignalCatalog.Def def = defs.get(random.nextInt(defs.size()));
      SignalValue.Builder b = SignalValue.newBuilder();
      switch (random.nextInt(6)) {
        case 0 -> { }
        case 1 -> b.setValue(com.google.protobuf.Value.newBuilder().setNumberValue(random.nextBoolean()
            ? numbers[random.nextInt(numbers.length)] : random.nextGaussian() * 1000));
        case 2 -> b.setValue(com.google.protobuf.Value.newBuilder().setBoolValue(random.nextBoolean()));
        case 3 -> b.setValue(com.google.protobuf.Value.newBuilder().setStringValue(texts[random.nextInt(texts.length)]));
        case 4 -> b.setValue(com.google.protobuf.Value.newBuilder().setNullValue(com.google.protobuf.NullValue.NULL_VALUE));
        default -> b.setValue(com.google.protobuf.Value.newBuilder().setListValue(com.google.protobuf.ListValue.newBuilder()
            .addValues(com.google.protobuf.Value.newBuilder().setNumberValue(1))));
      }
      if (random.nextBoolean()) {
        b.setUnit(texts[random.nextInt(texts.length)]);
      }
      if (random.nextInt(4) > 0) {
        b.setTimestamp(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_700_000_000L + random.nextInt(1 << 30))
            .setNanos(random.nextBoolean() ? random.nextInt(1000) * 1_000_000 : random.nextInt(1_000_000_000)));
      }
      b.setQualityValue(random.nextInt(5));
      if (random.nextInt(4) == 0) {
        b.setActiveLimit(random.nextInt(101));
      }
      if (random.nextInt(8) == 0) {
        b.addValues(SignalItem.newBuilder().setType(SignalItem.Type.GLOBAL).setLimit(80));
      }
      SignalValue body = b.build();
      assertEquals(io.evedge.proto.json.ProtoJson.print(body, SignalBodies.alwaysEmit(def)), SignalBodies.json(def, body),
          def.name() + " " + body);
    }
  }
}
