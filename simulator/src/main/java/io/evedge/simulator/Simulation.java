package io.evedge.simulator;

import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.slave.J2modTcpSlave;
import io.evedge.drivers.modbus.slave.RegisterImage;
import io.evedge.proto.Scenario;
import io.evedge.simulator.modbus.ProfileImage;
import io.evedge.simulator.scenario.ScenarioRunner;
import io.evedge.time.Scheduler;
import io.evedge.yaml.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A scenario played on a {@link Scheduler} and served as hardware: the charge point's meter on
 * Modbus TCP (unit 1, the {@code eastron-sdm630} register map).
 */
public final class Simulation implements AutoCloseable {

  /** Unit id of the meter on the Modbus slave. */
  public static final int METER_UNIT = 1;

  private final ScenarioRunner runner;
  private final J2modTcpSlave modbus;

  private Simulation(ScenarioRunner runner, J2modTcpSlave modbus) {
    this.runner = runner;
    this.modbus = modbus;
  }

  /** Where to serve and what to write. */
  public record Options(String host, int modbusPort, Path groundTruth) {}

  /** Starts the scenario and the servers. */
  public static Simulation start(Scenario scenario, Scheduler scheduler, Options options)
      throws IOException, ConfigException {
    ScenarioRunner runner = new ScenarioRunner(scenario, scheduler, options.groundTruth());
    ProfileImage meter = new ProfileImage(Profiles.load("eastron-sdm630"),
        () -> runner.chargePoint().meter().readings(scheduler.nanoTime()));
    Map<Integer, RegisterImage> units = Map.of(METER_UNIT, meter);
    J2modTcpSlave modbus;
    try {
      modbus = J2modTcpSlave.start(options.host(), options.modbusPort(), new ByUnit(units), METER_UNIT);
    } catch (IOException e) {
      runner.close();
      throw e;
    }
    runner.start();
    return new Simulation(runner, modbus);
  }

  public ScenarioRunner runner() {
    return runner;
  }

  public int modbusPort() {
    return modbus.port();
  }

  @Override
  public void close() throws IOException {
    modbus.close();
    runner.close();
  }

  /** Routes each request to the image of its unit id. */
  private record ByUnit(Map<Integer, RegisterImage> units) implements RegisterImage {
    private RegisterImage image(int unit) {
      RegisterImage i = units.get(unit);
      if (i == null) {
        throw new IllegalArgumentException("no device at unit " + unit);
      }
      return i;
    }

    @Override
    public int[] readRegisters(int unitId, int function, int address, int count) {
      return image(unitId).readRegisters(unitId, function, address, count);
    }

    @Override
    public boolean[] readBits(int unitId, int function, int address, int count) {
      return image(unitId).readBits(unitId, function, address, count);
    }
  }
}
