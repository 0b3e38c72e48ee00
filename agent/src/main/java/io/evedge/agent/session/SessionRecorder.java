package io.evedge.agent.session;

import io.evedge.agent.record.ClosedSession;
import io.evedge.agent.record.RecordBuilder;
import io.evedge.agent.record.RecordPublisher;
import io.evedge.agent.record.RecordStore;
import io.evedge.agent.record.Fsync;
import io.evedge.agent.record.Tariff;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.signal.SignalRouter;
import io.evedge.agent.signal.SignalTable;
import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.CurvePoint;
import io.evedge.proto.EnergySource;
import io.evedge.proto.JournalEntry;
import io.evedge.proto.Quality;
import io.evedge.proto.RingReset;
import io.evedge.proto.SampleBatch;
import io.evedge.proto.SessionCheckpoint;
import io.evedge.proto.SessionConfig;
import io.evedge.proto.SessionDetection;
import io.evedge.time.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinylog.Logger;

/**
 * Turns the hardware's readings into charge sessions and each session into exactly one record.
 *
 * <p>Detection is an explicit state machine ({@link State}, {@link Event}) over what the hardware
 * offers ({@link SessionSettings.Sources}):
 * <ul>
 *   <li><b>EVSE</b>: the IEC 61851 state gives the plug (A unplugged; B, C, D plugged; E, F unknown),
 *       C or D with power at or above {@code charging_power_w} (where a meter is read) is charging;
 *   <li><b>meter only</b>: power at or above {@code charging_power_w} for {@code meter_start_s}
 *       starts a session (dated from the first sample above), below half of it for
 *       {@code meter_end_s} ends it (dated at the first sample below; shorter pauses stay inside);
 *   <li><b>vehicle</b>: {@code charge-ischargingcableconnected} gives the plug,
 *       {@code charge-ischarging} (and power where known) charging.
 * </ul>
 * Pauses inside one plug-in stay one session; an unplug shorter than {@code replug_debounce_s} is
 * ignored. Durations come from the monotonic clock, on a session timeline that a restart bridges
 * with the wall clock; wall times are derived from it at the end, so a clock that NTP steps during a
 * session still gives right times.
 *
 * <p>Durability: the open session is journaled under {@code <state_dir>/session/} ({@link Journal}):
 * a checkpoint of its whole state plus the samples its ring accepted, synced at every state change
 * and every {@code journal_sync_s}. After a crash or power cut, {@link #start} finds it: the session
 * goes on if the hardware shows it still plugged in (or, meter only, still drawing power within
 * {@code meter_end_s}); otherwise it is closed as {@code interrupted} with stop reason
 * {@code PowerLoss}; energy the meter counted while the agent was down is in its register and
 * counted. A finished session is journaled as a {@code closing} record first, then appended to the
 * {@link RecordStore}, then given to the {@link RecordPublisher}, then the journal is removed; a
 * crash anywhere in between repeats the remaining steps at the next start (the store ignores an id it
 * has; backends dedupe by id).
 *
 * <p>Threads: readings arrive on the scheduler thread ({@link SignalRouter.Listener}); disk work runs
 * in order on the {@code io} executor. {@link #start} runs before readings flow.
 */
public final class SessionRecorder implements SignalRouter.Listener, AutoCloseable {

  /** Journals larger than this are rewritten as one checkpoint and the ring. */
  static final long COMPACT_BYTES = 256 * 1024;
  /** A phase carrying at least this current (A) counts towards the record's phases. */
  static final double LOADED_PHASE_A = 0.5;

  private static final String CABLE = "charge-ischargingcableconnected";
  private static final String IS_CHARGING = "charge-ischarging";
  private static final String WATTAGE = "charge-wattage";
  private static final String SOC = "tractionbattery-stateofcharge";
  private static final String RANGE = "tractionbattery-range";
  private static final String FAST_PRESENT = "charge-isfastchargerpresent";
  private static final String FAST_TYPE = "charge-fastchargertype";
  private static final String PHASES = "charge-chargerphases";
  private static final Set<String> INPUTS = Set.of(SessionSettings.CP_STATE, CABLE, IS_CHARGING, WATTAGE, SOC,
      RANGE, FAST_PRESENT, FAST_TYPE, PHASES, "voltage_l1", "voltage_l2", "voltage_l3", "current_l1", "current_l2",
      "current_l3", "power_l1", "power_l2", "power_l3", "power_total", SessionSettings.ENERGY_IMPORT);
  private static final Set<String> POWER_KEYS = Set.of("power_l1", "power_l2", "power_l3", "power_total", WATTAGE);
  // the per-phase reading keys, L1 to L3, named once rather than built at every sample
  private static final String[] VOLTAGE_KEYS = {"voltage_l1", "voltage_l2", "voltage_l3"};
  private static final String[] CURRENT_KEYS = {"current_l1", "current_l2", "current_l3"};
  private static final String[] POWER_PHASE_KEYS = {"power_l1", "power_l2", "power_l3"};
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final Scheduler scheduler;
  private final SessionSettings settings;
  private final SessionConfig cfg;
  private final SessionDetection mode;
  private final String deviceId;
  private final SignalTable table;
  private final RecordStore store;
  private final RecordPublisher publisher;
  private final RecordBuilder builder;
  private final Energy.Params params;
  private final Executor io;
  private final ClockStatus clock;
  private final Journal journal;
  private final Path sequenceFile;
  private final double startW;
  private final double stopW;

