package io.evedge.drivers.can;

import io.evedge.drivers.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns received frames into {@link Reading}s of agent signals, as a compiled CAN mapping says:
 * decode each mapped DBC signal, transform it, then decide whether to emit it.
 *
 * <p>The decision is made in this order. <b>Change detection</b> first: with {@code on_change}, a
 * value equal to the last one emitted (within the deadband, for numbers) is dropped. Then
 * <b>throttling</b>: a number is emitted at most once per {@code min_interval_ms}; a dropped change
 * is not lost, since the next frame after the interval still differs from the last value emitted.
 * A change of a BOOL or TEXT value (cable, latch, flap, charging state) is never throttled, so no
 * transition is swallowed, however short. A signal that was stale, or whose bus was reopened, emits
 * its next value whatever it is, so its quality returns to good.
 *
 * <p><b>Staleness</b>: {@link #expire} reports the signals whose message has not been received for
 * {@code stale_after_cycles} × its cycle time; each goes stale once per episode.
 *
 * <p>The reading's time is the adapter's receive timestamp when it sent one, else the host's
 * receive time (see {@link FrameClock}). Deciding allocates nothing: a frame whose values are
 * unchanged, throttled or unmapped costs a binary search and the decoding. Only an emitted reading
 * is an object. Not thread-safe: use it from the bus's thread.
 */
public final class CanSignalMapper {

  /**
   * Signals of one message that went stale together.
   *
   * @param message the DBC message not received
   * @param keys the signals (reading keys) that went stale
   * @param silentMs how long the message had not been received
   */
  public record Stale(String message, List<String> keys, long silentMs) {}

  /** Counters of a mapper, readable from any thread. */
  public static final class Stats {
    /** Frames of a mapped message. */
    public final LongAdder framesMapped = new LongAdder();
    /** Frames of ids the mapping does not use. */
    public final LongAdder framesIgnored = new LongAdder();
    /** Readings emitted. */
    public final LongAdder emitted = new LongAdder();
    /** Number changes held back by {@code min_interval_ms}. */
    public final LongAdder throttled = new LongAdder();
  }

  private final String device;
  private final FrameClock clock;
  private final Consumer<Reading> out;
  private final int[] ids;
  private final MessageState[] byId;
  private final List<MessageState> messages;
  private final List<String> keys;
  private final Stats stats = new Stats();
  private boolean suspended;

  /**
   * @param device the bus name, the readings' device
   * @param mapping the compiled mapping
   * @param clock the bus's frame clock
   * @param startNanos the monotonic time the bus was opened: stale timeouts count from here until
   *     a message is first received
   * @param out where the readings go, on the caller's thread
   */
  public CanSignalMapper(String device, CanMappings.Compiled mapping, FrameClock clock,
      long startNanos, Consumer<Reading> out) {
    this.device = Objects.requireNonNull(device, "device");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.out = Objects.requireNonNull(out, "out");
    Map<DbcMessage, List<MappedSignal>> grouped = new LinkedHashMap<>();
    for (MappedSignal s : mapping.signals()) {
      grouped.computeIfAbsent(s.message(), m -> new ArrayList<>()).add(s);
    }
    List<MessageState> states = new ArrayList<>();
    for (Map.Entry<DbcMessage, List<MappedSignal>> e : grouped.entrySet()) {
      states.add(new MessageState(e.getKey(), e.getValue(), startNanos));
    }
    this.messages = List.copyOf(states);
    this.keys = mapping.keys();
    this.byId = states.toArray(new MessageState[0]);
    Arrays.sort(byId, Comparator.comparingInt(m -> key(m.message.id(), m.message.extended())));
    this.ids = new int[byId.length];
    for (int i = 0; i < byId.length; i++) {
      ids[i] = key(byId[i].message.id(), byId[i].message.extended());
    }
  }

  /** The counters. */
  public Stats stats() {
    return stats;
  }

  /** Every reading key this mapper can emit, in mapping order. */
  public List<String> keys() {
    return keys;
  }

  /**
   * Decodes one received frame and emits the readings it yields.
   *
   * @param adapterMs the unwrapped adapter timestamp, or {@link CanFrame#NO_TIMESTAMP}
   * @param receiveNanos the monotonic time the host read the frame's bytes
   * @return whether the frame belongs to a mapped message
   */
  public boolean onFrame(int id, boolean extended, boolean remote, int dlc, long data,
      long adapterMs, long receiveNanos) {
    int i = Arrays.binarySearch(ids, key(id, extended));
    if (i < 0) {
      stats.framesIgnored.increment();
      return false;
    }
    stats.framesMapped.increment();
    MessageState m = byId[i];
    m.lastSeenNanos = receiveNanos;
    long epochNanos = clock.epochNanos(adapterMs, receiveNanos);
    if (remote || suspended) {
      return true;
    }
    Instant time = null;
    for (Target t : m.targets) {
      Object value = t.decide(data, dlc, receiveNanos, stats);
      if (value == Target.SKIP) {
        continue;
      }
      if (time == null) {
        time = FrameClock.instant(epochNanos);
      }
      stats.emitted.increment();
      out.accept(new Reading(device, t.def.key(), value, t.def.unit(), time));
    }
    return true;
  }

  /** {@link #onFrame(int, boolean, boolean, int, long, long, long)} for a frame object. */
  public boolean onFrame(CanFrame frame, long receiveNanos) {
    return onFrame(frame.id(), frame.extended(), frame.remote(), frame.dlc(), frame.data(),
        frame.timestampMs(), receiveNanos);
  }

  /**
   * The signals that have just gone stale at {@code nowNanos}: their message has not been received
   * for longer than their timeout. Each is reported once, until its message is received again.
   */
  public List<Stale> expire(long nowNanos) {
    List<Stale> out = null;
    for (MessageState m : messages) {
      long silent = nowNanos - m.lastSeenNanos;
      List<String> gone = null;
      for (Target t : m.targets) {
        if (!t.stale && t.staleAfterNanos > 0 && silent > t.staleAfterNanos) {
          t.stale = true;
          if (gone == null) {
            gone = new ArrayList<>();
          }
          gone.add(t.def.key());
        }
      }
      if (gone != null) {
        if (out == null) {
          out = new ArrayList<>();
        }
        out.add(new Stale(m.message.name(), List.copyOf(gone), silent / 1_000_000L));
      }
    }
    return out == null ? List.of() : out;
  }

  /**
   * Marks every signal stale, so each emits its next value whatever it is; returns those that were
   * not stale already. For a bus error or a lost adapter, whose signals the caller reports.
   */
  public List<String> markAllStale() {
    List<String> marked = new ArrayList<>();
    for (MessageState m : messages) {
      for (Target t : m.targets) {
        if (!t.stale) {
          t.stale = true;
          marked.add(t.def.key());
        }
      }
    }
    return marked;
  }

  /**
   * While suspended (the bus is in error), frames are taken note of but no reading is emitted;
   * after, each signal emits its next value if it was marked stale meanwhile.
   */
  public void suspend(boolean on) {
    suspended = on;
  }

  /** Starts the stale timeouts afresh from {@code nowNanos}, for a reopened adapter. */
  public void restart(long nowNanos) {
    for (MessageState m : messages) {
      m.lastSeenNanos = nowNanos;
    }
    clock.reset();
  }

  private static int key(int id, boolean extended) {
    return extended ? id | 0x8000_0000 : id;
  }

  private static final class MessageState {
    final DbcMessage message;
    final Target[] targets;
    long lastSeenNanos;

    MessageState(DbcMessage message, List<MappedSignal> signals, long startNanos) {
      this.message = message;
      this.targets = signals.stream().map(Target::new).toArray(Target[]::new);
      this.lastSeenNanos = startNanos;
    }
  }

  /** One mapped signal and what was last emitted for it. */
  private static final class Target {
    static final Object SKIP = new Object();

    final MappedSignal def;
    final DbcSignal signal;
    final MappedSignal.Lookup lookup;
    final boolean number;
    final boolean tableBool;
    final long minIntervalNanos;
    final long staleAfterNanos;
    boolean emitted;
    boolean stale;
    double lastNumber;
    Object lastValue;
    long lastEmitNanos;

    Target(MappedSignal def) {
      this.def = def;
      this.signal = def.signal();
      this.lookup = def.lookup();
      this.number = def.kind() == MappedSignal.Kind.NUMBER;
      this.tableBool = def.kind() == MappedSignal.Kind.BOOL && !def.values().isEmpty();
      this.minIntervalNanos = def.minIntervalMs() * 1_000_000L;
      this.staleAfterNanos = def.staleAfterMs() * 1_000_000L;
    }

    /** The value to emit for this payload, null for "no value", or {@link #SKIP}. */
    Object decide(long data, int dlc, long nowNanos, Stats stats) {
      if (!signal.isPresentIn(data, dlc)) {
        return SKIP;
      }
      long raw = signal.decodeRaw(data, dlc);
      boolean force = !emitted || stale;
      if (number) {
        double v = signal.physical(raw) * def.scale() + def.offset();
        boolean changed = force || !def.onChange() || differs(v);
        if (!changed) {
          return SKIP;
        }
        if (!force && minIntervalNanos > 0 && nowNanos - lastEmitNanos < minIntervalNanos) {
          stats.throttled.increment();
          return SKIP;
        }
        lastNumber = v;
        emitted(nowNanos);
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
      }
      Object v;
      if (def.kind() == MappedSignal.Kind.BOOL && !tableBool) {
        v = signal.physical(raw) != 0 ? Boolean.TRUE : Boolean.FALSE;
      } else {
        v = lookup.get(raw);
      }
      boolean changed = force || v != lastValue;
      if (!changed && (def.onChange()
          || (minIntervalNanos > 0 && nowNanos - lastEmitNanos < minIntervalNanos))) {
        return SKIP;
      }
      lastValue = v;
      emitted(nowNanos);
      return v;
    }

    private boolean differs(double v) {
      if (Double.isNaN(v) || Double.isNaN(lastNumber)) {
        return Double.isNaN(v) != Double.isNaN(lastNumber);
      }
      return Math.abs(v - lastNumber) > def.deadband();
    }

    private void emitted(long nowNanos) {
      emitted = true;
      stale = false;
      lastEmitNanos = nowNanos;
    }
  }
}
