package io.evedge.simulator;

import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.proto.DeviceProfile;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.simulator.modbus.EvseValues;
import io.evedge.simulator.modbus.ModbusSlave;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.simulator.modbus.ProfileImage;
import io.evedge.time.Scheduler;
import io.evedge.yaml.ConfigException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * A meter following a {@link ChargeCycle}, served as a Modbus TCP slave with a shipped profile's
 * register map. Power changes are scheduled at their exact times on the {@link Scheduler}, so the
 * import register is the exact integral whatever the speed.
 */
public final class SimulatedMeter implements AutoCloseable {

  private final Meter meter;
  private final ChargeCycle cycle;
  private final Scheduler scheduler;
  private final long startNanos;
  private final ModbusSlaveServer slave;
  private volatile Scheduler.Cancellable next;

  private SimulatedMeter(Meter meter, ChargeCycle cycle, Scheduler scheduler, ModbusSlaveServer slave,
      long startNanos) {
    this.meter = meter;
    this.cycle = cycle;
    this.scheduler = scheduler;
    this.slave = slave;
    this.startNanos = startNanos;
  }

  /**
   * Starts serving {@code profile} on {@code host}:{@code port} (0 = a free port) for unit
   * {@code unitId}.
   */
  public static SimulatedMeter start(String profile, Meter meter, ChargeCycle cycle, Scheduler scheduler,
      String host, int port, int unitId) throws IOException, ConfigException {
    return start(profile, meter, cycle, scheduler, unitId,
        slave -> ModbusSlaveServer.tcp(host, port, Framing.TCP, slave));
  }

  /** Opens the transport a simulated device is served on (Modbus TCP, RTU over TCP, a serial port). */
  @FunctionalInterface
  public interface Transport {
    ModbusSlaveServer open(ModbusSlave slave) throws IOException;
  }

  /**
   * Starts serving {@code profile} for unit {@code unitId} on the transport {@code transport} opens.
   * Profiles of an EVSE controller also get its state: charging (C) while the cycle draws power,
   * plugged in (B) otherwise, see {@link EvseValues}.
   */
  public static SimulatedMeter start(String profile, Meter meter, ChargeCycle cycle, Scheduler scheduler,
      int unitId, Transport transport) throws IOException, ConfigException {
    DeviceProfile p = Profiles.load(profile);
    long start = scheduler.nanoTime();
    meter.setPower(start, cycle.powerAt(Duration.ZERO));
    EvseValues evse = new EvseValues(meter);
    ModbusSlaveServer slave = transport.open(
        new ModbusSlave(new ProfileImage(p, () -> evse.readings(scheduler.nanoTime())), Set.of(unitId)));
    SimulatedMeter m = new SimulatedMeter(meter, cycle, scheduler, slave, start);
    m.scheduleNextChange();
    return m;
  }

  private void scheduleNextChange() {
    Duration elapsed = Duration.ofNanos(scheduler.nanoTime() - startNanos);
    Duration change = cycle.nextChangeAfter(elapsed);
    if (change == null) {
      return;
    }
    next = scheduler.schedule(() -> {
      long at = startNanos + change.toNanos();
      meter.setPower(at, cycle.powerAt(change));
      scheduleNextChange();
    }, change.minus(elapsed));
  }

  public Meter meter() {
    return meter;
  }

  public int port() {
    return slave.port();
  }

  /** The Modbus slave serving the meter, to inject faults. */
  public ModbusSlaveServer slave() {
    return slave;
  }

  /** Elapsed simulated time since start. */
  public Duration elapsed() {
    return Duration.ofNanos(scheduler.nanoTime() - startNanos);
  }

  @Override
  public void close() {
    Scheduler.Cancellable n = next;
    if (n != null) {
      n.cancel();
    }
    slave.close();
  }
}
