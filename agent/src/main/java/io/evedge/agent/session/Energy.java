package io.evedge.agent.session;

import io.evedge.agent.record.Tariff;
import io.evedge.proto.EnergySource;
import io.evedge.proto.EnergyState;
import org.tinylog.Logger;

/**
 * A session's energy, counted three ways at once from each sample, so that the best source the
 * hardware allows can be chosen at the end ({@link #best}): the import register's rise
 * ({@code METER}), the trapezoid integral of power over the sample times ({@code POWER}), the rise of
 * state of charge times battery capacity ({@code SOC}). Each also accumulates its cost, priced where
 * the energy flowed.
 *
 * <p>Register readings are checked before they are summed: one lower than the last (counter reset,
 * meter swap) or higher by more than twice the maximum power over the time since the register last
 * moved, plus {@link #REGISTER_SLACK_KWH} (a glitch), is not summed; the interval is counted from
 * power instead, and the register is taken as the new base. A power gap longer than the maximum is
 * bridged at the lower of its two ends. Times are session timeline nanoseconds; wall times epoch ms.
 */
final class Energy {

  /** Register steps allowed beyond what power could deliver: covers 0.01 kWh-resolution registers. */
  static final double REGISTER_SLACK_KWH = 0.05;
  private static final double NS_PER_HOUR = 3.6e12;

  boolean meterStarted;
  double meterStart;
  double meterLast;
  long meterLastT;
  long meterLastChangeT;
  double meterKWh;
  double meterCost;
  int meterAnomalies;
  long meterLastWallMs;
  int meterReadings;
  double powerKWhAtMeterLast;
  double powerCostAtMeterLast;

  boolean powerStarted;
  long powerLastT;
  double powerLastW;
  double powerKWh;
  double powerCost;
  int powerGaps;
  long powerLastWallMs;
  int powerReadings;

  boolean socStarted;
  double socStart;
  double socLast;
  double socPeak;
  double socKWh;
  double socCost;
  long socLastWallMs;

  /** What the accumulators need from the configuration. */
  record Params(double maxPowerW, long maxGapNanos, double capacityKWh, double efficiency, Tariff tariff) {}

  Energy() {}

  Energy copy() {
    Energy c = new Energy();
    c.restore(toProto());
    return c;
  }

  /**
   * Counts one sample. NaN values are absent and leave their accumulator as it was.
   *
   * @param maxSeenW the highest power seen in the session, raising the jump limit if above the configured maximum
   */
  void add(long t, long wallMs, double powerW, double registerKWh, double soc, double maxSeenW, Params p) {
    if (!Double.isNaN(powerW)) {
      addPower(t, wallMs, Math.max(0, powerW), p);
    }
    if (!Double.isNaN(registerKWh)) {
      addRegister(t, wallMs, registerKWh, Math.max(p.maxPowerW(), maxSeenW), p);
    }
    if (!Double.isNaN(soc)) {
      addSoc(wallMs, soc, p);
    }
  }

  private void addPower(long t, long wallMs, double w, Params p) {
    if (powerStarted) {
      long dt = t - powerLastT;
      if (dt > 0) {
        double kWh;
        if (dt > p.maxGapNanos()) {
          kWh = Math.min(powerLastW, w) * dt / NS_PER_HOUR / 1000;
          powerGaps++;
          Logger.debug("Power samples {} s apart: bridged at {} W", dt / 1e9, Math.min(powerLastW, w));
        } else {
          kWh = (powerLastW + w) / 2 * dt / NS_PER_HOUR / 1000;
        }
        powerKWh += kWh;
        powerCost += p.tariff().energyCost(powerLastWallMs, wallMs, kWh);
      }
    }
    powerStarted = true;
    powerLastT = t;
    powerLastW = w;
    powerLastWallMs = wallMs;
    powerReadings++;
  }

  private void addRegister(long t, long wallMs, double reg, double maxPowerW, Params p) {
    if (!meterStarted) {
      meterStarted = true;
      meterStart = reg;
      meterLast = reg;
      meterLastT = t;
      meterLastChangeT = t;
      meterLastWallMs = wallMs;
      meterReadings = 1;
      powerKWhAtMeterLast = powerKWh;
      powerCostAtMeterLast = powerCost;
      return;
    }
    double d = reg - meterLast;
    double limit = 2 * maxPowerW * Math.max(0, t - meterLastChangeT) / NS_PER_HOUR / 1000 + REGISTER_SLACK_KWH;
    if (d < 0 || d > limit || Double.isInfinite(reg)) {
      meterAnomalies++;
      double patch = powerKWh - powerKWhAtMeterLast;
      meterKWh += patch;
      meterCost += powerCost - powerCostAtMeterLast;
      String what = "Meter register went from {} to {} kWh in {} s ({}): not counted; {} kWh from power instead";
      Object[] args = {meterLast, reg, (t - meterLastT) / 1e9, d < 0 ? "reset or meter swapped" : "more than power allows",
          patch};
      if (meterAnomalies == 1) {
        Logger.warn(what + " (further ones in this session at debug level)", args);
      } else {
        Logger.debug(what, args);
      }
      meterLastChangeT = t;
    } else if (d > 0) {
      meterKWh += d;
      meterCost += p.tariff().energyCost(meterLastWallMs, wallMs, d);
      meterLastChangeT = t;
    }
    meterLast = reg;
    meterLastT = t;
    meterLastWallMs = wallMs;
    meterReadings++;
    powerKWhAtMeterLast = powerKWh;
    powerCostAtMeterLast = powerCost;
  }

