package io.evedge.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.proto.ChargeRecord;
import io.evedge.proto.SessionDetection;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cost and location of a whole session through the recorder: time-of-use boundaries, fees, privacy. */
class CostTest {

  @TempDir
  Path dir;

  @Test
  void energyIsPricedWhereItFlowedAcrossTimeOfUseBoundariesPlusFees() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, """
        tariff:
          currency: EUR
          energy_price_per_kwh: 0.30
          windows:
            - {start: "10:30", end: "11:00", price_per_kwh: 0.10}
          session_fee: 1.00
          idle_fee_per_minute: 0.05
          idle_grace_minutes: 10
        """);
    rig.cp = "C";
    rig.run(Duration.ofSeconds(1));
    rig.setPower(10_000);
    // charging from 10:00:01 to 11:00:01: 30 min at 0.30, 30 min at 0.10
    rig.run(Duration.ofHours(1));
    rig.cp = "B";
    rig.setPower(0);
    rig.run(Duration.ofMinutes(30));
    rig.cp = "A";
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    assertEquals(10.0, r.getEnergyAdded(), 1e-6);
    assertEquals("EUR", r.getCost().getCurrency());
    assertEquals(2.00, r.getCost().getEnergyAmount(), 1e-9, "5 kWh at 0.30 and 5 kWh at 0.10");
    assertEquals(1.00 + 20 * 0.05, r.getCost().getOtherAmount(), 1e-9, "session fee and 20 idle minutes");
  }

  @Test
  void aSessionOverMidnightInTheAgentsTimeZone() throws Exception {
    // Rig time starts 10:00Z = 21:00 in Noumea (UTC+11): night rate from 23:00 local
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, """
        timezone: Pacific/Noumea
        tariff:
          currency: NZD
          energy_price_per_kwh: 0.40
          windows: [{start: "23:00", end: "07:00", price_per_kwh: 0.15}]
        """);
    rig.cp = "C";
    rig.run(Duration.ofSeconds(1));
    rig.setPower(7_000);
    rig.run(Duration.ofHours(4));
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    // 21:00:01 to 01:00:01 local: 1 h 59 min 59 s at 0.40, 2 h 0 min 1 s at 0.15
    double expected = 7 * (7199.0 / 3600 * 0.40 + 7201.0 / 3600 * 0.15);
    assertEquals(Math.round(expected * 100) / 100.0, r.getCost().getEnergyAmount(), 1e-9);
  }

  @Test
  void locationNamedPlacesAndPrivacy() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, """
        location: {name: Home, address: "123 Park Lane", latitude: 51.5014, longitude: -0.1419, privacy: true}
        places:
          - {label: Home, latitude: 51.5015, longitude: -0.1419, radius_m: 50, home: true}
          - {label: London, latitude: 51.5072, longitude: -0.1276, radius_m: 20000}
          - {label: Paris, latitude: 48.8566, longitude: 2.3522, radius_m: 20000}
        """);
    rig.cp = "C";
    rig.setPower(7_000);
    rig.run(Duration.ofMinutes(10));
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    assertEquals("Home", r.getLocation().getName());
    assertFalse(r.getLocation().hasLatitude(), "coordinates withheld");
    assertFalse(r.getLocation().hasLongitude());
    assertTrue(r.getLocation().getAddress().isEmpty(), "address withheld");
    assertEquals(2, r.getLocationMatchesCount(), r.getLocationMatchesList().toString());
    assertEquals("Home", r.getLocationMatches(0).getLabel());
    assertEquals(11.1, r.getLocationMatches(0).getDistanceM(), 0.2);
    assertEquals(1 - 0.5 * 11.1 / 50, r.getLocationMatches(0).getAccuracy(), 0.005);
    assertEquals("London", r.getLocationMatches(1).getLabel());
    assertTrue(r.getAtHome(), "a matched place is home");
    assertFalse(r.getIsPublicCharger());
    assertFalse(r.hasCost(), "no tariff, no cost");
  }
}
