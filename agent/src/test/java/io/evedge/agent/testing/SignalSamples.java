package io.evedge.agent.testing;

import com.google.protobuf.Timestamp;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.RecordCost;
import io.evedge.proto.RecordLocation;
import io.evedge.proto.SignalItem;
import io.evedge.proto.SignalItem.Day;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For every signal, a value a source could hand the signal table ({@code SignalTable.set}) that must
 * come out as the reference example body of {@link ReferenceShapes}: the reference's own data, fed
 * through our types.
 */
public final class SignalSamples {

  private SignalSamples() {}

  /** The reference example record of charge-chargerecords as a full ChargeRecord. */
  public static ChargeRecord referenceRecord() {
    return ChargeRecord.newBuilder()
        .setId("CHG-20231015-A39B")
        .setStartTime(ts("2023-10-15T19:30:00Z"))
        .setEndTime(ts("2023-10-16T06:45:00Z"))
        .setStartStateOfCharge(25)
        .setEndStateOfCharge(90)
        .setEnergyAdded(65.2)
        .setIsPublicCharger(false)
        .setChargingType("DC")
        .setCost(RecordCost.newBuilder().setCurrency("GBP").setEnergyAmount(12.56).setOtherAmount(0))
        .setLocation(RecordLocation.newBuilder().setLatitude(51.5014).setLongitude(-0.1419).setName("Home")
            .setAddress("123 Park Lane, London SW1A 1AA"))
        // beyond the reference: not in the signal's items
        .setMeterStart(1000).setMeterStop(1065.2).setPhases(3).setSequence(7).setDeviceId("cp-1")
        .build();
  }

  /** Signal name to a value whose body is the reference example. */
  public static Map<String, Object> referenceValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("charge-amperage", 33.0);
    m.put("charge-amperagemax", 48.0);
    m.put("charge-amperagerequested", 48.0);
    m.put("charge-chargelimits", List.of(
        SignalItem.newBuilder().setType(SignalItem.Type.GLOBAL).setLimit(80).build(),
        SignalItem.newBuilder().setType(SignalItem.Type.LOCATION).setCondition(SignalItem.Condition.newBuilder()
            .setName("Home").setAddress("123 2nd street").setLatitude(90).setLongitude(90)).setLimit(72).build(),
        SignalItem.newBuilder().setType(SignalItem.Type.CHARGING_TYPE)
            .setCondition(SignalItem.Condition.newBuilder().setChargingType("AC")).setLimit(52).build()));
    m.put("charge-chargeportstatuscolor", "Green");
    m.put("charge-chargerate", 48.0);
    m.put("charge-chargerecords", List.of(referenceRecord()));
    m.put("charge-chargerphases", 3.0);
    List<Day> workweek = List.of(Day.MONDAY, Day.TUESDAY, Day.WEDNESDAY, Day.THURSDAY, Day.FRIDAY);
    m.put("charge-chargetimers", List.of(
        SignalItem.newBuilder().setType(SignalItem.Type.GLOBAL).setIsOemOptimizationEnabled(true)
            .addSchedules(SignalItem.Schedule.newBuilder().addAllDays(workweek).setStart("23:00:00").setEnd("07:00:00"))
            .addDepartureTimers(SignalItem.DepartureTimer.newBuilder().addAllDays(workweek).setTime("08:30:00"))
            .build(),
        SignalItem.newBuilder().setType(SignalItem.Type.LOCATION)
            .setCondition(SignalItem.Condition.newBuilder().setLatitude(51.5014).setLongitude(-0.1419)
                .setName("Home").setAddress("123 Main St, London"))
            .setIsOemOptimizationEnabled(true)
            .addSchedules(SignalItem.Schedule.newBuilder().addAllDays(workweek).setStart("22:00:00").setEnd("06:00:00"))
            .addDepartureTimers(SignalItem.DepartureTimer.newBuilder().addAllDays(workweek).setTime("08:00:00"))
            .setScheduleId("f47ac10b-58cc-4372-a567-0e02b2c3d479").setScheduleType(SignalItem.ScheduleType.DAILY)
            .build(),
        SignalItem.newBuilder().setType(SignalItem.Type.CHARGING_TYPE)
            .setCondition(SignalItem.Condition.newBuilder().setChargingType("DC"))
            .setIsOemOptimizationEnabled(true)
            .addSchedules(SignalItem.Schedule.newBuilder().addAllDays(workweek).setStart("22:00:00").setEnd("06:00:00"))
            .addDepartureTimers(SignalItem.DepartureTimer.newBuilder().addDays(Day.MONDAY).addDays(Day.TUESDAY)
                .setTime("08:00:00"))
            .build()));
    m.put("charge-chargingconnectortype", "J1772");
    m.put("charge-detailedchargingstatus", "CHARGING");
    m.put("charge-energyadded", 35.6);
    m.put("charge-fastchargertype", "CCS");
    m.put("charge-ischarging", true);
    m.put("charge-ischargingcableconnected", true);
    m.put("charge-ischargingcablelatched", true);
    m.put("charge-ischargingportflapopen", true);
    m.put("charge-isfastchargerpresent", false);
    m.put("charge-timetocomplete", 100.0);
    m.put("charge-voltage", 240.0);
    m.put("charge-wattage", 10.7);
    m.put("tractionbattery-stateofcharge", 80.0);
    m.put("tractionbattery-range", 250.0);
    return m;
  }

  private static Timestamp ts(String iso) {
    Instant i = Instant.parse(iso);
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
