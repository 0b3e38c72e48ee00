package io.evedge.simulator;

import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.slave.RegisterImage;
import io.evedge.proto.FaultType;
import io.evedge.proto.Scenario;
import io.evedge.simulator.can.ChargePointVehicle;
import io.evedge.simulator.can.SlcanAdapterEmulator;
import io.evedge.simulator.can.SlcanPtyEndpoint;
import io.evedge.simulator.can.SlcanTcpServer;
import io.evedge.simulator.can.VehicleFrames;
import io.evedge.simulator.modbus.ModbusSlave;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.simulator.modbus.ProfileImage;
import io.evedge.simulator.modbus.SlaveFault;
import io.evedge.simulator.scenario.ScenarioRunner;
import io.evedge.time.Scheduler;
import io.evedge.time.SystemScheduler;
import io.evedge.yaml.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * A scenario played on a {@link Scheduler} and served as hardware: one Modbus slave answering, by
 * unit id, the charge point's devices (by default the meter with the {@code eastron-sdm630} map at
 * unit 1 and the EVSE controller with the {@code evedge-sim-evse} map at unit 2), over Modbus TCP,
 * RTU over TCP or a serial port; and, when asked, the vehicle's CAN bus as an SLCAN adapter (the
 * shipped {@code evedge-generic-ev} DBC) on TCP or a pseudo-terminal. The scenario's Modbus and
 * SLCAN faults are injected into those servers.
 */
public final class Simulation implements AutoCloseable {

  /** Unit id of the meter in the default layout. */
  public static final int METER_UNIT = 1;
  /** Unit id of the EVSE controller in the default layout. */
  public static final int EVSE_UNIT = 2;
  /** The default layout: a meter and an EVSE controller. */
  public static final List<Device> DEFAULT_DEVICES = List.of(
      new Device("eastron-sdm630", METER_UNIT), new Device("evedge-sim-evse", EVSE_UNIT));

  private final ScenarioRunner runner;
  private final ModbusSlaveServer server;
  private final List<AutoCloseable> can = new ArrayList<>();
  private SlcanAdapterEmulator adapter;
  private int slcanPort;

  private Simulation(ScenarioRunner runner, ModbusSlaveServer server) {
    this.runner = runner;
    this.server = server;
  }

  /** A device served: a profile (shipped name or path) at a unit id. */
  public record Device(String profile, int unitId) {}

  /** Opens the server for a slave: TCP, RTU over TCP, or a serial port. */
  @FunctionalInterface
  public interface Transport {
    ModbusSlaveServer open(ModbusSlave slave) throws IOException;

    /** Modbus TCP on {@code host}:{@code port} (0 = a free port). */
    static Transport tcp(String host, int port) {
      return slave -> ModbusSlaveServer.tcp(host, port, Framing.TCP, slave);
    }
  }

  /**
   * Where and what to serve.
   *
   * @param groundTruth file the true sessions are appended to, or null
   */
  public record Options(Transport transport, List<Device> devices, Path groundTruth, Can can) {
    /** The default devices on Modbus TCP, no CAN bus. */
    public static Options tcp(String host, int port, Path groundTruth) {
      return new Options(Transport.tcp(host, port), DEFAULT_DEVICES, groundTruth, Can.NONE);
    }

    /** The same with the vehicle's CAN bus served as asked. */
    public Options withCan(Can can) {
      return new Options(transport, devices, groundTruth, can);
    }
  }

  /**
   * Where the vehicle's CAN bus is served as an SLCAN adapter.
   *
   * @param tcpPort a TCP port on {@code host} (0 = a free one), or null for none
   * @param pty one end of a pseudo-terminal pair, or null for none
   */
  public record Can(String host, Integer tcpPort, String pty) {
    public static final Can NONE = new Can(null, null, null);

    boolean any() {
      return tcpPort != null || pty != null;
    }
  }

  /** Serves the hardware and plays the scenario at once. */
  public static Simulation start(Scenario scenario, Scheduler scheduler, Options options)
      throws IOException, ConfigException {
    Simulation s = serve(scenario, scheduler, options);
    s.play();
    return s;
  }

