package io.evedge.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.signal.SignalTable;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.CurvePoint;
import io.evedge.proto.EnergySource;
import io.evedge.proto.Quality;
import io.evedge.proto.RecordCost;
import io.evedge.proto.RecordLocation;
import io.evedge.proto.json.ProtoJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The charge-chargerecords body has exactly the ChargeRecords shape of reference/charge-signals.md. */
class ChargeRecordsSignalTest {

  /** The example record of charge-signals.md, "ChargeRecords", with our extra fields set too. */
  private static ChargeRecord example() {
    return ChargeRecord.newBuilder()
        .setId("CHG-20231015-A39B")
        .setStartTime(RecordBuilder.timestamp(Instant.parse("2023-10-15T19:30:00Z")))
        .setEndTime(RecordBuilder.timestamp(Instant.parse("2023-10-16T06:45:00Z")))
        .setStartStateOfCharge(25).setEndStateOfCharge(90).setEnergyAdded(65.2)
        .setIsPublicCharger(false).setChargingType("DC")
        .setCost(RecordCost.newBuilder().setCurrency("GBP").setEnergyAmount(12.56).setOtherAmount(0))
        .setLocation(RecordLocation.newBuilder().setLatitude(51.5014).setLongitude(-0.1419).setName("Home")
            .setAddress("123 Park Lane, London SW1A 1AA"))
        .setEnergySource(EnergySource.METER).setMeterStart(100).setMeterStop(165.2).setSequence(7)
        .addCurve(CurvePoint.newBuilder().setPower(11))
        .build();
  }

  @Test
  void theBodyIsTheReferenceShape() {
    List<SignalTable.Update> updates = new ArrayList<>();
    SignalTable table = new SignalTable(updates::add);
    table.set(SignalCatalog.CHARGE_RECORDS, List.of(example()),
        Instant.parse("2023-10-16T07:00:00Z"), Quality.GOOD);
    assertEquals("{\"timestamp\":\"2023-10-16T07:00:00Z\",\"quality\":\"GOOD\",\"values\":[{"
        + "\"startTime\":\"2023-10-15T19:30:00Z\",\"endTime\":\"2023-10-16T06:45:00Z\","
        + "\"startStateOfCharge\":25,\"endStateOfCharge\":90,\"energyAdded\":65.2,\"isPublicCharger\":false,"
        + "\"chargingType\":\"DC\",\"cost\":{\"currency\":\"GBP\",\"energyAmount\":12.56,\"otherAmount\":0},"
        + "\"location\":{\"name\":\"Home\",\"address\":\"123 Park Lane, London SW1A 1AA\",\"latitude\":51.5014,"
        + "\"longitude\":-0.1419},\"id\":\"CHG-20231015-A39B\"}]}",
        ProtoJson.print(updates.get(0).body()));
  }

  @Test
  void unchangedRecordsPublishNothingNew() {
    List<SignalTable.Update> updates = new ArrayList<>();
    SignalTable table = new SignalTable(updates::add);
    table.set(SignalCatalog.CHARGE_RECORDS, List.of(example()), Instant.EPOCH, Quality.GOOD);
    table.set(SignalCatalog.CHARGE_RECORDS, List.of(example()), Instant.EPOCH, Quality.GOOD);
    assertEquals(1, updates.size());
    table.set(SignalCatalog.CHARGE_RECORDS, List.of(example(), example()), Instant.EPOCH,
        Quality.GOOD);
    assertEquals(2, updates.size());
  }
}
