package io.evedge.agent.signal;

import io.evedge.agent.mqtt.LinkEvent;
import io.evedge.proto.SignalPolicy;
import io.evedge.proto.SignalValue;
import io.evedge.proto.SignalsConfig;
import io.evedge.time.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * Decides, per signal, which changes of the {@link SignalTable} go to the broker (report by
 * exception). Runs on the scheduler thread; every timer goes through the {@link Scheduler}.
 *
 * <ul>
 *   <li>A number is published when it moved at least its deadband (absolute, or a percentage of the
 *       last published value; by default any change) from the last <em>published</em> value, so slow
 *       drift is reported too; at most once per minimum interval, the latest value going out when
 *       the interval ends.
 *   <li>Booleans, texts and objects are discrete: every transition is published at once, past any
 *       minimum interval, each as its own message (never replaced by a newer one in a queue). So is a
 *       change of quality.
 *   <li>With a maximum interval, a signal not published for that long is published again (heartbeat).
 *   <li>While the link is down nothing is published. On reconnect a signal is published only where
 *       it changed (by the rules above) since it was last published, and the discrete transitions
 *       missed meanwhile are replayed in order; when the broker did not resume our session (it may
 *       have lost its retained messages) every signal is published again.
 * </ul>
 */
public final class ReportByException implements Consumer<SignalTable.Update> {

  /** Transitions of a discrete signal kept while the link is down; older ones are dropped, counted. */
  static final int MAX_MISSED = 32;

  /** Where published bodies go. */
  @FunctionalInterface
  public interface Sink {
    /**
     * @param every true for a discrete transition that must not be replaced by a newer value while
     *     queued; false for a latest-value-wins update
     */
    void publish(SignalCatalog.Def def, SignalValue body, boolean every);
  }

  /** A signal's policy with defaults resolved: deadband units, nanoseconds. */
  record Policy(double deadband, double deadbandPercent, long minIntervalNanos, long maxIntervalNanos) {
    static Policy of(SignalPolicy p, SignalPolicy defaults) {
      return new Policy(
          p.hasDeadband() ? p.getDeadband() : defaults.getDeadband(),
          p.hasDeadbandPercent() ? p.getDeadbandPercent() : defaults.getDeadbandPercent(),
          Duration.ofMillis(p.hasMinIntervalMs() ? p.getMinIntervalMs() : defaults.getMinIntervalMs()).toNanos(),
          Duration.ofSeconds(p.hasMaxIntervalS() ? p.getMaxIntervalS() : defaults.getMaxIntervalS()).toNanos());
    }
  }

  private static final class Track {
    final SignalCatalog.Def def;
    final Policy policy;
    SignalValue latest;
    SignalValue sent;
    long sentAt;
    Scheduler.Cancellable pending;
    Scheduler.Cancellable heartbeat;
    final ArrayDeque<SignalValue> missed = new ArrayDeque<>();
    long missedDropped;

    Track(SignalCatalog.Def def, Policy policy) {
      this.def = def;
      this.policy = policy;
    }
  }

  private final Scheduler scheduler;
  private final SignalsConfig config;
  private final Sink sink;
  private final Map<String, Track> tracks = new LinkedHashMap<>();
  private boolean connected;

  public ReportByException(Scheduler scheduler, SignalsConfig config, Sink sink) {
    this.scheduler = scheduler;
    this.config = config;
    this.sink = sink;
  }

  /** The policy in force for {@code signal}. */
  Policy policy(String signal) {
    SignalPolicy p = config.getPerSignalOrDefault(signal, SignalPolicy.getDefaultInstance());
    return Policy.of(p, config.getDefaults());
  }

  /** A link event, to be handed over from the link's thread to the scheduler's. */
  public void onLink(LinkEvent event) {
    scheduler.execute(() -> linkChanged(event));
  }

