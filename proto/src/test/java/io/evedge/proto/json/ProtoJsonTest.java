package io.evedge.proto.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.Quality;
import io.evedge.proto.RecordCost;
import io.evedge.proto.SignalValue;
import org.junit.jupiter.api.Test;

class ProtoJsonTest {

  private static final Timestamp T = Timestamp.newBuilder()
      .setSeconds(java.time.Instant.parse("2026-11-24T09:09:14Z").getEpochSecond())
      .setNanos(123_000_000)
      .build();

  @Test
  void signalBodyHasTheReferenceShape() {
    // reference/charge-signals.md, Amperage: {"value": 33, "unit": "ampere"}
    SignalValue v = SignalValue.newBuilder()
        .setValue(Value.newBuilder().setNumberValue(33))
        .setUnit("ampere")
        .setTimestamp(T)
        .setQuality(Quality.GOOD)
        .build();
    assertEquals("{\"value\":33,\"unit\":\"ampere\",\"timestamp\":\"2026-11-24T09:09:14.123Z\",\"quality\":\"GOOD\"}",
        ProtoJson.print(v));
  }

  @Test
  void fractionsBoolsAndStringsKeepTheirForm() {
    assertEquals("{\"value\":230.47}", ProtoJson.print(SignalValue.newBuilder()
        .setValue(Value.newBuilder().setNumberValue(230.47)).build()));
    assertEquals("{\"value\":true}", ProtoJson.print(SignalValue.newBuilder()
        .setValue(Value.newBuilder().setBoolValue(true)).build()));
    assertEquals("{\"value\":\"Green \\\"ok\\\"\\n\"}", ProtoJson.print(SignalValue.newBuilder()
        .setValue(Value.newBuilder().setStringValue("Green \"ok\"\n")).build()));
  }

  @Test
  void notFiniteNumbersBecomeNull() {
    StringBuilder out = new StringBuilder();
    ProtoJson.appendNumber(out, Double.NaN);
    assertEquals("null", out.toString());
  }

  @Test
  void readsBackThroughJsonFormat() throws Exception {
    ChargeRecord r = ChargeRecord.newBuilder()
        .setId("cp-1-000001")
        .setStartTime(T)
        .setEnergyAdded(12.5)
        .setStartStateOfCharge(20)
        .setChargingType("AC")
        .setCost(RecordCost.newBuilder().setCurrency("EUR").setEnergyAmount(3.75))
        .build();
    String json = ProtoJson.print(r);
    ChargeRecord.Builder back = ChargeRecord.newBuilder();
    JsonFormat.parser().merge(json, back);
    assertEquals(r, back.build());
    assertEquals("{\"id\":\"cp-1-000001\",\"startTime\":\"2026-11-24T09:09:14.123Z\",\"energyAdded\":12.5,"
        + "\"startStateOfCharge\":20,\"chargingType\":\"AC\",\"cost\":{\"currency\":\"EUR\",\"energyAmount\":3.75}}", json);
  }

  @Test
  void alwaysEmitWritesEmptyListsAndZerosButNotUnsetMessages() {
    SignalValue empty = SignalValue.newBuilder().setTimestamp(T).build();
    assertEquals("{\"timestamp\":\"2026-11-24T09:09:14.123Z\",\"values\":[]}",
        ProtoJson.print(empty, f -> f.getName().equals("values")));
    // currency has no presence: forced out as ""; the amounts have presence and are written only when set
    RecordCost cost = RecordCost.newBuilder().setEnergyAmount(12.56).build();
    assertEquals("{\"currency\":\"\",\"energyAmount\":12.56}",
        ProtoJson.print(cost, f -> f.getContainingType() == RecordCost.getDescriptor()));
    assertEquals("{\"energyAmount\":12.56}", ProtoJson.print(cost));
    assertEquals("{\"energyAmount\":12.56,\"otherAmount\":0}",
        ProtoJson.print(cost.toBuilder().setOtherAmount(0).build()), "a zero that was set is written");
  }

  @Test
  void objectSignalItemsUseTheReferenceNames() throws Exception {
    // reference/charge-signals.md, ChargeTimers: "isOEMOptimizationEnabled", "departureTimers"
    io.evedge.proto.SignalItem item = io.evedge.proto.SignalItem.newBuilder()
        .setType(io.evedge.proto.SignalItem.Type.GLOBAL)
        .setIsOemOptimizationEnabled(true)
        .addDepartureTimers(io.evedge.proto.SignalItem.DepartureTimer.newBuilder()
            .addDays(io.evedge.proto.SignalItem.Day.MONDAY).setTime("08:30:00"))
        .build();
    String json = ProtoJson.print(SignalValue.newBuilder().addValues(item).build());
    assertEquals("{\"values\":[{\"type\":\"GLOBAL\",\"isOEMOptimizationEnabled\":true,"
        + "\"departureTimers\":[{\"days\":[\"MONDAY\"],\"time\":\"08:30:00\"}]}]}", json);
    SignalValue.Builder back = SignalValue.newBuilder();
    JsonFormat.parser().merge(json, back);
    assertEquals(item, back.getValues(0));
  }

  @Test
  void timestampsAreWrittenAsTheIsoInstantFormatterWritesThem() {
    java.time.format.DateTimeFormatter iso = java.time.format.DateTimeFormatter.ISO_INSTANT;
    java.util.Random random = new java.util.Random(20261206L);
    long[] seconds = {0, -1, 86_399, 86_400, -62_135_596_800L, -62_135_596_801L, 253_402_300_799L,
        253_402_300_800L, 951_782_400L /* 2000-02-29 */, 4_107_542_400L /* 2100-03-01 */, Long.MIN_VALUE / 1000};
    int[] nanos = {0, 1, 999_999_999, 123_000_000, 123_400_000, 123_456_000, 123_456_700, 1000, 1_000_000};
    for (long s : seconds) {
      for (int n : nanos) {
        check(iso, s, n);
      }
    }
    for (int i = 0; i < 20_000; i++) {
      long s = random.nextLong() % 400_000_000_000L;
      int n = switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1000;
        default -> random.nextInt(1_000_000_000);
      };
      check(iso, s, n);
    }
  }

  private static void check(java.time.format.DateTimeFormatter iso, long seconds, int nanos) {
    if (seconds < java.time.Instant.MIN.getEpochSecond() || seconds > java.time.Instant.MAX.getEpochSecond()) {
      return;
    }
    String expected = iso.format(java.time.Instant.ofEpochSecond(seconds, nanos));
    assertEquals(expected, ProtoJson.formatTimestamp(Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build()),
        seconds + "s " + nanos + "ns");
  }
}