  /**
   * Serves the hardware in the scenario's state before its first event; the timeline starts on
   * {@link #play()}, so an agent can be connected and reading before anything happens.
   */
  public static Simulation serve(Scenario scenario, Scheduler scheduler, Options options)
      throws IOException, ConfigException {
    ScenarioRunner runner = new ScenarioRunner(scenario, scheduler, options.groundTruth());
    Map<Integer, RegisterImage> units = new HashMap<>();
    for (Device d : options.devices()) {
      // every device reads from the charge point: the EVSE's values include the meter's
      units.put(d.unitId(), new ProfileImage(Profiles.load(d.profile()), () -> runner.chargePoint().evseReadings()));
    }
    ModbusSlave slave = new ModbusSlave(new ByUnit(units), units.keySet());
    ModbusSlaveServer server;
    try {
      server = options.transport().open(slave);
    } catch (IOException e) {
      runner.close();
      throw e;
    }
    Simulation s = new Simulation(runner, server);
    runner.addFaultListener(s::onFault);
    if (options.can().any()) {
      try {
        s.serveCan(options.can());
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
    }
    return s;
  }

  /** Starts the scenario's timeline (its events at time 0 apply at once). */
  public void play() {
    runner.start();
  }

  /** The vehicle's frames in real time (as a bus carries them), its state from the scenario. */
  private void serveCan(Can c) throws IOException {
    SystemScheduler bus = new SystemScheduler("sim-can", 1.0);
    can.add(bus);
    adapter = new SlcanAdapterEmulator(new VehicleFrames(new ChargePointVehicle(runner.chargePoint())), bus);
    can.add(0, adapter);
    if (c.tcpPort() != null) {
      SlcanTcpServer tcp = SlcanTcpServer.start(adapter, c.host() == null ? "127.0.0.1" : c.host(), c.tcpPort());
      slcanPort = tcp.port();
      can.add(0, tcp);
    }
    if (c.pty() != null) {
      can.add(0, SlcanPtyEndpoint.start(adapter, c.pty(), bus));
    }
  }

  /** The TCP port of the SLCAN adapter, 0 when none is served on TCP. */
  public int slcanPort() {
    return slcanPort;
  }

  private boolean onFault(FaultType type, boolean active, double value) {
    SlaveFault fault = switch (type) {
      case MODBUS_EXCEPTION -> SlaveFault.exception(Double.isNaN(value) ? 0x04 : (int) value);
      case MODBUS_NO_REPLY -> SlaveFault.of(SlaveFault.Kind.NO_REPLY);
      case MODBUS_BAD_CRC -> SlaveFault.of(SlaveFault.Kind.CORRUPT_CRC);
      default -> null;
    };
    if (fault != null) {
      server.slave().inject(active ? fault : SlaveFault.NONE);
      return true;
    }
    if (adapter != null) {
      switch (type) {
        case SLCAN_GARBAGE -> {
          if (active) {
            adapter.injectGarbage(Double.isNaN(value) ? 64 : (int) value);
          }
          return true;
        }
        case SLCAN_DROP -> {
          adapter.dropFrames(active ? (Double.isNaN(value) ? 0.5 : value) : 0);
          return true;
        }
        case SLCAN_BUS_OFF -> {
          adapter.busOff(active);
          return true;
        }
        default -> { }
      }
    }
    if (type == FaultType.DEVICE_OFFLINE) {
      try {
        if (active) {
          server.vanish();
        } else {
          server.reappear();
        }
      } catch (IOException e) {
        Logger.warn("The simulated device cannot come back: {}", e.getMessage());
      }
      return true;
    }
    return false;
  }

  public ScenarioRunner runner() {
    return runner;
  }

  public ModbusSlaveServer server() {
    return server;
  }

  /** The TCP port served (0 on a serial port). */
  public int modbusPort() {
    return server.port();
  }

  @Override
  public void close() throws IOException {
    for (AutoCloseable c : can) {
      try {
        c.close();
      } catch (Exception e) {
        Logger.debug("Stopping the CAN bus: {}", e.getMessage());
      }
    }
    server.close();
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
