package io.evedge.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.Plan;
import io.evedge.agent.config.ConfigLoader;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.SessionDetection;
import io.evedge.yaml.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session and record settings as a user writes them: defaults, mode resolution, clear errors. */
class SessionConfigTest {

  @TempDir
  Path dir;

  private ConfigLoader.Loaded load(String extra) throws Exception {
    Path file = dir.resolve("evedge.yaml");
    Files.writeString(file, """
        device_id: cp-1
        state_dir: %s
        mqtt: {uri: "tcp://127.0.0.1:1883"}
        modbus:
          - name: meter
            profile: eastron-sdm630
            tcp: {host: 127.0.0.1, port: 1502}
        %s
        """.formatted(dir.resolve("state"), extra));
    return ConfigLoader.load(file);
  }

  @Test
  void defaultsApplyWithoutASessionSection() throws Exception {
    SessionSettings s = SessionSettings.of(load(""));
    assertEquals(SessionDetection.SESSION_DETECTION_METER, s.sources().mode(), "a meter only: meter detection");
    assertEquals("meter", s.sources().meterDevice());
    assertEquals(200, s.session().getChargingPowerW());
    assertEquals(10, s.session().getMeterStartS());
    assertEquals(300, s.session().getMeterEndS());
    assertEquals(15, s.session().getReplugDebounceS());
    assertEquals(10, s.session().getJournalSyncS());
    assertEquals(1024, s.session().getSampleRingCapacity());
    assertEquals(400, s.records().getRetentionDays());
    assertEquals(10, s.records().getSignalRecords());
    assertEquals("UTC", s.zone().getId());
    assertEquals(1.0, s.vehicle().getChargeEfficiency());
  }

  @Test
  void checkConfigShowsTheSessionPlan() throws Exception {
    String plan = Plan.of(load("session: {journal_sync_s: 5}\ntimezone: Europe/Berlin")).describe();
    assertTrue(plan.contains("detection: meter power of meter"), plan);
    assertTrue(plan.contains("synced every 5 s"), plan);
    assertTrue(plan.contains("dates in Europe/Berlin"), plan);
    assertTrue(plan.contains("evedge/cp-1/records"), plan);
  }

  @Test
  void badValuesAreRejectedWithTheirPlace() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("timezone: Mars/Olympus"));
    assertTrue(e.getMessage().contains("timezone: expected an IANA time zone such as Europe/Berlin or UTC, got "
        + "'Mars/Olympus'"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("""
        tariff:
          currency: EUR
          windows: [{start: "25:00", end: "06:00", price_per_kwh: 0.1}]
        """));
    assertTrue(e.getMessage().contains("tariff.windows[0].start: expected local time HH:MM the window opens, got "
        + "'25:00'"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("session: {detection: sometimes}"));
    assertTrue(e.getMessage().contains("session.detection"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("places: [{label: Home, latitude: 51.5}]"));
    assertTrue(e.getMessage().contains("places[0].longitude: missing required key"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("""
        places:
          - {label: Home, latitude: 51.5, longitude: 0.1}
          - {label: Home, latitude: 52.5, longitude: 0.1}
        """));
    assertTrue(e.getMessage().contains("places[1].label: duplicate place label 'Home'"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("tariff: {currency: EUR, windows: [{start: \"10:00\", "
        + "end: \"11:00\", price_per_kwh: 1, days: [moon]}]}"));
    assertTrue(e.getMessage().contains("days[0]"), e.getMessage());
  }

  @Test
  void anUnsynchronisedClockMarksTheRecordTimeUncertain() throws Exception {
    boolean[] synced = {false};
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "", new io.evedge.time.VirtualScheduler(Rig.T0),
        () -> synced[0]);
    rig.cp = "C";
    rig.setPower(7_000);
    rig.run(Duration.ofMinutes(5));
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    assertTrue(r.getTimeUncertain());

    // synchronised before the end, no restart: the times come from the monotonic clock, they are right
    rig.cp = "C";
    rig.setPower(7_000);
    rig.run(Duration.ofMinutes(5));
    synced[0] = true;
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    assertEquals(false, rig.published.get(1).getTimeUncertain());

    // a restart bridged by an unsynchronised clock stays uncertain
    rig.cp = "C";
    rig.setPower(7_000);
    synced[0] = false;
    rig.run(Duration.ofMinutes(5));
    rig.kill();
    synced[0] = true;
    rig.start();
    rig.run(Duration.ofMinutes(5));
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    assertEquals(true, rig.published.get(2).getTimeUncertain());
    assertEquals(true, rig.published.get(2).getInterrupted());
  }

  @Test
  void theSystemClockStatusNeedsAPlausibleTimeAndTheMarker() throws Exception {
    Path marker = dir.resolve("synced");
    io.evedge.time.VirtualScheduler early = new io.evedge.time.VirtualScheduler(java.time.Instant.parse("1970-01-01T00:00:00Z"));
    io.evedge.time.VirtualScheduler now = new io.evedge.time.VirtualScheduler(Rig.T0);
    assertEquals(false, ClockStatus.of(early, "").synchronised(), "1970: a Pi that booted without network");
    assertEquals(false, ClockStatus.of(now, marker.toString()).synchronised());
    Files.writeString(marker, "");
    assertEquals(true, ClockStatus.of(now, marker.toString()).synchronised());
  }
}
