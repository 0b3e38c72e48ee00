package io.evedge.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.proto.Scenario;
import io.evedge.proto.TrueSession;
import io.evedge.simulator.model.CpState;
import io.evedge.time.VirtualScheduler;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenarios played on the virtual clock: an eight-hour charge in milliseconds, exactly. */
class ScenarioRunnerTest {

  private static final Instant T0 = Instant.parse("2026-11-23T18:00:00Z");

  @TempDir
  Path dir;

  private record Played(ScenarioRunner runner, List<TrueSession> truths, VirtualScheduler clock) {}

  private Played play(String name) throws Exception {
    VirtualScheduler clock = new VirtualScheduler(T0);
    ScenarioRunner r = new ScenarioRunner(Scenarios.load(name), clock, dir.resolve("truth.jsonl"));
    r.start();
    clock.advance(r.end().plus(Duration.ofMinutes(1)));
    r.close();
    return new Played(r, r.truths(), clock);
  }

  @Test
  void everyShippedScenarioLoadsAndEnds() throws Exception {
    for (String name : Scenarios.SHIPPED) {
      Played p = play(name);
      assertTrue(p.runner().finished(), name);
      assertTrue(p.truths().size() >= 1, name + " has a session");
    }
  }

  @Test
  void threePhaseHomeChargeIsExact() throws Exception {
    Played p = play("ac-3phase-home");
    assertEquals(1, p.truths().size());
    TrueSession s = p.truths().get(0);
    // 16 A x 230 V x 3 = 11.04 kW, capped by the 11 kW on-board charger; 30 -> 80 % of 60 kWh at 92 %
    double battery = 0.5 * 60;
    assertEquals(battery / 0.92, s.getEnergyKwh(), 11.0 / 3600, "within one 1 s step at 11 kW");
    assertEquals(s.getMeterStopKwh() - s.getMeterStartKwh(), s.getEnergyKwh(), 1e-9, "register = true energy");
    assertEquals(80.0, s.getSocEnd(), 0.01);
    assertEquals(30.0, s.getSocStart(), 1e-9);
    assertEquals(3, s.getPhases());
    assertEquals("AC", s.getChargingType());
    assertEquals(11.0, s.getMaxPowerKw(), 1e-9);
    assertEquals(T0.plusSeconds(30).toString(), s.getPluggedIn());
    assertEquals(T0.plusSeconds(35).toString(), s.getChargeStart());
    Duration charging = Duration.between(Instant.parse(s.getChargeStart()), Instant.parse(s.getChargeEnd()));
    assertEquals(battery / 0.92 / 11.0 * 3600, charging.toSeconds(), 1.5);
    assertEquals(T0.plus(Duration.ofHours(4)).toString(), s.getUnplugged());
    // the ground truth file holds the same session as one JSON line
    List<String> lines = Files.readAllLines(dir.resolve("truth.jsonl"));
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith("{\"scenario\":\"ac-3phase-home\",\"number\":1,"), lines.get(0));
  }

  @Test
  void onePhaseChargeUsesOnePhaseAndTheOnBoardChargerLimit() throws Exception {
    TrueSession s = play("ac-1phase").truths().get(0);
    assertEquals(1, s.getPhases());
    assertEquals(7.36, s.getMaxPowerKw(), 1e-9, "32 A x 230 V = 7.36 kW, below the 7.4 kW charger");
  }

  @Test
  void dcChargeTapersAboveEightyPercent() throws Exception {
    VirtualScheduler clock = new VirtualScheduler(T0);
    ScenarioRunner r = new ScenarioRunner(Scenarios.load("dc-fast"), clock, null);
    r.start();
    clock.advance(Duration.ofSeconds(30));
    assertEquals(120_000, r.chargePoint().powerW(), 1e-9, "full power below the taper");
    while (r.chargePoint().vehicle().socPercent() < 85) {
      clock.advance(Duration.ofSeconds(10));
    }
    assertTrue(r.chargePoint().powerW() < 0.8 * 120_000, "tapered at 85 %: " + r.chargePoint().powerW());
    clock.advance(r.end());
    TrueSession s = r.truths().get(0);
    assertEquals("DC", s.getChargingType());
    assertEquals(0, s.getPhases());
    assertEquals(90.0, s.getSocEnd(), 0.05);
  }

  @Test
  void pauseAndQuickReplugStayOneSession() throws Exception {
    assertEquals(1, play("pause-resume").truths().size());
    assertEquals(1, play("quick-replug").truths().size());
  }

  @Test
  void pausedVehicleDrawsNothingAndStateGoesBackToB() throws Exception {
    VirtualScheduler clock = new VirtualScheduler(T0);
    ScenarioRunner r = new ScenarioRunner(Scenarios.load("pause-resume"), clock, null);
    r.start();
    assertEquals(CpState.B, r.chargePoint().cpState(), "plugged at 0 s, not yet authorised");
    clock.advance(Duration.ofMinutes(10));
    assertEquals(CpState.C, r.chargePoint().cpState());
    clock.advance(Duration.ofMinutes(30));
    assertEquals(CpState.B, r.chargePoint().cpState());
    assertEquals(0, r.chargePoint().powerW());
    double register = r.chargePoint().meter().importKWh();
    clock.advance(Duration.ofMinutes(10));
    assertEquals(register, r.chargePoint().meter().importKWh(), 0, "no energy while paused");
  }

  @Test
  void limitReachedEndsTheChargeBeforeTheUnplug() throws Exception {
    TrueSession s = play("limit-reached").truths().get(0);
    assertEquals(60.0, s.getSocEnd(), 0.01);
    assertTrue(Instant.parse(s.getChargeEnd()).isBefore(Instant.parse(s.getUnplugged()).minusSeconds(1800)));
  }

  @Test
  void meterResetKeepsTheTrueEnergy() throws Exception {
    Path file = dir.resolve("reset.yaml");
    Files.writeString(file, """
        name: reset
        evse: {max_current_a: 16, phases: 3}
        meter: {start_kwh: 500}
        timeline:
          - {at: 0s, event: plug}
          - {at: 0s, event: start}
          - {at: 30m, event: fault, fault: meter_reset}
          - {at: 1h, event: unplug}
        """);
    VirtualScheduler clock = new VirtualScheduler(T0);
    ScenarioRunner r = new ScenarioRunner(Scenarios.load(file.toString()), clock, null);
    r.start();
    clock.advance(Duration.ofHours(2));
    TrueSession s = r.truths().get(0);
    assertEquals(11.0, s.getEnergyKwh(), 11.0 / 3600);
    assertEquals(5.5, s.getMeterStopKwh(), 11.0 / 3600, "the register restarted from 0 at 30 min");
  }

  @Test
  void badScenariosNameTheProblem() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        name: bad
        timeline:
          - {at: soon, event: plug}
          - {at: 1m, event: set_current}
          - {at: 2m, event: teleport}
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> Scenarios.load(file.toString()));
    assertTrue(e.getMessage().contains("timeline[2].event: expected one of ARRIVE"), e.getMessage());
    Files.writeString(file, """
        name: bad
        timeline:
          - {at: soon, event: plug}
          - {at: 1m, event: set_current}
        """);
    e = assertThrows(ConfigException.class, () -> Scenarios.load(file.toString()));
    assertTrue(e.getMessage().contains("timeline[0].at: 'soon' is not a duration"), e.getMessage());
    assertTrue(e.getMessage().contains("timeline[1].amps: set_current needs amps"), e.getMessage());
    assertThrows(ConfigException.class, () -> Scenarios.load("no-such-scenario"));
  }

  @Test
  void durations() {
    assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals(Duration.ofMinutes(150), Durations.parse("2h30m"));
    assertEquals(Duration.ofMillis(3_930_500), Durations.parse("1h5m30.5s"));
    assertEquals(Duration.ofHours(2), Durations.parse("PT2H"));
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("2 hours"));
  }

  @Test
  void scenarioSchemaRejectsOutOfRangeValues() {
    ConfigException e = assertThrows(ConfigException.class, () -> ProtoYaml.read("s.yaml",
        "name: x\nevse: {max_current_a: 3}\n", Scenario.newBuilder()));
    assertTrue(e.getMessage().contains("evse.max_current_a: expected a number from 6 to 80"), e.getMessage());
  }
}
