package io.evedge.agent.session;

import io.evedge.agent.record.FileRecordStore;
import io.evedge.agent.record.RecordBuilder;
import io.evedge.agent.record.RecordPublisher;
import io.evedge.agent.record.Tariff;
import io.evedge.agent.signal.SignalTable;
import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.proto.AgentConfig;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.SessionDetection;
import io.evedge.proto.SignalValue;
import io.evedge.time.VirtualScheduler;
import io.evedge.yaml.ProtoYaml;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A session recorder on the virtual clock with its real journal and record store in a temporary
 * directory, a hardware stand-in that feeds it readings, and a publisher that keeps what it is given.
 *
 * <p>The hardware: an EVSE state, a meter whose true power is piecewise constant and whose import
 * register is its exact integral, and vehicle signals. {@link #run} advances time sampling every
 * {@code sampleEvery}.
 */
final class Rig {

  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  final VirtualScheduler clock;
  final Path dir;
  final AgentConfig config;
  final SessionSettings settings;
  final List<SignalTable.Update> signals = new ArrayList<>();
  final SignalTable table = new SignalTable(signals::add);
  final List<ChargeRecord> published = new ArrayList<>();
  final RecordPublisher publisher = published::add;
  FileRecordStore store;
  SessionRecorder recorder;
  final ClockStatus clockStatus;

  // the hardware
  String cp = "A";
  double powerW;
  double registerKWh = 1000;
  double soc = Double.NaN;
  Boolean cable;
  Boolean isCharging;
  boolean meterOnline = true;
  int phases = 3;
  private long lastNanos;

  /**
   * @param yaml the configuration after device_id, mqtt and state_dir (session:, tariff:, ...)
   */
  Rig(Path dir, SessionDetection mode, String yaml) throws Exception {
    this(dir, mode, yaml, new VirtualScheduler(T0), () -> true);
  }

  Rig(Path dir, SessionDetection mode, String yaml, VirtualScheduler clock, ClockStatus status) throws Exception {
    this(dir, mode, mode == SessionDetection.SESSION_DETECTION_VEHICLE ? null : "meter", yaml, clock, status);
  }

  /** A rig whose meter is {@code meter} (null: none). */
  Rig(Path dir, SessionDetection mode, String meter, String yaml, VirtualScheduler clock, ClockStatus status)
      throws Exception {
    this.clock = clock;
    this.dir = dir;
    this.clockStatus = status;
    this.config = ProtoYaml.read("test.yaml", """
        device_id: cp-test
        state_dir: %s
        mqtt: {uri: "tcp://127.0.0.1:1883"}
        %s
        """.formatted(dir, yaml), AgentConfig.newBuilder()).build();
    String evse = mode == SessionDetection.SESSION_DETECTION_EVSE ? "evse" : null;
    this.settings = new SessionSettings(SessionSettings.withDefaults(config.getSession()),
        SessionSettings.withDefaults(config.getVehicle()), SessionSettings.withDefaults(config.getRecords()),
        SessionSettings.zone(config), new SessionSettings.Sources(mode, evse, meter), dir);
    this.lastNanos = clock.nanoTime();
    start();
  }

  /** A recorder as a fresh agent process would make it (the previous one is simply dropped: kill -9). */
  void start() throws IOException {
    store = new FileRecordStore(dir.resolve("records"), settings.zone(), settings.records().getRetentionDays(),
        settings.records().getRetentionBytes());
    Tariff tariff = config.hasTariff() ? Tariff.of(config.getTariff(), true, settings.zone()) : Tariff.none(settings.zone());
    RecordBuilder builder = new RecordBuilder("cp-test", config.getLocation(), config.hasLocation(),
        config.getPlacesList(), tariff);
    recorder = new SessionRecorder(clock, settings, "cp-test", table, store, publisher, builder, tariff, Runnable::run,
        clockStatus);
    recorder.start();
    clock.runDue();
  }

  /** The agent is killed now: the recorder is dropped, nothing more reaches it. */
  void kill() {
    recorder.halt();
    recorder = null;
  }

  /** Moves the meter's register to now at the current power. */
  private void integrate() {
    long now = clock.nanoTime();
    registerKWh += powerW * (now - lastNanos) / 3.6e15;
    lastNanos = now;
  }

  void setPower(double w) {
    integrate();
    powerW = w;
  }

  /** Advances time by {@code d}, the hardware answering every {@code every}. */
  void run(Duration d, Duration every) {
    long end = clock.nanoTime() + d.toNanos();
    while (clock.nanoTime() < end) {
      long step = Math.min(every.toNanos(), end - clock.nanoTime());
      clock.advance(Duration.ofNanos(step));
      integrate();
      poll();
    }
  }

  /** Advances time without the hardware answering (the agent is down, or the devices are). */
  void idle(Duration d) {
    clock.advance(d);
    integrate();
  }

  void run(Duration d) {
    run(d, Duration.ofSeconds(1));
  }

  /** One poll of every device, as the drivers deliver it. */
  void poll() {
    if (recorder == null) {
      return;
    }
    Instant now = clock.now();
    if (settings.sources().mode() == SessionDetection.SESSION_DETECTION_EVSE) {
      recorder.onReadings("evse", List.of(new Reading("evse", "cp_state", cp, "", now)));
    }
    if (settings.sources().meterDevice() != null && meterOnline) {
      List<Reading> m = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        boolean loaded = i <= phases;
        double v = 230;
        m.add(new Reading("meter", "voltage_l" + i, v, "V", now));
        m.add(new Reading("meter", "current_l" + i, loaded ? powerW / phases / v : 0.0, "A", now));
      }
      m.add(new Reading("meter", "power_total", powerW, "W", now));
      m.add(new Reading("meter", "energy_import", registerKWh, "kWh", now));
      recorder.onReadings("meter", m);
    }
    List<Reading> car = new ArrayList<>();
    if (cable != null) {
      car.add(new Reading("can", "charge-ischargingcableconnected", cable, "", now));
    }
    if (isCharging != null) {
      car.add(new Reading("can", "charge-ischarging", isCharging, "", now));
    }
    if (!Double.isNaN(soc)) {
      car.add(new Reading("can", "tractionbattery-stateofcharge", soc, "%", now));
    }
    if (!car.isEmpty()) {
      recorder.onReadings("can", car);
    }
    clock.runDue();
  }

  void meterOffline() {
    meterOnline = false;
    recorder.onDeviceState("meter", DeviceState.OFFLINE);
  }

  /** The latest body of a signal, or null. */
  SignalValue signal(String name) {
    return table.get(name).orElse(null);
  }

  double energyAddedSignal() {
    SignalValue v = signal("charge-energyadded");
    return v == null ? Double.NaN : v.getValue().getNumberValue();
  }

  ChargeRecord only() {
    if (published.size() != 1) {
      throw new AssertionError("expected one record, got " + published.size() + ": " + published);
    }
    return published.get(0);
  }
}