  private void addSoc(long wallMs, double soc, Params p) {
    if (!socStarted) {
      socStarted = true;
      socStart = soc;
      socLast = soc;
      socPeak = soc;
      socLastWallMs = wallMs;
      return;
    }
    if (soc > socPeak && p.capacityKWh() > 0) {
      double kWh = (soc - socPeak) / 100 * p.capacityKWh() / p.efficiency();
      socKWh += kWh;
      socCost += p.tariff().energyCost(socLastWallMs, wallMs, kWh);
      socPeak = soc;
    }
    socLast = soc;
    socLastWallMs = wallMs;
  }

  /** The best source available: a register read twice, else power sampled twice, else SoC with a capacity. */
  EnergySource best(Params p) {
    if (meterStarted && meterReadings >= 2) {
      return EnergySource.METER;
    }
    if (powerStarted && powerReadings >= 2) {
      return EnergySource.POWER;
    }
    if (socStarted && p.capacityKWh() > 0) {
      return EnergySource.SOC;
    }
    return EnergySource.ENERGY_SOURCE_UNSPECIFIED;
  }

  /** Energy added by {@code source} (kWh). */
  double kWh(EnergySource source, Params p) {
    return switch (source) {
      case METER -> meterKWh;
      case POWER -> powerKWh;
      case SOC -> Math.max(0, socLast - socStart) / 100 * p.capacityKWh() / p.efficiency();
      default -> 0;
    };
  }

  /** Cost of the energy added by {@code source}, unrounded. */
  double cost(EnergySource source, Params p) {
    return switch (source) {
      case METER -> meterCost;
      case POWER -> powerCost;
      case SOC -> socKWh > 0 ? socCost * kWh(source, p) / socKWh : 0;
      default -> 0;
    };
  }

  EnergyState toProto() {
    return EnergyState.newBuilder()
        .setMeterStarted(meterStarted).setMeterStart(meterStart).setMeterLast(meterLast)
        .setMeterLastT(meterLastT).setMeterLastChangeT(meterLastChangeT).setMeterKwh(meterKWh)
        .setMeterCost(meterCost).setMeterAnomalies(meterAnomalies).setMeterLastWallMs(meterLastWallMs)
        .setMeterReadings(meterReadings).setPowerKwhAtMeterLast(powerKWhAtMeterLast)
        .setPowerCostAtMeterLast(powerCostAtMeterLast)
        .setPowerStarted(powerStarted).setPowerLastT(powerLastT).setPowerLastW(powerLastW)
        .setPowerKwh(powerKWh).setPowerCost(powerCost).setPowerGaps(powerGaps)
        .setPowerLastWallMs(powerLastWallMs).setPowerReadings(powerReadings)
        .setSocStarted(socStarted).setSocStart(socStart).setSocLast(socLast).setSocPeak(socPeak)
        .setSocKwh(socKWh).setSocCost(socCost).setSocLastWallMs(socLastWallMs)
        .build();
  }

  void restore(EnergyState s) {
    meterStarted = s.getMeterStarted();
    meterStart = s.getMeterStart();
    meterLast = s.getMeterLast();
    meterLastT = s.getMeterLastT();
    meterLastChangeT = s.getMeterLastChangeT();
    meterKWh = s.getMeterKwh();
    meterCost = s.getMeterCost();
    meterAnomalies = s.getMeterAnomalies();
    meterLastWallMs = s.getMeterLastWallMs();
    meterReadings = s.getMeterReadings();
    powerKWhAtMeterLast = s.getPowerKwhAtMeterLast();
    powerCostAtMeterLast = s.getPowerCostAtMeterLast();
    powerStarted = s.getPowerStarted();
    powerLastT = s.getPowerLastT();
    powerLastW = s.getPowerLastW();
    powerKWh = s.getPowerKwh();
    powerCost = s.getPowerCost();
    powerGaps = s.getPowerGaps();
    powerLastWallMs = s.getPowerLastWallMs();
    powerReadings = s.getPowerReadings();
    socStarted = s.getSocStarted();
    socStart = s.getSocStart();
    socLast = s.getSocLast();
    socPeak = s.getSocPeak();
    socKWh = s.getSocKwh();
    socCost = s.getSocCost();
    socLastWallMs = s.getSocLastWallMs();
  }
}
