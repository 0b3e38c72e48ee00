package io.evedge.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.agent.record.Tariff;
import io.evedge.proto.EnergySource;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Each energy method against an exact truth, and the register faults that must not be summed. */
class EnergyTest {

  private static final long S = 1_000_000_000L;
  private static final Energy.Params P = new Energy.Params(22_000, 60 * S, 60, 1.0, Tariff.none(ZoneId.of("UTC")));

  @Test
  void powerIntegrationIsExactForPowerLinearBetweenSamples() {
    Energy e = new Energy();
    // P(t) = 1000 + 10 t W for 600 s: exactly 1000*600 + 5*600^2 J
    for (int i = 0; i <= 600; i++) {
      e.add(i * S, i * 1000L, 1000 + 10.0 * i, Double.NaN, Double.NaN, 0, P);
    }
    assertEquals(EnergySource.POWER, e.best(P));
    assertEquals((1000.0 * 600 + 5.0 * 600 * 600) / 3.6e6, e.kWh(EnergySource.POWER, P), 1e-12);
  }

  @Test
  void registerDeltaIsExact() {
    Energy e = new Energy();
    for (int i = 0; i <= 3600; i++) {
      e.add(i * S, i * 1000L, 11_000, 1234.5 + 11.0 * i / 3600, Double.NaN, 0, P);
    }
    assertEquals(EnergySource.METER, e.best(P));
    assertEquals(11.0, e.kWh(EnergySource.METER, P), 1e-9);
    assertEquals(0, e.meterAnomalies);
  }

  @Test
  void aCounterResetMidSessionIsNotSummedTheIntervalComesFromPower() {
    Energy e = new Energy();
    double truth = 0;
    double register = 800;
    for (int i = 0; i <= 7200; i++) {
      if (i > 0) {
        truth += 10.0 / 3600;
        register += 10.0 / 3600;
      }
      if (i == 3600) {
        register = 0.0;
      }
      e.add(i * S, i * 1000L, 10_000, register, Double.NaN, 0, P);
    }
    assertEquals(1, e.meterAnomalies);
    assertEquals(truth, e.kWh(EnergySource.METER, P), 1e-9, "20 kWh: the reset second from power");
  }

  @Test
  void aMeterSwappedForOneWithAHigherRegisterIsAnImpossibleJump() {
    Energy e = new Energy();
    for (int i = 0; i <= 600; i++) {
      double register = i < 300 ? 100 + 7.2 * i / 3600 : 52_000 + 7.2 * i / 3600;
      e.add(i * S, i * 1000L, 7_200, register, Double.NaN, 0, P);
    }
    assertEquals(1, e.meterAnomalies);
    assertEquals(7.2 * 600 / 3600, e.kWh(EnergySource.METER, P), 1e-9);
  }

  @Test
  void aSingleGarbageReadingCostsNothing() {
    Energy e = new Energy();
    for (int i = 0; i <= 600; i++) {
      double register = i == 200 ? 3.4e38 : 100 + 7.2 * i / 3600;
      e.add(i * S, i * 1000L, 7_200, register, Double.NaN, 0, P);
    }
    assertEquals(2, e.meterAnomalies, "up to the garbage, and back down from it");
    assertEquals(7.2 * 600 / 3600, e.kWh(EnergySource.METER, P), 1e-9);
  }

  @Test
  void aCoarseRegisterStepIsNoJump() {
    Energy e = new Energy();
    // a register with 0.01 kWh resolution at 11 kW: a step every 3.3 s
    for (int i = 0; i <= 3600; i++) {
      e.add(i * S, i * 1000L, 11_000, Math.floor((500 + 11.0 * i / 3600) * 100) / 100, Double.NaN, 0, P);
    }
    assertEquals(0, e.meterAnomalies);
    assertEquals(11.0, e.kWh(EnergySource.METER, P), 0.01);
  }

  @Test
  void aLongPowerGapIsBridgedAtTheLowerEnd() {
    Energy e = new Energy();
    e.add(0, 0, 11_000, Double.NaN, Double.NaN, 0, P);
    e.add(10 * S, 10_000, 11_000, Double.NaN, Double.NaN, 0, P);
    e.add(310 * S, 310_000, 0, Double.NaN, Double.NaN, 0, P);
    assertEquals(1, e.powerGaps);
    assertEquals(11_000 * 10 / 3.6e6, e.kWh(EnergySource.POWER, P), 1e-12,
        "nobody knows when it stopped in the 300 s gap: counted at 0 W, the lower end");
  }

  @Test
  void stateOfChargeTimesCapacityOverEfficiency() {
    Energy.Params p = new Energy.Params(22_000, 60 * S, 77, 0.9, Tariff.none(ZoneId.of("UTC")));
    Energy e = new Energy();
    double[] socs = {20, 25, 24.5, 40, 80};
    for (int i = 0; i < socs.length; i++) {
      e.add(i * 600 * S, i * 600_000L, Double.NaN, Double.NaN, socs[i], 0, p);
    }
    assertEquals(EnergySource.SOC, e.best(p));
    assertEquals(0.60 * 77 / 0.9, e.kWh(EnergySource.SOC, p), 1e-9);
  }

  @Test
  void theStateRoundTripsThroughTheJournal() {
    Energy e = new Energy();
    for (int i = 0; i <= 100; i++) {
      e.add(i * S, i * 1000L, 5_000 + i, 10 + i * 0.0014, 50 + i * 0.01, 0, P);
    }
    Energy copy = e.copy();
    assertEquals(e.toProto(), copy.toProto());
    e.add(101 * S, 101_000, 5_101, 10.1414, 51.01, 0, P);
    copy.add(101 * S, 101_000, 5_101, 10.1414, 51.01, 0, P);
    assertEquals(e.toProto(), copy.toProto());
  }
}
