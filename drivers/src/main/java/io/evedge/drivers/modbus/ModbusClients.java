package io.evedge.drivers.modbus;

import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.transport.ByteTransport;
import io.evedge.drivers.modbus.transport.SerialSettings;
import io.evedge.drivers.modbus.transport.SerialTransport;
import io.evedge.drivers.modbus.transport.TcpTransport;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.proto.ModbusSerialConfig;
import io.evedge.proto.Parity;
import io.evedge.proto.SerialDefaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds what a configured Modbus device needs from its configuration and its profile: the client
 * for its transport, its unit id, line settings, pacing and read plan. Values left out of the
 * configuration come from the profile.
 */
public final class ModbusClients {

  private ModbusClients() {}

  /** The transports a device has configured: some of {@code tcp}, {@code serial}, {@code rtu_over_tcp}. */
  public static List<String> transports(ModbusDeviceConfig d) {
    List<String> out = new ArrayList<>();
    if (d.hasTcp()) {
      out.add("tcp");
    }
    if (d.hasSerial()) {
      out.add("serial");
    }
    if (d.hasRtuOverTcp()) {
      out.add("rtu_over_tcp");
    }
    return out;
  }

  /** The client of a device that has exactly one transport. */
  public static ModbusClient create(ModbusDeviceConfig d, DeviceProfile profile, ModbusStats stats) {
    Duration timeout = Duration.ofMillis(d.getTimeoutMs());
    FramedModbusClient.Options options = new FramedModbusClient.Options(timeout, d.getRetries(),
        minGap(d, profile), d.hasSerial() && d.getSerial().getEcho());
    String thread = "modbus-rx-" + d.getName();
    ByteTransport transport;
    Framing framing;
    if (d.hasSerial()) {
      transport = new SerialTransport(serialSettings(d, profile), thread);
      framing = Framing.RTU;
    } else if (d.hasRtuOverTcp()) {
      transport = TcpTransport.client("rtu+tcp", d.getRtuOverTcp().getHost(), d.getRtuOverTcp().getPort(),
          d.getTimeoutMs(), thread);
      framing = Framing.RTU;
    } else if (d.hasTcp()) {
      // Modbus TCP replies carry the transaction id: the polling thread reads them itself
      transport = TcpTransport.clientCallerReads(d.getTcp().getHost(), d.getTcp().getPort(), d.getTimeoutMs());
      framing = Framing.TCP;
    } else {
      throw new IllegalArgumentException("device " + d.getName() + " has no transport");
    }
    return new FramedModbusClient(transport, framing, options, stats, System::nanoTime);
  }

  /** Where a device is, for the operator: {@code tcp://host:502}, {@code rtu:///dev/ttyUSB0 9600 8N1}. */
  public static String endpoint(ModbusDeviceConfig d, DeviceProfile profile) {
    if (d.hasSerial()) {
      SerialSettings s = serialSettings(d, profile);
      return "rtu://" + s + (d.getSerial().getEcho() ? " (echo)" : "");
    }
    if (d.hasRtuOverTcp()) {
      return "rtu+tcp://" + d.getRtuOverTcp().getHost() + ":" + d.getRtuOverTcp().getPort();
    }
    return "tcp://" + d.getTcp().getHost() + ":" + d.getTcp().getPort();
  }

  /** The serial line settings: the configuration's, else the profile's defaults. */
  public static SerialSettings serialSettings(ModbusDeviceConfig d, DeviceProfile profile) {
    ModbusSerialConfig c = d.getSerial();
    SerialDefaults p = profile.getDefaults().getSerial();
    Parity parity = c.getParity() != Parity.PARITY_UNSPECIFIED ? c.getParity() : p.getParity();
    return new SerialSettings(c.getPort(),
        c.hasBaud() ? c.getBaud() : p.hasBaud() ? p.getBaud() : 9600,
        c.hasDataBits() ? c.getDataBits() : p.hasDataBits() ? p.getDataBits() : 8,
        parity,
        c.hasStopBits() ? c.getStopBits() : p.hasStopBits() ? p.getStopBits() : 1,
        c.getRs485Rts());
  }

  /** The unit id: the configuration's, else the profile's. */
  public static int unitId(ModbusDeviceConfig d, DeviceProfile profile) {
    return d.hasUnitId() ? d.getUnitId() : profile.getDefaults().getUnitId();
  }

  /** The least quiet time between transactions: the configuration's, else the profile's. */
  public static Duration minGap(ModbusDeviceConfig d, DeviceProfile profile) {
    return Duration.ofMillis(d.hasMinRequestGapMs() ? d.getMinRequestGapMs()
        : profile.getDefaults().getMinRequestGapMs());
  }

  /** The read plan, with the configuration's register limit if it sets one. */
  public static List<ReadBlock> plan(ModbusDeviceConfig d, DeviceProfile profile) {
    int max = d.hasMaxRegistersPerRead() ? d.getMaxRegistersPerRead()
        : profile.getDefaults().getMaxRegistersPerRead();
    return BlockPlanner.plan(Profiles.points(profile), max, profile.getDefaults().getMaxGapRegisters());
  }
}
