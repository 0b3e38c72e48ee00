package io.evedge.agent.session;

import io.evedge.agent.record.RecordBuilder;
import io.evedge.proto.SessionCheckpoint;
import java.time.Instant;

/**
 * The state of one open session: where it stands, the times of its events on the session timeline
 * (nanoseconds since it opened; {@link #NONE} = not yet), its energy, and its sample ring. Mutated on
 * the recorder's scheduler thread only; {@link #checkpoint} is what the journal keeps of it.
 */
final class Session {

  /** A time that has not happened. */
  static final long NONE = Long.MIN_VALUE;

  String id;
  long sequence;
  Instant openedWall;
  /** Journaled (meter only: false while power has not yet lasted meter_start_s). */
  boolean confirmed;
  State state = State.PLUGGED;

  long pluggedT = NONE;
  long firstChargeT = NONE;
  long lastChargeEndT = NONE;
  long stintStartT = NONE;
  long chargingNanos;
  long unpluggedT = NONE;
  long lowSinceT = NONE;
  long lastSampleT = NONE;
  /** Timeline position at which the agent came back after a restart inside the session. */
  long recoveredT = NONE;

  boolean interrupted;
  boolean timeUncertain;

  final Energy energy = new Energy();
  /** Meter only: the energy as it stood when power fell; the session's if it stays down. */
  Energy atLow;

  double maxPowerW;
  int phases;
  boolean dc;
  double startSoc = Double.NaN;
  double lastSoc = Double.NaN;
  double startRange = Double.NaN;
  double lastRange = Double.NaN;

  final SampleRing ring;

  Session(int ringCapacity) {
    this.ring = new SampleRing(ringCapacity);
  }

  void startStint(long t) {
    stintStartT = t;
    if (firstChargeT == NONE) {
      firstChargeT = t;
    }
  }

  void endStint(long t) {
    if (stintStartT != NONE) {
      chargingNanos += Math.max(0, t - stintStartT);
      stintStartT = NONE;
      lastChargeEndT = t;
    }
  }

  boolean charged() {
    return firstChargeT != NONE;
  }

  SessionCheckpoint checkpoint(Instant wall, long t, boolean clockSynced, String mode) {
    SessionCheckpoint.Builder c = SessionCheckpoint.newBuilder()
        .setId(id).setSequence(sequence).setState(state.name())
        .setWallTime(RecordBuilder.timestamp(wall)).setT(t).setClockSynced(clockSynced)
        .setOpenedWall(RecordBuilder.timestamp(openedWall))
        .setPluggedT(pluggedT).setFirstChargeT(firstChargeT).setLastChargeEndT(lastChargeEndT)
        .setStintStartT(stintStartT).setChargingNanos(chargingNanos).setUnpluggedT(unpluggedT)
        .setLowSinceT(lowSinceT).setInterrupted(interrupted).setTimeUncertain(timeUncertain)
        .setEnergy(energy.toProto()).setMaxPowerW(maxPowerW).setPhases(phases).setDc(dc)
        .setMode(mode).setLastSampleT(lastSampleT);
    if (atLow != null) {
      c.setEnergyAtLow(atLow.toProto());
    }
    if (!Double.isNaN(startSoc)) {
      c.setStartSoc(startSoc);
    }
    if (!Double.isNaN(lastSoc)) {
      c.setLastSoc(lastSoc);
    }
    if (!Double.isNaN(startRange)) {
      c.setStartRange(startRange);
    }
    if (!Double.isNaN(lastRange)) {
      c.setLastRange(lastRange);
    }
    return c.build();
  }

  /** A session as a checkpoint left it, with an empty ring (the journal's samples refill it). */
  static Session restore(SessionCheckpoint c, int ringCapacity) {
    Session s = new Session(ringCapacity);
    s.id = c.getId();
    s.sequence = c.getSequence();
    s.openedWall = RecordBuilder.instant(c.getOpenedWall());
    s.confirmed = true;
    try {
      s.state = State.valueOf(c.getState());
    } catch (IllegalArgumentException e) {
      s.state = State.PAUSED;
    }
    s.pluggedT = c.getPluggedT();
    s.firstChargeT = c.getFirstChargeT();
    s.lastChargeEndT = c.getLastChargeEndT();
    s.stintStartT = c.getStintStartT();
    s.chargingNanos = c.getChargingNanos();
    s.unpluggedT = c.getUnpluggedT();
    s.lowSinceT = c.getLowSinceT();
    s.lastSampleT = c.getLastSampleT();
    s.interrupted = c.getInterrupted();
    s.timeUncertain = c.getTimeUncertain();
    s.energy.restore(c.getEnergy());
    if (c.hasEnergyAtLow()) {
      s.atLow = new Energy();
      s.atLow.restore(c.getEnergyAtLow());
    }
    s.maxPowerW = c.getMaxPowerW();
    s.phases = c.getPhases();
    s.dc = c.getDc();
    s.startSoc = c.hasStartSoc() ? c.getStartSoc() : Double.NaN;
    s.lastSoc = c.hasLastSoc() ? c.getLastSoc() : Double.NaN;
    s.startRange = c.hasStartRange() ? c.getStartRange() : Double.NaN;
    s.lastRange = c.hasLastRange() ? c.getLastRange() : Double.NaN;
    return s;
  }
}
