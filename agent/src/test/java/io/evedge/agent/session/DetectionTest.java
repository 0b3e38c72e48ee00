package io.evedge.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.record.RecordBuilder;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.EnergySource;
import io.evedge.proto.SessionDetection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each detection path on the virtual clock, with the real journal and record store. */
class DetectionTest {

  @TempDir
  Path dir;

  private static Instant start(ChargeRecord r) {
    return RecordBuilder.instant(r.getStartTime());
  }

  private static Instant end(ChargeRecord r) {
    return RecordBuilder.instant(r.getEndTime());
  }

  @Test
  void evseWithMeterPausesStayOneSessionAndTheRecordComesAtUnplug() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "");
    rig.run(Duration.ofMinutes(1));
    assertEquals(State.UNPLUGGED, rig.recorder.state());

    rig.cp = "B";
    rig.run(Duration.ofMinutes(2));
    assertEquals(State.PLUGGED, rig.recorder.state());
    Instant plugged = Rig.T0.plus(Duration.ofMinutes(1)).plusSeconds(1);
    double before = rig.registerKWh;

    rig.cp = "C";
    rig.setPower(11_000);
    rig.run(Duration.ofMinutes(30));
    assertEquals(State.CHARGING, rig.recorder.state());
    assertEquals(5.5, rig.energyAddedSignal(), 0.01, "charge-energyadded counts live");

    // the vehicle pauses (B), then the EVSE offers no current (C at 0 W): both are pauses
    rig.cp = "B";
    rig.setPower(0);
    rig.run(Duration.ofMinutes(10));
    assertEquals(State.PAUSED, rig.recorder.state());
    rig.cp = "C";
    rig.run(Duration.ofMinutes(5));
    assertEquals(State.PAUSED, rig.recorder.state(), "C without power is still a pause");
    rig.setPower(7_400);
    rig.run(Duration.ofMinutes(60));
    assertEquals(State.CHARGING, rig.recorder.state());
    rig.cp = "B";
    rig.setPower(0);
    rig.run(Duration.ofMinutes(20));
    assertTrue(rig.published.isEmpty(), "no record while plugged in");

    rig.cp = "A";
    rig.run(Duration.ofSeconds(14));
    assertTrue(rig.published.isEmpty(), "the unplug is debounced");
    rig.run(Duration.ofSeconds(5));
    ChargeRecord r = rig.only();
    double truth = rig.registerKWh - before;
    assertEquals(EnergySource.METER, r.getEnergySource());
    assertEquals(truth, r.getEnergyAdded(), 1e-6);
    assertEquals(5.5 + 7.4, r.getEnergyAdded(), 0.01);
    assertEquals("EVDisconnected", r.getStopReason());
    assertFalse(r.getInterrupted());
    assertEquals(plugged, RecordBuilder.instant(r.getPluggedInTime()));
    assertEquals(plugged.plus(Duration.ofMinutes(2)), start(r), "energy first flowed at the first sample in C");
    assertEquals(Rig.T0.plus(Duration.ofMinutes(1 + 2 + 30 + 10 + 5 + 60)).plusSeconds(1), end(r));
    assertEquals(Rig.T0.plus(Duration.ofMinutes(1 + 2 + 30 + 10 + 5 + 60 + 20)).plusSeconds(1),
        RecordBuilder.instant(r.getUnpluggedTime()), "unplugged when A was first seen, not after the debounce");
    assertEquals(11.0, r.getMaxPower(), 1e-9);
    assertEquals(12.9 / 1.5, r.getAveragePower(), 0.01, "energy over the 90 minutes spent charging");
    assertEquals(3, r.getPhases());
    assertEquals("AC", r.getChargingType());
    assertTrue(r.getCurveCount() > 10 && r.getCurveCount() <= 100, "curve of " + r.getCurveCount());
    assertEquals(State.UNPLUGGED, rig.recorder.state());
    assertTrue(r.getId().startsWith("cp-test-20261123T100101Z-"), r.getId());
    assertEquals(r.getEnergyAdded(), rig.energyAddedSignal(), 0.0005, "charge-energyadded holds the session's total");
    assertEquals(1, rig.signal("charge-chargerecords").getValuesCount());
    assertEquals(r.getId(), rig.signal("charge-chargerecords").getValues(0).getId());
    assertEquals(1, r.getSequence());
  }

  @Test
  void aQuickReplugIsTheSameSessionALongOneIsTwo() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "session: {replug_debounce_s: 15}");
    rig.cp = "C";
    rig.setPower(3_700);
    rig.run(Duration.ofMinutes(10));
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(8));
    rig.cp = "C";
    rig.setPower(3_700);
    rig.run(Duration.ofMinutes(10));
    assertTrue(rig.published.isEmpty(), "an 8 s unplug is debounced");
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(30));
    ChargeRecord first = rig.only();
    assertEquals(3.7 * 20 / 60, first.getEnergyAdded(), 0.005);

    rig.cp = "C";
    rig.run(Duration.ofSeconds(1));
    assertEquals(0.0, rig.energyAddedSignal(), "charge-energyadded resets when the next session opens");
    rig.setPower(3_700);
    rig.run(Duration.ofMinutes(6));
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(30));
    assertEquals(2, rig.published.size());
    ChargeRecord second = rig.published.get(1);
    assertEquals(3.7 * 6 / 60, second.getEnergyAdded(), 0.005);
    assertEquals(2, second.getSequence());
    assertEquals(2, rig.signal("charge-chargerecords").getValuesCount());
    assertEquals(second.getId(), rig.signal("charge-chargerecords").getValues(0).getId(), "most recent first");
    assertFalse(first.getId().equals(second.getId()));
    assertTrue(start(second).isAfter(end(first)));
  }

  @Test
  void aPlugInWithoutChargingMakesNoRecord() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "");
    rig.cp = "B";
    rig.run(Duration.ofMinutes(5));
    rig.cp = "A";
    rig.run(Duration.ofMinutes(1));
    assertTrue(rig.published.isEmpty());
    assertEquals(State.UNPLUGGED, rig.recorder.state());
  }

  @Test
  void meterOnlyStartsAfterTheStartTimeAndEndsAfterTheEndTime() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_METER,
        "session: {meter_start_s: 10, meter_end_s: 300, charging_power_w: 200}");
    rig.run(Duration.ofMinutes(1));
    // a blip shorter than the start time is no session
    rig.setPower(2_000);
    rig.run(Duration.ofSeconds(5));
    assertEquals(State.PLUGGED, rig.recorder.state(), "a candidate");
    rig.setPower(0);
    rig.run(Duration.ofMinutes(1));
    assertEquals(State.UNPLUGGED, rig.recorder.state(), "abandoned");

    Instant rise = rig.clock.now();
    double before = rig.registerKWh;
    rig.setPower(11_000);
    rig.run(Duration.ofSeconds(9));
    assertEquals(State.PLUGGED, rig.recorder.state());
    assertTrue(Double.isNaN(rig.energyAddedSignal()), "nothing published for a candidate");
    rig.run(Duration.ofSeconds(2));
    assertEquals(State.CHARGING, rig.recorder.state());
    rig.run(Duration.ofMinutes(30));
    // a pause shorter than the end time stays inside the session
    rig.setPower(0);
    rig.run(Duration.ofMinutes(4));
    assertEquals(State.PAUSED, rig.recorder.state());
    rig.setPower(11_000);
    rig.run(Duration.ofMinutes(30));
    Instant fall = rig.clock.now();
    double after = rig.registerKWh;
    rig.setPower(0);
    rig.run(Duration.ofSeconds(299));
    assertTrue(rig.published.isEmpty());
    rig.run(Duration.ofSeconds(2));
    ChargeRecord r = rig.only();
    assertEquals(after - before, r.getEnergyAdded(), 1e-6, "the register from the last sample before the rise "
        + "to the first after the fall");
    assertEquals(11.0 * 3611 / 3600, r.getEnergyAdded(), 1e-6, "11 kW for 60 min 11 s");
    assertEquals("StoppedByEV", r.getStopReason());
    assertEquals(rise.plusSeconds(1), start(r), "dated from the first sample above the threshold");
    assertEquals(fall.plusSeconds(1), end(r), "dated at the first sample below");
    assertFalse(r.hasPluggedInTime(), "a meter cannot see the plug");
    assertFalse(r.hasUnpluggedTime());
    assertEquals(11.0, r.getAveragePower(), 0.05);
  }

  @Test
  void vehicleCanPathWithEnergyFromStateOfCharge() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_VEHICLE,
        "vehicle: {battery_capacity_kwh: 60}");
    rig.cable = false;
    rig.soc = 20;
    rig.run(Duration.ofMinutes(1));
    rig.cable = true;
    rig.isCharging = false;
    rig.run(Duration.ofMinutes(1));
    assertEquals(State.PLUGGED, rig.recorder.state());
    rig.isCharging = true;
    for (int i = 0; i < 60; i++) {
      rig.soc += 1;
      rig.run(Duration.ofMinutes(1));
    }
    assertEquals(State.CHARGING, rig.recorder.state());
    rig.isCharging = false;
    rig.run(Duration.ofMinutes(3));
    assertEquals(State.PAUSED, rig.recorder.state());
    rig.cable = false;
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    assertEquals(EnergySource.SOC, r.getEnergySource());
    assertEquals(0.60 * 60, r.getEnergyAdded(), 1e-9, "60 % of 60 kWh");
    assertEquals(20, r.getStartStateOfCharge(), 1e-9);
    assertEquals(80, r.getEndStateOfCharge(), 1e-9);
    assertEquals("EVDisconnected", r.getStopReason());
    assertTrue(r.getCurveCount() > 0);
    assertTrue(r.getCurve(r.getCurveCount() - 1).hasStateOfCharge());
  }

  @Test
  void vehicleCableWithAMeterTakesEnergyFromTheRegister() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_VEHICLE, "meter", "vehicle: {battery_capacity_kwh: 60}",
        new io.evedge.time.VirtualScheduler(Rig.T0), () -> true);
    rig.cable = true;
    rig.isCharging = false;
    rig.soc = 50;
    rig.run(Duration.ofMinutes(1));
    rig.isCharging = true;
    rig.setPower(7_000);
    rig.run(Duration.ofMinutes(60));
    rig.isCharging = false;
    rig.setPower(0);
    rig.run(Duration.ofMinutes(1));
    rig.cable = false;
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    assertEquals(EnergySource.METER, r.getEnergySource(), "a register beats state of charge");
    assertEquals(7.0, r.getEnergyAdded(), 1e-6);
  }

  @Test
  void aDcFastChargerReportedByTheVehicleMakesADcRecord() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_VEHICLE, "meter",
        "location: {name: Motorway services, is_public: true}", new io.evedge.time.VirtualScheduler(Rig.T0),
        () -> true);
    rig.cable = true;
    rig.isCharging = true;
    rig.setPower(50_000);
    rig.run(Duration.ofSeconds(1));
    rig.recorder.onReadings("can", java.util.List.of(new io.evedge.drivers.Reading("can",
        "charge-isfastchargerpresent", true, "", rig.clock.now())));
    rig.run(Duration.ofMinutes(20));
    rig.cable = false;
    rig.isCharging = false;
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    assertEquals("DC", r.getChargingType());
    assertEquals(0, r.getPhases());
    assertTrue(r.getIsPublicCharger());
  }
}
