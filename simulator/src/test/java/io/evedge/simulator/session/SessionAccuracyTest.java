package io.evedge.simulator.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.record.FileRecordStore;
import io.evedge.agent.record.RecordBuilder;
import io.evedge.agent.record.Tariff;
import io.evedge.agent.session.SessionRecorder;
import io.evedge.agent.session.SessionSettings;
import io.evedge.agent.signal.SignalTable;
import io.evedge.drivers.Reading;
import io.evedge.drivers.modbus.Point;
import io.evedge.drivers.modbus.PointDecoder;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.ReadBlock;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.EnergySource;
import io.evedge.proto.LocationConfig;
import io.evedge.proto.RecordStoreConfig;
import io.evedge.proto.SessionConfig;
import io.evedge.proto.SessionDetection;
import io.evedge.proto.VehicleConfig;
import io.evedge.simulator.model.Meter;
import io.evedge.simulator.modbus.ProfileImage;
import io.evedge.time.VirtualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accuracy of a session's energy against the simulator's ground truth ({@link Meter#importKWh()},
 * the exact integral of its true power), on the virtual clock. The meter's values go through its
 * SDM630 register map exactly as the Modbus slave serves them (float32 words) and are decoded as
 * the poller decodes them; polls come every second with ±100 ms of jitter. Two recorders see the
 * same polls: one with the import register (energy source METER), one without it (POWER).
 *
 * <p>Bounds: the register delta is exact to the register's resolution (one float32 step at the
 * register's value); power integration is within 0.5 % for every session over 1 kWh.
 */
class SessionAccuracyTest {

  private static final Instant T0 = Instant.parse("2026-11-23T08:00:00Z");
  private static final List<String> REPORT = new ArrayList<>();

  @TempDir
  Path dir;

  /** What the two recorders made of one charge. */
  record Result(double truthKWh, ChargeRecord meter, ChargeRecord power, double registerStepKWh) {}

  /**
   * Charges through a {@link Meter} whose power {@code profile} sets, polling it every second, and
   * returns the two records and the truth.
   */
  private Result charge(String name, int phases, double startKWh, Duration length, long seed,
      Consumer<Scripted> profile) throws Exception {
    VirtualScheduler clock = new VirtualScheduler(T0);
    Meter meter = new Meter(phases, 230, startKWh, seed);
    meter.setPower(clock.nanoTime(), 0);
    Scripted script = new Scripted(clock, meter);
    profile.accept(script);
    SessionRecorder withRegister = recorder(clock, dir.resolve(name + "-meter"));
    SessionRecorder powerOnly = recorder(clock, dir.resolve(name + "-power"));
    DeviceProfile sdm630 = Profiles.load("eastron-sdm630");
    ProfileImage image = new ProfileImage(sdm630, () -> meter.readings(clock.nanoTime()));
    List<ReadBlock> plan = Profiles.plan(sdm630);
    SplittableRandom jitter = new SplittableRandom(seed);
    double before = meter.importKWh();
    long end = length.plus(Duration.ofMinutes(3)).toSeconds();
    for (long k = 1; k <= end; k++) {
      long due = k * 1_000_000_000L + (long) ((jitter.nextDouble() - 0.5) * 200_000_000L);
      clock.advance(Duration.ofNanos(due - clock.nanoTime()));
      List<Reading> readings = poll(image, plan, clock.now());
      withRegister.onReadings("meter", readings);
      powerOnly.onReadings("meter", readings.stream().filter(r -> !r.key().equals("energy_import")).toList());
      clock.runDue();
    }
    double truth = meter.importKWh() - before;
    ChargeRecord m = only(withRegister);
    ChargeRecord p = only(powerOnly);
    double step = Math.ulp((float) meter.importKWh());
    report(name, truth, m, p, step);
    return new Result(truth, m, p, step);
  }

  /** One poll of the SDM630 map, decoded as the Modbus poller decodes it. */
  private static List<Reading> poll(ProfileImage image, List<ReadBlock> plan, Instant now) {
    List<Reading> out = new ArrayList<>();
    for (ReadBlock b : plan) {
      int[] words = image.readRegisters(1, b.function(), b.address(), b.count());
      for (Point p : b.points()) {
        out.add(new Reading("meter", p.key(), PointDecoder.decode(p, words, p.address() - b.address()), p.unit(), now));
      }
    }
    return out;
  }

  private final java.util.Map<SessionRecorder, List<ChargeRecord>> out = new java.util.HashMap<>();

  private SessionRecorder recorder(VirtualScheduler clock, Path state) throws Exception {
    Files.createDirectories(state);
    SessionConfig session = SessionSettings.withDefaults(SessionConfig.newBuilder()
        .setDetection(SessionDetection.SESSION_DETECTION_METER).setMeterStartS(10).setMeterEndS(60).build());
    SessionSettings settings = new SessionSettings(session, SessionSettings.withDefaults(VehicleConfig.getDefaultInstance()),
        SessionSettings.withDefaults(RecordStoreConfig.getDefaultInstance()), ZoneId.of("UTC"),
        new SessionSettings.Sources(SessionDetection.SESSION_DETECTION_METER, null, "meter"), state);
    ZoneId utc = ZoneId.of("UTC");
    FileRecordStore store = new FileRecordStore(state.resolve("records"), utc, 400, 64L << 20);
    List<ChargeRecord> records = new ArrayList<>();
    Tariff none = Tariff.none(utc);
    SessionRecorder r = new SessionRecorder(clock, settings, "sim", new SignalTable(u -> { }), store, records::add,
        new RecordBuilder("sim", LocationConfig.getDefaultInstance(), false, List.of(), none), none, Runnable::run,
        () -> true);
    r.start();
    out.put(r, records);
    return r;
  }

  private ChargeRecord only(SessionRecorder r) {
    List<ChargeRecord> records = out.get(r);
    assertEquals(1, records.size(), "one record: " + records);
    return records.get(0);
  }

  private static void report(String name, double truth, ChargeRecord m, ChargeRecord p, double step) {
    String line = String.format(Locale.ROOT, "| %s | %.4f | %+.2f Wh (step %.2f Wh) | %+.2f Wh | %+.3f %% |", name,
        truth, (m.getEnergyAdded() - truth) * 1000, step * 1000, (p.getEnergyAdded() - truth) * 1000,
        (p.getEnergyAdded() - truth) / truth * 100);
    REPORT.add(line);
  }

  @AfterAll
  static void printReport() {
    System.out.println("| charge | truth kWh | METER error | POWER error | POWER error % |");
    System.out.println("| --- | --- | --- | --- | --- |");
    REPORT.forEach(System.out::println);
  }

  private static void check(Result r) {
    assertEquals(EnergySource.METER, r.meter().getEnergySource());
    assertEquals(EnergySource.POWER, r.power().getEnergySource());
    assertTrue(r.truthKWh() > 1, "a session over 1 kWh: " + r.truthKWh());
    assertTrue(Math.abs(r.meter().getEnergyAdded() - r.truthKWh()) <= r.registerStepKWh(),
        "register delta " + r.meter().getEnergyAdded() + " vs truth " + r.truthKWh() + ": more than one step "
            + r.registerStepKWh());
    double rel = Math.abs(r.power().getEnergyAdded() - r.truthKWh()) / r.truthKWh();
    assertTrue(rel < 0.005, "power integration off by " + rel * 100 + " %");
    assertTrue(r.meter().getCurveCount() <= 100 && r.meter().getCurveCount() > 20);
  }

  @Test
  void elevenKilowattsThreePhaseForHalfAnHour() throws Exception {
    check(charge("11 kW, 30 min", 3, 1000, Duration.ofMinutes(31), 1, s -> {
      s.at(5.3, 11_040);
      s.at(5.3 + 1800, 0);
    }));
  }

  @Test
  void oneAndAHalfKilowattHoursSinglePhaseOnAnOldMeter() throws Exception {
    // a register near 12 345 kWh reads in steps of ~1 Wh as float32
    check(charge("3.7 kW 1-phase, 25 min, register at 12 345 kWh", 1, 12_345.678, Duration.ofMinutes(26), 2, s -> {
      s.at(2.71, 3_680);
      s.at(2.71 + 1500, 0);
    }));
  }

  @Test
  void constantCurrentThenConstantVoltageTaper() throws Exception {
    check(charge("CC-CV taper 11 -> 1.4 kW, 75 min", 3, 4321.5, Duration.ofMinutes(76), 3, s -> {
      double t = 3.4;
      s.at(t, 11_000);
      t += 2400;
      // taper: a new current every 2.7 s (not on the poll grid), exponentially to 1.4 kW
      double p = 11_000;
      while (p > 1_400) {
        p = 11_000 * Math.exp(-(t - 2403.4) / 900);
        s.at(t, Math.max(p, 0));
        t += 2.7;
      }
      s.at(t, 0);
    }));
  }

  @Test
  void solarSurplusChangingEveryFewSeconds() throws Exception {
    SplittableRandom rnd = new SplittableRandom(99);
    check(charge("solar surplus 1.4-11 kW, changes every 3-40 s, 50 min", 3, 777.7, Duration.ofMinutes(51), 4, s -> {
      double t = 1.9;
      while (t < 3000) {
        s.at(t, 1_400 + rnd.nextDouble() * 9_600);
        t += 3 + rnd.nextDouble() * 37;
      }
      s.at(t, 0);
    }));
  }

  @Test
  void twentyTwoKilowattsForFourMinutes() throws Exception {
    check(charge("22 kW, 4 min", 3, 50_000, Duration.ofMinutes(5), 5, s -> {
      s.at(0.5, 22_080);
      s.at(0.5 + 240, 0);
    }));
  }

  /** Power changes of the meter at exact (virtual) times. */
  static final class Scripted {
    private final VirtualScheduler clock;
    private final Meter meter;

    Scripted(VirtualScheduler clock, Meter meter) {
      this.clock = clock;
      this.meter = meter;
    }

    /** From {@code seconds} after start on, the true power is {@code watts}. */
    void at(double seconds, double watts) {
      long at = (long) (seconds * 1e9);
      clock.schedule(() -> meter.setPower(at, watts), Duration.ofNanos(at - clock.nanoTime()));
    }
  }
}