  private final Map<String, Object> latest = new HashMap<>();
  private final Map<String, String> sourceOf = new HashMap<>();

  /** The last fresh value of each energy input and when it came: a new session's baseline. */
  private final Last lastP = new Last();
  private final Last lastE = new Last();
  private final Last lastSoc = new Last();
  // the register and state of charge as they stood before power rose: a session detected a poll
  // after charging began still starts from them, so its first seconds of energy are not lost
  private final Last idleE = new Last();
  private final Last idleSoc = new Last();
  private boolean vehicleCharging;
  private final double[] v = new double[3];
  private final double[] a = new double[3];

  private Session session;
  private long base;
  private long lastSequence;
  private boolean recovering;
  private long recoveredLastSampleT = Session.NONE;
  private Scheduler.Cancellable debounce;
  private Scheduler.Cancellable recoveryTimer;
  private Scheduler.Cancellable syncTimer;
  /** The ring's samples accepted since the last sync: the next sync journals them in one entry. */
  private final SampleBatch.Builder pending = SampleBatch.newBuilder();
  /** Closed records not yet stored and enqueued, by id; kept in the journal until they are. */
  private final Map<String, ChargeRecord> undelivered = new java.util.LinkedHashMap<>();
  private final Set<String> attempting = new java.util.HashSet<>();
  private boolean sampledSinceRestart;
  private long journalBytes;
  private boolean dirty;
  private boolean closed;

  private final AtomicInteger recordsMade = new AtomicInteger();
  private final AtomicInteger ioErrors = new AtomicInteger();
  private final Set<String> failedDeliveries = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param io where disk work runs, in order (a serial executor; tests pass {@code Runnable::run})
   */
  public SessionRecorder(Scheduler scheduler, SessionSettings settings, String deviceId, SignalTable table,
      RecordStore store, RecordPublisher publisher, RecordBuilder builder, Tariff tariff, Executor io,
      ClockStatus clock) {
    this.scheduler = scheduler;
    this.settings = settings;
    this.cfg = settings.session();
    this.mode = settings.sources().mode();
    this.deviceId = deviceId;
    this.table = table;
    this.store = store;
    this.publisher = publisher;
    this.builder = builder;
    this.io = io;
    this.clock = clock;
    double capacity = settings.vehicle().getBatteryCapacityKwh();
    this.params = new Energy.Params(cfg.getMaxPowerKw() * 1000, Duration.ofSeconds(cfg.getMaxSampleGapS()).toNanos(),
        capacity, settings.vehicle().getChargeEfficiency(), tariff);
    Path dir = settings.stateDir().resolve("session");
    this.journal = new Journal(dir.resolve("journal"));
    this.sequenceFile = dir.resolve("sequence");
    this.startW = cfg.getChargingPowerW();
    this.stopW = cfg.getChargingPowerW() / 2;
    java.util.Arrays.fill(v, Double.NaN);
    java.util.Arrays.fill(a, Double.NaN);
  }

  // ---------------------------------------------------------------- start, recovery, close

  /**
   * Opens the journal directory, finishes a session that was closing when the agent stopped,
   * restores one that was open, and starts the journal's sync timer. Call once, before readings flow.
   */
  public void start() throws IOException {
    Files.createDirectories(journal.file().getParent());
    lastSequence = readSequence();
    Journal.Contents contents = Journal.read(journal.file());
    SessionCheckpoint checkpoint = null;
    List<JournalEntry> ring = new ArrayList<>();
    Set<String> delivered = new java.util.HashSet<>();
    for (JournalEntry e : contents.entries()) {
      switch (e.getKindCase()) {
        case CLOSING -> undelivered.put(e.getClosing().getId(), e.getClosing());
        case DELIVERED -> delivered.add(e.getDelivered());
        case CHECKPOINT -> checkpoint = e.getCheckpoint();
        case RING_RESET -> {
          ring.clear();
          ring.add(e);
        }
        case SAMPLE, SAMPLES -> ring.add(e);
        default -> { }
      }
    }
    for (ChargeRecord r : undelivered.values()) {
      lastSequence = Math.max(lastSequence, r.getSequence());
    }
    boolean finished = checkpoint != null && undelivered.containsKey(checkpoint.getId());
    undelivered.keySet().removeAll(delivered);
    for (ChargeRecord r : undelivered.values()) {
      Logger.info("Session {} was closing when the agent stopped: finishing its record", r.getId());
    }
    if (checkpoint != null && !finished) {
      restore(checkpoint, ring);
    } else if (undelivered.isEmpty() && (!contents.entries().isEmpty() || contents.skippedBytes() > 0)) {
      Logger.warn("Session journal {} holds no open session: removed", journal.file());
      io.execute(this::deleteJournal);
    }
    retryDeliveries();
    io.execute(this::publishLatestRecords);
    syncTimer = scheduler.scheduleAtFixedRate(this::periodicSync, Duration.ofSeconds(cfg.getJournalSyncS()),
        Duration.ofSeconds(cfg.getJournalSyncS()));
  }

