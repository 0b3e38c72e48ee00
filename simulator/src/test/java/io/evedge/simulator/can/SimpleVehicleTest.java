package io.evedge.simulator.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.Reading;
import io.evedge.drivers.can.CanMappings;
import io.evedge.drivers.can.CanSignalMapper;
import io.evedge.drivers.can.DbcMessage;
import io.evedge.drivers.can.FrameClock;
import io.evedge.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simple vehicle's charging cycle, and its frames read back through the shipped mapping. */
class SimpleVehicleTest {

  private final VirtualScheduler sim = new VirtualScheduler(Instant.parse("2026-11-23T10:00:00Z"));
  private final SimpleVehicle car = new SimpleVehicle(new SimpleVehicle.Options(60, 50, 80, 11_040, false,
      Duration.ofSeconds(10), Duration.ofMinutes(10)), sim);

  @Test
  void plugsInChargesToTheLimitAndUnplugs() {
    assertFalse(car.flapOpen());
    assertEquals(VehicleState.ChargeState.IDLE, car.chargeState());
    sim.advance(Duration.ofSeconds(10));
    assertTrue(car.flapOpen());
    assertFalse(car.cableConnected());
    sim.advance(Duration.ofSeconds(3));
    assertTrue(car.cableConnected());
    assertFalse(car.cableLatched());
    assertEquals(VehicleState.Connector.TYPE2, car.connector());
    sim.advance(Duration.ofSeconds(1));
    assertTrue(car.cableLatched());
    assertEquals(VehicleState.ChargeState.PLUGGED, car.chargeState());
    sim.advance(Duration.ofSeconds(2));
    assertTrue(car.charging());
    assertEquals(VehicleState.PortLed.GREEN, car.portLed());
    assertEquals(11.04, car.inputPowerKW(), 1e-9);
    assertEquals(16.0, car.inputCurrentA(), 0.01, "11040 W on three phases of 230 V");

    // an hour at 11.04 kW x 0.92 into 60 kWh: 10.157 kWh, 16.93 percent
    sim.advance(Duration.ofHours(1));
    assertEquals(50 + 100 * 11.04 * 0.92 / 60, car.stateOfChargePercent(), 0.01);
    // 80 % minus 66.93 % of 60 kWh is 7.84 kWh; at 10.157 kW that is 46.3 min
    assertEquals(46, car.timeToCompleteMin());
    assertEquals(Math.round(car.stateOfChargePercent() * 4.5 * 10) / 10.0, car.rangeKm(), 0.05);

    sim.advance(Duration.ofMinutes(47));
    assertEquals(80, car.stateOfChargePercent(), 1e-9);
    assertEquals(VehicleState.ChargeState.COMPLETE, car.chargeState());
    assertFalse(car.charging());
    assertTrue(car.cableLatched());
    assertEquals(0, car.inputCurrentA());
    assertEquals(0, car.timeToCompleteMin());

    // ten minutes after completing the latch opens, 2 s later the cable is out, 3 s later the
    // flap closes and the car drives off, back to 50 %: 30 percent of 4.5 km driven
    double odometer = car.odometerKm();
    sim.advance(Duration.ofMinutes(9));
    assertTrue(car.cableLatched());
    int seconds = 0;
    while (car.chargeState() == VehicleState.ChargeState.COMPLETE) {
      sim.advance(Duration.ofSeconds(1));
      seconds++;
    }
    assertTrue(seconds <= 60, "completed less than a minute after the 47th minute: " + seconds);
    assertFalse(car.cableLatched());
    assertTrue(car.cableConnected());
    sim.advance(Duration.ofSeconds(2));
    assertFalse(car.cableConnected());
    assertTrue(car.flapOpen());
    sim.advance(Duration.ofSeconds(3));
    assertFalse(car.flapOpen());
    assertEquals(50, car.stateOfChargePercent(), 1e-9);
    assertEquals(odometer + 135, car.odometerKm(), 1e-6);
  }

  @Test
  void theTaperAbove80PercentSlowsTheCharge() {
    SimpleVehicle high = new SimpleVehicle(new SimpleVehicle.Options(60, 85, 95, 11_040, true,
        Duration.ofSeconds(1), Duration.ofSeconds(1)), sim);
    sim.advance(Duration.ofSeconds(7));
    assertTrue(high.charging());
    // 85 %: a quarter of the way from 80 to 100, power 1 - 0.8 x 0.25 = 0.8 of full
    assertEquals(11.04 * 0.8, high.inputPowerKW(), 1e-6);
    assertTrue(high.fastChargerPresent());
    assertEquals(VehicleState.FastCharger.CCS, high.fastChargerType());
    assertEquals(high.packVoltageV(), high.inputVoltageV(), 1e-9, "DC: the inlet is at pack voltage");
  }

  @Test
  void itsFramesReadBackThroughTheShippedMappingAsTheModelsValues() throws Exception {
    sim.advance(Duration.ofMinutes(30));
    VehicleFrames frames = new VehicleFrames(car);
    Map<String, Object> read = new HashMap<>();
    CanSignalMapper m = new CanSignalMapper("car", CanMappings.load("evedge-generic-ev", "", null),
        new FrameClock(Instant.EPOCH, 0), 0, (Reading r) -> read.put(r.key(), r.value()));
    for (DbcMessage message : frames.messages()) {
      m.onFrame(frames.frame(message), 0);
    }
    assertEquals(car.stateOfChargePercent(), (Double) read.get("tractionbattery-stateofcharge"), 0.05);
    assertEquals(car.packVoltageV(), (Double) read.get("tractionbattery-voltage"), 0.05);
    assertEquals(car.packCurrentA(), (Double) read.get("tractionbattery-current"), 0.05);
    assertEquals(true, read.get("charge-ischargingportflapopen"));
    assertEquals(true, read.get("charge-ischargingcableconnected"));
    assertEquals(true, read.get("charge-ischargingcablelatched"));
    assertEquals("MENNEKES", read.get("charge-chargingconnectortype"));
    assertEquals("Green", read.get("charge-chargeportstatuscolor"));
    assertEquals("CHARGING", read.get("charge-detailedchargingstatus"));
    assertEquals(true, read.get("charge-ischarging"));
    assertEquals(false, read.get("charge-isfastchargerpresent"));
    assertEquals(80.0, read.get("charge-chargelimits"));
    assertEquals((double) car.timeToCompleteMin(), read.get("charge-timetocomplete"));
    assertEquals(16.0, (Double) read.get("charge-amperagerequested"), 0.05);
    assertEquals(16.0, (Double) read.get("charge-amperage"), 0.05);
    assertEquals(230.0, (Double) read.get("charge-voltage"), 0.05);
    assertEquals(11040.0, (Double) read.get("charge-wattage"), 5);
    assertEquals(car.rangeKm(), (Double) read.get("tractionbattery-range"), 0.5);
    assertEquals(16.0, (Double) read.get("charge-amperagemax"), 0.5, "the pilot offers 16 A");
  }
}