  @Override
  public void accept(SignalTable.Update update) {
    Track t = tracks.computeIfAbsent(update.def().name(), n -> new Track(update.def(), policy(n)));
    SignalValue body = update.body();
    SignalValue before = t.latest;
    t.latest = body;
    if (!connected) {
      if (discrete(t.def) && (before == null || !SignalTable.sameContent(before, body))) {
        if (t.missed.size() == MAX_MISSED) {
          t.missed.removeFirst();
          if (t.missedDropped++ == 0) {
            Logger.warn("{} changed more than {} times while the broker was away; the oldest changes are "
                + "not replayed", t.def.name(), MAX_MISSED);
          }
        }
        t.missed.addLast(body);
      }
      return;
    }
    if (t.sent == null) {
      send(t, body, true);
      return;
    }
    Change c = change(t, t.sent, body);
    if (c == Change.DISCRETE) {
      cancelPending(t);
      send(t, body, true);
    } else if (c == Change.SIGNIFICANT) {
      long due = t.sentAt + t.policy.minIntervalNanos();
      long now = scheduler.nanoTime();
      if (now >= due) {
        cancelPending(t);
        send(t, body, false);
      } else if (t.pending == null) {
        t.pending = scheduler.schedule(() -> {
          t.pending = null;
          if (connected && t.latest != null && change(t, t.sent, t.latest) != Change.NONE) {
            send(t, t.latest, false);
          }
        }, Duration.ofNanos(due - now));
      }
    }
  }

  private void linkChanged(LinkEvent event) {
    if (!event.connected()) {
      connected = false;
      for (Track t : tracks.values()) {
        cancelPending(t);
        if (t.heartbeat != null) {
          t.heartbeat.cancel();
          t.heartbeat = null;
        }
      }
      return;
    }
    connected = true;
    for (Track t : tracks.values()) {
      if (t.latest == null) {
        continue;
      }
      boolean replayed = false;
      while (!t.missed.isEmpty()) {
        SignalValue m = t.missed.removeFirst();
        if (!replayed && t.sent != null && SignalTable.sameContent(t.sent, m)) {
          continue; // back where the broker last saw it: not a transition
        }
        send(t, m, true);
        replayed = true;
      }
      t.missedDropped = 0;
      if (replayed) {
        continue;
      }
      if (t.sent == null || !event.sessionPresent() || change(t, t.sent, t.latest) != Change.NONE) {
        send(t, t.latest, !event.sessionPresent() || discrete(t.def));
      } else {
        scheduleHeartbeat(t);
      }
    }
  }

  private void send(Track t, SignalValue body, boolean every) {
    sink.publish(t.def, body, every);
    t.sent = body;
    t.sentAt = scheduler.nanoTime();
    scheduleHeartbeat(t);
  }

  private void scheduleHeartbeat(Track t) {
    if (t.heartbeat != null) {
      t.heartbeat.cancel();
      t.heartbeat = null;
    }
    if (t.policy.maxIntervalNanos() <= 0) {
      return;
    }
    t.heartbeat = scheduler.schedule(() -> {
      t.heartbeat = null;
      if (connected && t.latest != null) {
        cancelPending(t);
        send(t, t.latest, false);
      }
    }, Duration.ofNanos(t.policy.maxIntervalNanos()));
  }

  private static void cancelPending(Track t) {
    if (t.pending != null) {
      t.pending.cancel();
      t.pending = null;
    }
  }

  private enum Change { NONE, SIGNIFICANT, DISCRETE }

  private static boolean discrete(SignalCatalog.Def def) {
    return def.kind() != SignalCatalog.Kind.NUMBER;
  }

  private static Change change(Track t, SignalValue from, SignalValue to) {
    if (from.getQuality() != to.getQuality()) {
      return Change.DISCRETE;
    }
    if (discrete(t.def)) {
      return SignalTable.sameContent(from, to) ? Change.NONE : Change.DISCRETE;
    }
    boolean hadValue = from.hasValue() && from.getValue().hasNumberValue();
    boolean hasValue = to.hasValue() && to.getValue().hasNumberValue();
    if (hadValue != hasValue) {
      return Change.DISCRETE;
    }
    if (!hasValue) {
      return Change.NONE;
    }
    double a = from.getValue().getNumberValue();
    double b = to.getValue().getNumberValue();
    double delta = Math.abs(b - a);
    if (delta == 0) {
      return Change.NONE;
    }
    Policy p = t.policy;
    if (p.deadband() > 0 && delta < p.deadband()) {
      return Change.NONE;
    }
    if (p.deadbandPercent() > 0 && a != 0 && delta < Math.abs(a) * p.deadbandPercent() / 100.0) {
      return Change.NONE;
    }
    return Change.SIGNIFICANT;
  }
}