  private void restore(SessionCheckpoint c, List<JournalEntry> ringEntries) {
    Session s = Session.restore(c, ringCapacity());
    for (JournalEntry e : ringEntries) {
      if (!Journal.replay(e, s.ring)) {
        Logger.warn("Session journal {}: a sample batch of {} time(s) and {} value(s) is not whole: skipped",
            journal.file(), e.getSamples().getTCount(), e.getSamples().getValuesCount());
      }
    }
    Instant now = scheduler.now();
    Instant written = RecordBuilder.instant(c.getWallTime());
    long downtime = Math.max(0, Duration.between(written, now).toNanos());
    long tNow = c.getT() + downtime;
    base = scheduler.nanoTime() - tNow;
    s.interrupted = true;
    s.recoveredT = tNow;
    if (!c.getClockSynced() || !clock.synchronised()) {
      s.timeUncertain = true;
    }
    session = s;
    lastSequence = Math.max(lastSequence, s.sequence);
    recovering = true;
    recoveredLastSampleT = s.lastSampleT;
    journalBytes = COMPACT_BYTES;
    Logger.info("Session {} was open in state {} when the agent stopped ({} s ago): waiting for the hardware "
        + "to say whether it goes on", s.id, s.state, downtime / 1_000_000_000L);
    transition(Event.RECOVERED, s.state);
    recoveryTimer = scheduler.schedule(this::recoveryTimedOut, Duration.ofSeconds(cfg.getRecoveryTimeoutS()));
    sync();
  }

  private void recoveryTimedOut() {
    if (!recovering || session == null) {
      return;
    }
    Logger.warn("Session {}: no word from the hardware {} s after the restart: closing it", session.id,
        cfg.getRecoveryTimeoutS());
    recovering = false;
    endStintAtLastSample();
    close("PowerLoss");
  }

  /** Stops every timer without syncing anything: what a {@code kill -9} leaves (tests). */
  void halt() {
    closed = true;
    cancel(syncTimer);
    cancel(debounce);
    cancel(recoveryTimer);
  }

