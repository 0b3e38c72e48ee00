package io.evedge.simulator.scenario;

import io.evedge.proto.FaultType;
import io.evedge.proto.Scenario;
import io.evedge.proto.TimelineEvent;
import io.evedge.proto.TrueSession;
import io.evedge.proto.json.ProtoJson;
import io.evedge.simulator.model.ChargePoint;
import io.evedge.time.Scheduler;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * Plays a {@link Scenario} on a {@link Scheduler}: physics steps every simulated second, timeline
 * events at their times, faults on and off, and every true session written as a JSON line to the
 * ground-truth file (when one is given) and handed to listeners.
 */
public final class ScenarioRunner implements AutoCloseable {

  private final Scenario scenario;
  private final Scheduler scheduler;
  private final ChargePoint chargePoint;
  private final List<FaultListener> faultListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<TrueSession>> truthListeners = new CopyOnWriteArrayList<>();
  private final List<TrueSession> truths = new CopyOnWriteArrayList<>();
  private final List<Scheduler.Cancellable> timers = new ArrayList<>();
  private final BufferedWriter truthFile;
  private volatile long startNanos;
  private final Duration end;
  private volatile boolean finished;

  /**
   * @param groundTruth file the true sessions are appended to as JSON lines, or null
   */
  public ScenarioRunner(Scenario scenario, Scheduler scheduler, Path groundTruth) throws IOException {
    this.scenario = scenario;
    this.scheduler = scheduler;
    this.startNanos = scheduler.nanoTime();
    this.truthFile = groundTruth == null ? null : Files.newBufferedWriter(groundTruth, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.chargePoint = new ChargePoint(scheduler, scenario.getName(), scenario.getEvse(), scenario.getVehicle(),
        scenario.getMeter(), scenario.getSeed(), Durations.parse(scenario.getReplugDebounce()), this::onTruth);
    Duration last = Duration.ZERO;
    for (TimelineEvent e : scenario.getTimelineList()) {
      Duration at = Durations.parse(e.getAt());
      Duration until = e.getDuration().isEmpty() ? at : at.plus(Durations.parse(e.getDuration()));
      last = max(last, max(at, until));
    }
    this.end = scenario.getEnd().isEmpty() ? last : Durations.parse(scenario.getEnd());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Applies the events at time 0 and schedules the rest of the timeline from now. */
  public void start() {
    startNanos = scheduler.nanoTime();
    timers.add(scheduler.scheduleAtFixedRate(chargePoint::step, ChargePoint.STEP, ChargePoint.STEP));
    List<TimelineEvent> events = new ArrayList<>(scenario.getTimelineList());
    events.sort(Comparator.comparing(e -> Durations.parse(e.getAt())));
    for (TimelineEvent e : events) {
      Duration at = Durations.parse(e.getAt());
      if (at.isZero()) {
        // the state at time 0 is in place before anything is served
        apply(e, true);
      } else {
        timers.add(scheduler.schedule(() -> apply(e, true), at));
      }
      if (e.getEvent() == io.evedge.proto.EventType.FAULT && !e.getDuration().isEmpty()) {
        timers.add(scheduler.schedule(() -> apply(e, false), at.plus(Durations.parse(e.getDuration()))));
      }
    }
    timers.add(scheduler.schedule(() -> {
      chargePoint.flush();
      finished = true;
      Logger.info("Scenario {} reached its end at {}", scenario.getName(), end);
    }, end));
  }

  private void apply(TimelineEvent e, boolean begin) {
    Logger.debug("Scenario {}: {} {}", scenario.getName(), e.getEvent(), begin ? "" : "ends");
    switch (e.getEvent()) {
      case ARRIVE -> chargePoint.arrive();
      case OPEN_FLAP -> chargePoint.setFlap(true);
      case CLOSE_FLAP -> chargePoint.setFlap(false);
      case PLUG -> chargePoint.plug();
      case START -> chargePoint.startCharging();
      case SET_CURRENT -> chargePoint.setOfferedCurrent(e.getAmps());
      case PAUSE -> chargePoint.pause();
      case RESUME -> chargePoint.resume();
      case SET_LIMIT -> chargePoint.setLimit(e.getPercent());
      case UNPLUG -> chargePoint.unplug();
      case DEPART -> chargePoint.depart();
      case FAULT -> fault(e.getFault(), begin, e.hasValue() ? e.getValue() : Double.NaN);
      default -> Logger.warn("Scenario {}: event {} ignored", scenario.getName(), e.getEvent());
    }
  }

  private void fault(FaultType type, boolean active, double value) {
    switch (type) {
      case METER_RESET -> {
        if (active) {
          chargePoint.resetMeterRegister();
        }
      }
      case FROZEN_VALUES -> chargePoint.freezeMeter(active);
      case CLOCK_STEP -> {
        if (active) {
          chargePoint.stepClock(Duration.ofMillis(Math.round((Double.isNaN(value) ? 3600 : value) * 1000)));
        }
      }
      case RCD_TRIP -> chargePoint.rcdTrip(active);
      default -> {
        boolean handled = false;
        for (FaultListener l : faultListeners) {
          handled |= l.onFault(type, active, value);
        }
        if (!handled) {
          Logger.warn("Scenario {}: no server here injects {}", scenario.getName(), type);
        }
      }
    }
  }

  private synchronized void onTruth(TrueSession s) {
    truths.add(s);
    if (truthFile != null) {
      try {
        truthFile.write(ProtoJson.print(s));
        truthFile.newLine();
        truthFile.flush();
      } catch (IOException e) {
        Logger.error("Cannot write the ground truth: {}", e.getMessage());
      }
    }
    for (Consumer<TrueSession> l : truthListeners) {
      l.accept(s);
    }
  }

  public void addFaultListener(FaultListener l) {
    faultListeners.add(l);
  }

  public void onTrueSession(Consumer<TrueSession> l) {
    truthListeners.add(l);
  }

  public ChargePoint chargePoint() {
    return chargePoint;
  }

  public Scenario scenario() {
    return scenario;
  }

  /** True sessions completed so far. */
  public List<TrueSession> truths() {
    return List.copyOf(truths);
  }

  /** Simulated time since the start. */
  public Duration elapsed() {
    return Duration.ofNanos(scheduler.nanoTime() - startNanos);
  }

  /** The scenario's end (its `end`, or its last event). */
  public Duration end() {
    return end;
  }

  public boolean finished() {
    return finished;
  }

  @Override
  public void close() throws IOException {
    for (Scheduler.Cancellable t : timers) {
      t.cancel();
    }
    if (truthFile != null) {
      truthFile.close();
    }
  }
}
