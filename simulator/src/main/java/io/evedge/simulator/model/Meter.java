package io.evedge.simulator.model;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A charge point's energy meter. True power is piecewise constant (set by whoever drives the
 * charge); the import register is its exact integral, the ground truth an agent's energy is judged
 * against. Voltage carries a little deterministic noise; current is power / (phases × voltage), so
 * V × I = P holds on every phase.
 */
public final class Meter {

  private final int phases;
  private final double nominalVolts;
  private final SplittableRandom noise;
  private long lastNanos;
  private boolean started;
  private double powerW;
  private int loadedPhases;
  private double importKWh;
  private double exportKWh;
  private double resetOffsetKWh;
  private Map<String, Object> frozen;

  /**
   * @param phases 1 or 3 (a three-phase meter on a one-phase charge still reports three voltages)
   * @param startKWh the import register at start
   * @param seed noise seed, for reproducible runs
   */
  public Meter(int phases, double nominalVolts, double startKWh, long seed) {
    if (phases != 1 && phases != 3) {
      throw new IllegalArgumentException("phases must be 1 or 3, got " + phases);
    }
    this.phases = phases;
    this.nominalVolts = nominalVolts;
    this.importKWh = startKWh;
    this.loadedPhases = phases;
    this.noise = new SplittableRandom(seed);
  }

  /** Integrates up to {@code nanos} (monotonic) at the power in force. */
  public synchronized void advanceTo(long nanos) {
    if (!started) {
      started = true;
      lastNanos = nanos;
      return;
    }
    if (nanos > lastNanos) {
      importKWh += powerW * (nanos - lastNanos) / 3.6e15;
      lastNanos = nanos;
    }
  }

  /** Sets the true power from {@code nanos} on (W, ≥ 0), spread over all the meter's phases. */
  public synchronized void setPower(long nanos, double watts) {
    setPower(nanos, watts, phases);
  }

  /** Sets the true power from {@code nanos} on, carried by the first {@code phasesUsed} phases. */
  public synchronized void setPower(long nanos, double watts, int phasesUsed) {
    advanceTo(nanos);
    powerW = Math.max(0, watts);
    loadedPhases = Math.max(1, Math.min(phases, phasesUsed));
  }

  /**
   * The register starts again from 0 at {@code nanos} (a meter swap or a counter reset); the true
   * energy ({@link #trueImportKWh()}) carries on.
   */
  public synchronized void resetRegister(long nanos) {
    advanceTo(nanos);
    resetOffsetKWh += importKWh;
    importKWh = 0;
  }

  /** While frozen, every reading repeats the last one (a stuck meter). */
  public synchronized void freeze(boolean on) {
    freezeRequested = on;
    if (!on) {
      frozen = null;
    }
  }

  private boolean freezeRequested;

  /** Energy through the meter since its start, across register resets (kWh). */
  public synchronized double trueImportKWh() {
    return importKWh + resetOffsetKWh;
  }

  public synchronized double powerW() {
    return powerW;
  }

  /** The exact import register (kWh). */
  public synchronized double importKWh() {
    return importKWh;
  }

  public int phases() {
    return phases;
  }

  /** What the meter shows at {@code nanos}, by reading key (the keys of the meter profiles). */
  public synchronized Map<String, Object> readings(long nanos) {
    advanceTo(nanos);
    if (freezeRequested && frozen != null) {
      return frozen;
    }
    Map<String, Object> r = new HashMap<>();
    double perPhaseW = powerW / loadedPhases;
    double total = 0;
    for (int i = 1; i <= 3; i++) {
      double v = i <= phases ? nominalVolts + (noise.nextDouble() - 0.5) * 2.0 : 0;
      boolean loaded = i <= loadedPhases;
      double a = loaded ? perPhaseW / v : 0;
      double w = loaded ? perPhaseW : 0;
      r.put("voltage_l" + i, v);
      r.put("current_l" + i, a);
      r.put("power_l" + i, w);
      total += w;
    }
    r.put("power_total", total);
    r.put("frequency", 50.0 + (noise.nextDouble() - 0.5) * 0.02);
    r.put("energy_import", importKWh);
    r.put("energy_export", exportKWh);
    r.put("energy_total", importKWh + exportKWh);
    if (freezeRequested) {
      frozen = Map.copyOf(r);
    }
    return r;
  }
}