  /** Syncs the journal of an open session (it goes on at the next start) and stops the timers. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (syncTimer != null) {
      syncTimer.cancel();
    }
    cancel(debounce);
    cancel(recoveryTimer);
    if (session != null && session.confirmed) {
      sync();
    }
  }

  // ---------------------------------------------------------------- readings

  @Override
  public void onReadings(String device, List<Reading> readings) {
    if (closed) {
      return;
    }
    boolean any = false;
    boolean freshP = false;
    boolean freshE = false;
    boolean freshSoc = false;
    for (Reading r : readings) {
      String key = r.key();
      if (IS_CHARGING.equals(key)) {
        // whatever the detection mode, a vehicle saying it charges is not idle
        vehicleCharging = r.value() == Boolean.TRUE;
      }
      if (!INPUTS.contains(key) || !settings.sources().accepts(device, key)) {
        continue;
      }
      any = true;
      if (r.value() == null) {
        latest.remove(key);
      } else {
        latest.put(key, r.value());
        sourceOf.put(key, device);
      }
      freshP |= POWER_KEYS.contains(key);
      freshE |= SessionSettings.ENERGY_IMPORT.equals(key);
      freshSoc |= SOC.equals(key);
    }
    if (any) {
      step(freshP, freshE, freshSoc);
    }
  }

  @Override
  public void onDeviceState(String device, DeviceState state) {
    if (state != DeviceState.OFFLINE) {
      return;
    }
    sourceOf.entrySet().removeIf(e -> {
      if (e.getValue().equals(device)) {
        latest.remove(e.getKey());
        return true;
      }
      return false;
    });
    if (session != null && session.confirmed && device.equals(settings.sources().meterDevice())) {
      table.setQuality(SignalCatalog.ENERGY_ADDED, Quality.UNAVAILABLE, scheduler.now());
    }
  }

  private void step(boolean freshP, boolean freshE, boolean freshSoc) {
    long now = scheduler.nanoTime();
    long wallMs = scheduler.now().toEpochMilli();
    double p = power();
    boolean sampled = freshP || freshE || freshSoc;
    if (sampled) {
      if (mode == SessionDetection.SESSION_DETECTION_METER && session == null && !Double.isNaN(p) && p >= startW) {
        openCandidate(now);
      }
      double e = number(SessionSettings.ENERGY_IMPORT);
      double soc = number(SOC);
      for (int i = 0; i < 3; i++) {
        v[i] = number(VOLTAGE_KEYS[i]);
        a[i] = number(CURRENT_KEYS[i]);
      }
      if (session != null) {
        feed(now, wallMs, freshP ? p : Double.NaN, freshE ? e : Double.NaN, freshSoc ? soc : Double.NaN, p);
      }
      sampledSinceRestart = true;
      if (freshP) {
        lastP.set(p, now, wallMs);
      }
      // idle: no power on the meter and, where the vehicle says so, not charging (its bus is quicker)
      boolean idle = !(p >= startW) && !vehicleCharging;
      if (freshE) {
        lastE.set(e, now, wallMs);
        if (idle) {
          idleE.set(e, now, wallMs);
        }
      }
      if (freshSoc) {
        lastSoc.set(soc, now, wallMs);
        if (idle) {
          idleSoc.set(soc, now, wallMs);
        }
      }
    }
    if (mode == SessionDetection.SESSION_DETECTION_METER) {
      if (sampled && !Double.isNaN(p)) {
        meterStep(now, p);
      }
    } else if (mode != SessionDetection.SESSION_DETECTION_OFF) {
      plugStep(now, p);
    }
  }

  // ---------------------------------------------------------------- detection: EVSE and vehicle

  private void plugStep(long now, double p) {
    Boolean plugged = plugged();
    Boolean hint = chargingHint();
    boolean high = !Double.isNaN(p) && p >= startW;
    boolean low = !Double.isNaN(p) && p < stopW;
    boolean start = hint == null ? high : hint && (Double.isNaN(p) || high);
    boolean stop = hint == null ? low : !hint || low;
    if (recovering) {
      if (plugged == null
          || (plugged == Boolean.FALSE && settings.sources().meterDevice() != null && !sampledSinceRestart)) {
        return;
      }
      recovering = false;
      cancel(recoveryTimer);
      if (plugged == Boolean.FALSE) {
        if (session.state == State.FINISHED) {
          Logger.info("Session {}: unplugged before the restart", session.id);
          close("EVDisconnected");
        } else {
          Logger.info("Session {}: unplugged while the agent was down", session.id);
          endStintAtLastSample();
          close("PowerLoss");
        }
        return;
      }
      Logger.info("Session {}: still plugged in after the restart, going on", session.id);
    }
    if (session == null) {
      if (plugged != Boolean.TRUE) {
        return;
      }
      open(now);
      session.pluggedT = t(now);
      transition(Event.PLUG_IN, State.PLUGGED);
      feedBaseline(now);
      table.set(SignalCatalog.ENERGY_ADDED, 0.0, scheduler.now(), Quality.GOOD);
      sync();
    }
    long t = t(now);
    switch (session.state) {
      case PLUGGED, PAUSED -> {
        if (plugged == Boolean.FALSE) {
          unplug(t);
        } else if (start) {
          session.startStint(t);
          transition(Event.CHARGE_START, State.CHARGING);
        }
      }
      case CHARGING -> {
        if (plugged == Boolean.FALSE) {
          session.endStint(t);
          unplug(t);
        } else if (stop) {
          session.endStint(t);
          transition(Event.CHARGE_STOP, State.PAUSED);
        }
      }
      case FINISHED -> {
        if (plugged == Boolean.TRUE) {
          cancel(debounce);
          session.unpluggedT = Session.NONE;
          transition(Event.REPLUG, session.charged() ? State.PAUSED : State.PLUGGED);
          if (start) {
            session.startStint(t);
            transition(Event.CHARGE_START, State.CHARGING);
          }
        }
      }
      default -> { }
    }
  }

  private void unplug(long t) {
    session.unpluggedT = t;
    transition(Event.UNPLUG, State.FINISHED);
    if (cfg.getReplugDebounceS() == 0) {
      endConfirmed();
      return;
    }
    Session s = session;
    debounce = scheduler.schedule(() -> {
      if (session == s && s.state == State.FINISHED) {
        endConfirmed();
      }
    }, Duration.ofSeconds(cfg.getReplugDebounceS()));
  }

  private void endConfirmed() {
    Logger.debug("Session {}: {} in state {}", session.id, Event.END_CONFIRMED, session.state);
    close("EVDisconnected");
  }

  // ---------------------------------------------------------------- detection: meter only

  private void openCandidate(long now) {
    session = new Session(ringCapacity());
    base = now;
    session.state = State.PLUGGED;
    feedBaseline(now);
    session.startStint(0);
    Logger.debug("Session candidate: {} ({} W)", Event.POWER_SEEN, power());
  }

  private void meterStep(long now, double p) {
    if (session == null) {
      return;
    }
    long t = t(now);
    if (recovering) {
      recovering = false;
      cancel(recoveryTimer);
      if (session.state == State.CHARGING && p < stopW) {
        long at = recoveredLastSampleT == Session.NONE ? session.recoveredT : recoveredLastSampleT;
        session.endStint(at);
        session.lowSinceT = at;
        session.atLow = session.energy.copy();
        transition(Event.CHARGE_STOP, State.PAUSED);
      }
      Logger.info("Session {}: {} W after the restart, going on", session.id, Math.round(p));
    }
    switch (session.state) {
      case PLUGGED -> {
        if (p < stopW) {
          Logger.debug("Session candidate: {} after {} s", Event.START_ABANDONED, t / 1e9);
          session = null;
        } else if (t >= Duration.ofSeconds(cfg.getMeterStartS()).toNanos()) {
          confirm(now);
          transition(Event.START_CONFIRMED, State.CHARGING);
        }
      }
      case CHARGING -> {
        if (p < stopW) {
          session.endStint(t);
          session.lowSinceT = t;
          session.atLow = session.energy.copy();
          transition(Event.CHARGE_STOP, State.PAUSED);
        }
      }
      case PAUSED -> {
        if (p >= startW) {
          session.atLow = null;
          session.lowSinceT = Session.NONE;
          session.startStint(t);
          transition(Event.CHARGE_START, State.CHARGING);
        } else if (p < stopW && t - session.lowSinceT >= Duration.ofSeconds(cfg.getMeterEndS()).toNanos()) {
          transition(Event.END_CONFIRMED, State.FINISHED);
          boolean whileDown = session.recoveredT != Session.NONE && session.lowSinceT <= session.recoveredT;
          close(whileDown ? "PowerLoss" : "StoppedByEV");
        }
      }
      default -> { }
    }
  }

  // ---------------------------------------------------------------- session bookkeeping

  private void open(long now) {
    session = new Session(ringCapacity());
    base = now;
    confirm(now);
  }

  /** Gives the session its id and sequence and journals it. */
  private void confirm(long now) {
    Session s = session;
    s.sequence = ++lastSequence;
    s.openedWall = scheduler.now().minusNanos(now - base);
    s.id = deviceId + "-" + ID_TIME.format(s.openedWall) + "-" + s.sequence;
    s.confirmed = true;
    if (!clock.synchronised()) {
      Logger.info("Session {}: the clock is not known to be synchronised yet", s.id);
    }
    Logger.info("Session {} opened ({})", s.id, settings.sources().describe());
    long seq = s.sequence;
    List<byte[]> frames = snapshotFrames(now);
    journalBytes = size(frames);
    pending.clear();
    dirty = false;
    io.execute(() -> {
      try {
        Fsync.replace(sequenceFile, Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
        journal.rewrite(frames);
      } catch (IOException e) {
        ioError("cannot write the session journal", e);
      }
    });
    table.set(SignalCatalog.ENERGY_ADDED, currentEnergy(), scheduler.now(), Quality.GOOD);
  }

  private void feed(long nanos, long wallMs, double p, double e, double soc, double lastP) {
    Session s = session;
    long t = nanos - base;
    if (!Double.isNaN(p)) {
      // before the energy: the power read with a register step is what makes the step possible
      s.maxPowerW = Math.max(s.maxPowerW, p);
    }
    s.energy.add(t, wallMs, p, e, soc, s.maxPowerW, params);
    if (!Double.isNaN(lastP) && lastP >= startW) {
      int loaded = 0;
      for (double amps : a) {
        if (!Double.isNaN(amps) && Math.abs(amps) >= LOADED_PHASE_A) {
          loaded++;
        }
      }
      if (loaded == 0 && !Double.isNaN(number(PHASES))) {
        loaded = (int) Math.round(number(PHASES));
      }
      s.phases = Math.max(s.phases, Math.min(3, loaded));
    }
    if (!Double.isNaN(soc)) {
      if (Double.isNaN(s.startSoc)) {
        s.startSoc = soc;
      }
      s.lastSoc = soc;
    }
    double range = number(RANGE);
    if (!Double.isNaN(range)) {
      if (Double.isNaN(s.startRange)) {
        s.startRange = range;
      }
      s.lastRange = range;
    }
    s.dc |= dcHint();
    s.lastSampleT = t;
    if (s.ring.offer(t, v[0], v[1], v[2], a[0], a[1], a[2], lastP,
        Double.isNaN(e) ? number(SessionSettings.ENERGY_IMPORT) : e, Double.isNaN(soc) ? number(SOC) : soc)
        && s.confirmed) {
      Journal.add(pending, s.ring, s.ring.size() - 1);
    }
    dirty = true;
    if (s.confirmed && !recovering) {
      table.set(SignalCatalog.ENERGY_ADDED, currentEnergy(), Instant.ofEpochMilli(wallMs), Quality.GOOD);
    }
  }

  /**
   * Counts the last values seen before the session opened (within the gap limit) as its first
   * sample: the register and state of charge from before power rose where there are such, else the
   * latest.
   */
  private void feedBaseline(long now) {
    long limit = params.maxGapNanos();
    double p = lastP.recent(now, limit);
    Last baseE = Double.isNaN(idleE.recent(now, limit)) ? lastE : idleE;
    double e = baseE.recent(now, limit);
    // a vehicle bus sends its state of charge when it changes, and it does not change while idle:
    // the last idle value stands however old it is
    Last baseSoc = Double.isNaN(idleSoc.value) ? lastSoc : idleSoc;
    double soc = baseSoc == idleSoc ? idleSoc.value : lastSoc.recent(now, limit);
    if (!Double.isNaN(e)) {
      session.energy.add(baseE.nanos - base, baseE.wallMs, Double.NaN, e, Double.NaN, 0, params);
    }
    if (!Double.isNaN(soc)) {
      session.energy.add(baseSoc.nanos - base, baseSoc.wallMs, Double.NaN, Double.NaN, soc, 0, params);
      session.startSoc = soc;
      session.lastSoc = soc;
    }
    if (!Double.isNaN(p)) {
      feed(lastP.nanos, lastP.wallMs, p, Double.NaN, Double.NaN, p);
    }
  }

  /** A value and when it was read. */
  private static final class Last {
    double value = Double.NaN;
    long nanos;
    long wallMs;

    void set(double v, long n, long w) {
      value = v;
      nanos = n;
      wallMs = w;
    }

    double recent(long now, long limit) {
      return !Double.isNaN(value) && now - nanos <= limit ? value : Double.NaN;
    }
  }

  /** After a restart: charging ended at the last sample the journal kept, the last moment known. */
  private void endStintAtLastSample() {
    if (session.state == State.CHARGING) {
      long at = recoveredLastSampleT != Session.NONE ? recoveredLastSampleT
          : session.lastSampleT != Session.NONE ? session.lastSampleT : t(scheduler.nanoTime());
      session.endStint(at);
    }
  }

  private double currentEnergy() {
    Energy e = session.energy;
    return e.kWh(e.best(params), params);
  }

  private void transition(Event event, State to) {
    State from = session.state;
    session.state = to;
    Logger.debug("Session {}: {} --{}--> {}", session.id == null ? "(candidate)" : session.id, from, event, to);
    if (session.confirmed && from != to) {
      sync();
    }
  }

  private void close(String stopReason) {
    Session s = session;
    session = null;
    cancel(debounce);
    long now = scheduler.nanoTime();
    long tNow = now - base;
    if (s.state == State.CHARGING) {
      s.endStint(tNow);
    }
    Logger.debug("Session {}: {} --{}--> {}", s.id, s.state, Event.CLOSE, State.UNPLUGGED);
    pending.clear();
    if (!s.charged()) {
      Logger.info("Session {} ended without charging: no record", s.id);
      releaseJournal();
      return;
    }
    boolean meterEnd = mode == SessionDetection.SESSION_DETECTION_METER && s.atLow != null;
    Energy e = meterEnd ? s.atLow : s.energy;
    EnergySource source = e.best(params);
    double kWh = e.kWh(source, params);
    Instant anchor = scheduler.now();
    long endT = s.lastChargeEndT;
    double hours = s.chargingNanos / 3.6e12;
    Duration idle = s.unpluggedT != Session.NONE && s.lastChargeEndT != Session.NONE
        ? Duration.ofNanos(Math.max(0, s.unpluggedT - s.lastChargeEndT)) : null;
    ClosedSession cs = new ClosedSession(s.id, s.sequence, wall(anchor, tNow, s.pluggedT), wall(anchor, tNow, s.unpluggedT),
        wall(anchor, tNow, s.firstChargeT), wall(anchor, tNow, endT), kWh, source, e.cost(source, params),
        e.meterStarted ? e.meterStart : null, e.meterStarted ? e.meterLast : null,
        Double.isNaN(s.startSoc) ? null : s.startSoc, Double.isNaN(s.lastSoc) ? null : s.lastSoc,
        Double.isNaN(s.startRange) ? null : s.startRange, Double.isNaN(s.lastRange) ? null : s.lastRange,
        hours > 0 ? kWh / hours : 0, s.maxPowerW / 1000, s.phases, s.dc, stopReason, s.interrupted,
        s.timeUncertain || !clock.synchronised(), e.meterAnomalies,
        idle, curve(s, anchor, tNow, meterEnd ? endT : Long.MAX_VALUE));
    ChargeRecord record = builder.build(cs);
    Logger.info("Session {} closed ({}): {} kWh from {}, {} to {}{}", s.id, stopReason, Math.round(kWh * 1000) / 1000.0,
        source, cs.start(), cs.end(), s.interrupted ? ", interrupted by a restart" : "");
    table.set(SignalCatalog.ENERGY_ADDED, kWh, anchor, Quality.GOOD);
    undelivered.put(record.getId(), record);
    attempting.add(record.getId());
    List<byte[]> closing = List.of(closingFrame(record));
    io.execute(() -> {
      try {
        journal.append(closing);
      } catch (IOException ex) {
        ioError("cannot journal the closing record " + record.getId(), ex);
      }
      deliver(record);
    });
  }

  private static byte[] closingFrame(ChargeRecord record) {
    return Journal.frame(JournalEntry.newBuilder().setClosing(record).build());
  }

  /** Tries again to deliver the records that were closed but not yet stored and enqueued. */
  private void retryDeliveries() {
    for (ChargeRecord r : undelivered.values()) {
      if (attempting.add(r.getId())) {
        io.execute(() -> deliver(r));
      }
    }
  }

  /**
   * Stores and enqueues a closed record, then updates the records signal. On the I/O thread; the
   * outcome goes back to the scheduler thread.
   */
  private void deliver(ChargeRecord record) {
    boolean ok = false;
    try {
      store.append(record);
      publisher.enqueue(record);
      ok = true;
    } catch (IOException | RuntimeException e) {
      if (failedDeliveries.add(record.getId())) {
        ioError("cannot store or enqueue record " + record.getId() + " (kept in the journal, tried again at "
            + "every journal sync)", e);
      } else {
        ioErrors.incrementAndGet();
        Logger.debug("Record {} still not delivered: {}", record.getId(), e.getMessage());
      }
    }
    if (ok) {
      try {
        journal.append(List.of(Journal.frame(JournalEntry.newBuilder().setDelivered(record.getId()).build())));
      } catch (IOException e) {
        ioError("cannot journal that record " + record.getId() + " was delivered", e);
      }
    }
    boolean done = ok;
    scheduler.execute(() -> delivered(record, done));
    if (ok) {
      recordsMade.incrementAndGet();
      publishLatestRecords();
    }
  }

  private void delivered(ChargeRecord record, boolean ok) {
    attempting.remove(record.getId());
    if (!ok) {
      return;
    }
    undelivered.remove(record.getId());
    if (session == null || !session.confirmed) {
      releaseJournal();
    }
  }

  /** No session is open: the journal keeps only the closing records not yet delivered, if any. */
  private void releaseJournal() {
    if (undelivered.isEmpty()) {
      io.execute(this::deleteJournal);
      return;
    }
    List<byte[]> frames = new ArrayList<>();
    for (ChargeRecord r : undelivered.values()) {
      frames.add(closingFrame(r));
    }
    io.execute(() -> {
      try {
        journal.rewrite(frames);
      } catch (IOException e) {
        ioError("cannot write the session journal", e);
      }
    });
  }

  private void deleteJournal() {
    try {
      journal.delete();
    } catch (IOException e) {
      ioError("cannot remove the session journal", e);
    }
  }

  private void publishLatestRecords() {
    List<ChargeRecord> latestRecords;
    try {
      latestRecords = store.latest(settings.records().getSignalRecords());
    } catch (IOException e) {
      ioError("cannot read the latest records", e);
      return;
    }
    if (latestRecords.isEmpty()) {
      return;
    }
    List<ChargeRecord> values = List.copyOf(latestRecords);
    scheduler.execute(() -> table.set(SignalCatalog.CHARGE_RECORDS, values, scheduler.now(), Quality.GOOD));
  }

  private static Instant wall(Instant anchor, long anchorT, long t) {
    return t == Session.NONE ? null : anchor.minusNanos(anchorT - t);
  }

  /** At most 100 points: consecutive ring samples averaged in equal groups, up to {@code endT}. */
  private static List<CurvePoint> curve(Session s, Instant anchor, long anchorT, long endT) {
    SampleRing ring = s.ring;
    int n = 0;
    while (n < ring.size() && ring.time(n) <= endT) {
      n++;
    }
    List<CurvePoint> out = new ArrayList<>();
    int group = Math.max(1, (n + 99) / 100);
    for (int i = 0; i < n; i += group) {
      double sum = 0;
      int count = 0;
      double soc = Double.NaN;
      for (int j = i; j < Math.min(n, i + group); j++) {
        double p = ring.get(j, SampleRing.P);
        if (!Double.isNaN(p)) {
          sum += p;
          count++;
        }
        double x = ring.get(j, SampleRing.SOC);
        if (!Double.isNaN(x)) {
          soc = x;
        }
      }
      CurvePoint.Builder c = CurvePoint.newBuilder()
          .setTime(RecordBuilder.timestamp(wall(anchor, anchorT, ring.time(i))))
          .setPower(count == 0 ? 0 : Math.round(sum / count) / 1000.0);
      if (!Double.isNaN(soc)) {
        c.setStateOfCharge(soc);
      }
      out.add(c.build());
    }
    return out;
  }

  // ---------------------------------------------------------------- journal

  private void periodicSync() {
    if (session != null && session.confirmed && (dirty || pending.getTCount() > 0)) {
      sync();
    }
    retryDeliveries();
  }

  /** Hands the samples since the last sync and a checkpoint to the journal, synced. */
  private void sync() {
    if (session == null || !session.confirmed) {
      return;
    }
    long now = scheduler.nanoTime();
    List<byte[]> frames;
    boolean rewrite = journalBytes > COMPACT_BYTES;
    if (rewrite) {
      frames = snapshotFrames(now);
      journalBytes = size(frames);
    } else {
      frames = new ArrayList<>(2);
      if (pending.getTCount() > 0) {
        frames.add(Journal.frame(JournalEntry.newBuilder().setSamples(pending).build()));
      }
      frames.add(Journal.frame(JournalEntry.newBuilder().setCheckpoint(checkpoint(now)).build()));
      journalBytes += size(frames);
    }
    pending.clear();
    dirty = false;
    io.execute(() -> {
      try {
        if (rewrite) {
          journal.rewrite(frames);
        } else {
          journal.append(frames);
        }
      } catch (IOException e) {
        ioError("cannot write the session journal", e);
      }
    });
  }

  private List<byte[]> snapshotFrames(long now) {
    Session s = session;
    List<byte[]> frames = new ArrayList<>();
    for (ChargeRecord r : undelivered.values()) {
      frames.add(closingFrame(r));
    }
    frames.add(Journal.frame(JournalEntry.newBuilder().setCheckpoint(checkpoint(now)).build()));
    frames.add(Journal.frame(JournalEntry.newBuilder()
        .setRingReset(RingReset.newBuilder().setStride(s.ring.stride())).build()));
    if (s.ring.size() > 0) {
      SampleBatch.Builder ring = SampleBatch.newBuilder();
      for (int i = 0; i < s.ring.size(); i++) {
        Journal.add(ring, s.ring, i);
      }
      frames.add(Journal.frame(JournalEntry.newBuilder().setSamples(ring).build()));
    }
    return frames;
  }

  private SessionCheckpoint checkpoint(long now) {
    return session.checkpoint(scheduler.now(), now - base, clock.synchronised(), mode.name());
  }

  private static long size(List<byte[]> frames) {
    long n = 0;
    for (byte[] f : frames) {
      n += f.length;
    }
    return n;
  }

  private long readSequence() throws IOException {
    try {
      return Long.parseLong(Files.readString(sequenceFile, StandardCharsets.US_ASCII).trim());
    } catch (NoSuchFileException e) {
      return 0;
    } catch (NumberFormatException e) {
      Logger.warn("Session sequence file {} is corrupt: starting from 0 (ids stay unique by their time)",
          sequenceFile);
      return 0;
    }
  }

  private void ioError(String what, Exception e) {
    ioErrors.incrementAndGet();
    Logger.error("Session recorder: {}: {}", what, e.getMessage());
  }

  // ---------------------------------------------------------------- inputs

  private long t(long nanos) {
    return nanos - base;
  }

  private int ringCapacity() {
    int c = cfg.getSampleRingCapacity();
    return c % 2 == 0 ? c : c + 1;
  }

  private double number(String key) {
    Object o = latest.get(key);
    if (o instanceof Double d) {
      return d;
    }
    if (o instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return Double.NaN;
  }

  /** Total power (W): the meter's total, else the sum of its phases, else the vehicle's. */
  private double power() {
    double total = number("power_total");
    if (!Double.isNaN(total)) {
      return total;
    }
    double sum = 0;
    boolean any = false;
    for (String key : POWER_PHASE_KEYS) {
      double p = number(key);
      if (!Double.isNaN(p)) {
        sum += p;
        any = true;
      }
    }
    return any ? sum : number(WATTAGE);
  }

  /** Whether a vehicle is plugged in, or null when the hardware cannot say now. */
  private Boolean plugged() {
    if (mode == SessionDetection.SESSION_DETECTION_EVSE) {
      char cp = cpState();
      return switch (cp) {
        case 'A' -> Boolean.FALSE;
        case 'B', 'C', 'D' -> Boolean.TRUE;
        default -> null;
      };
    }
    Object cable = latest.get(CABLE);
    if (cable instanceof Boolean b) {
      return b;
    }
    return latest.get(IS_CHARGING) == Boolean.TRUE ? Boolean.TRUE : null;
  }

  /** Whether the hardware says the vehicle asks for energy, or null when it cannot say. */
  private Boolean chargingHint() {
    if (mode == SessionDetection.SESSION_DETECTION_EVSE) {
      char cp = cpState();
      return cp == 'C' || cp == 'D' ? Boolean.TRUE : cp == 'B' ? Boolean.FALSE : null;
    }
    return latest.get(IS_CHARGING) instanceof Boolean b ? b : null;
  }

  /** The IEC 61851 state letter: from text ("A", "B1", "C2") or a number (1 = A ... 6 = F); '?' if none. */
  private char cpState() {
    Object o = latest.get(SessionSettings.CP_STATE);
    if (o instanceof String s && !s.isEmpty()) {
      return Character.toUpperCase(s.charAt(0));
    }
    if (o instanceof Double d && d >= 1 && d <= 6) {
      return (char) ('A' + (int) Math.round(d) - 1);
    }
    return '?';
  }

  private boolean dcHint() {
    if (latest.get(FAST_PRESENT) == Boolean.TRUE) {
      return true;
    }
    return latest.get(FAST_TYPE) instanceof String s && !s.isEmpty() && !s.equalsIgnoreCase("none");
  }

  private static void cancel(Scheduler.Cancellable c) {
    if (c != null) {
      c.cancel();
    }
  }

  // ---------------------------------------------------------------- for tests and diagnostics

  /** The state of the open session, or UNPLUGGED. */
  State state() {
    return session == null ? State.UNPLUGGED : session.state;
  }

  /** The open session's energy so far (kWh), 0 without one. */
  double energyNow() {
    return session == null ? 0 : currentEnergy();
  }

  /** Whether the recorder waits for the hardware after a restart. */
  boolean recovering() {
    return recovering;
  }

  /** The open session, or null. */
  Session session() {
    return session;
  }

  /** Records delivered (stored and enqueued) since start. */
  public int recordsMade() {
    return recordsMade.get();
  }

  /** Disk operations that failed since start. */
  public int ioErrors() {
    return ioErrors.get();
  }
}
