package io.evedge.drivers.modbus;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.util.BitVector;

/**
 * {@link ModbusClient} over Modbus TCP (or RTU framing over a TCP serial gateway), through j2mod.
 *
 * <p>j2mod's own retry loop sleeps a random time between tries and defaults to five tries of three
 * seconds each, which stalls a poller for many seconds on a dead device. Here j2mod makes exactly
 * one try with our timeout; we retry once ourselves, at once, after reconnecting.
 */
public final class J2modTcpClient implements ModbusClient {

  private final String host;
  private final int port;
  private final int timeoutMs;
  private final boolean rtuOverTcp;
  private ModbusTCPMaster master;

  /**
   * @param timeoutMs per-try reply timeout
   * @param rtuOverTcp RTU frames (with CRC) over the TCP stream, for serial gateways
   */
  public J2modTcpClient(String host, int port, int timeoutMs, boolean rtuOverTcp) {
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.rtuOverTcp = rtuOverTcp;
  }

  @Override
  public String endpoint() {
    return (rtuOverTcp ? "rtu+tcp://" : "tcp://") + host + ":" + port;
  }

  @Override
  public synchronized int[] readRegisters(int unitId, int function, int address, int count)
      throws ModbusException {
    if (function != 3 && function != 4) {
      throw new IllegalArgumentException("register reads use function 3 or 4, not " + function);
    }
    InputRegister[] regs = withRetry(function, m -> function == 3
        ? m.readMultipleRegisters(unitId, address, count)
        : m.readInputRegisters(unitId, address, count));
    if (regs == null || regs.length != count) {
      throw new ModbusException.Frame(String.format("%s: asked for %d registers at 0x%04X, got %d",
          endpoint(), count, address, regs == null ? 0 : regs.length), null);
    }
    int[] words = new int[count];
    for (int i = 0; i < count; i++) {
      words[i] = regs[i].toUnsignedShort();
    }
    return words;
  }

  @Override
  public synchronized boolean[] readBits(int unitId, int function, int address, int count)
      throws ModbusException {
    if (function != 1 && function != 2) {
      throw new IllegalArgumentException("bit reads use function 1 or 2, not " + function);
    }
    BitVector bits = withRetry(function, m -> function == 1
        ? m.readCoils(unitId, address, count)
        : m.readInputDiscretes(unitId, address, count));
    boolean[] out = new boolean[count];
    for (int i = 0; i < count; i++) {
      out[i] = bits.getBit(i);
    }
    return out;
  }

  private interface Call<T> {
    T run(ModbusTCPMaster master) throws com.ghgande.j2mod.modbus.ModbusException;
  }

  private <T> T withRetry(int function, Call<T> call) throws ModbusException {
    ModbusException last = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        return call.run(master());
      } catch (ModbusException.Connection e) {
        last = e;
      } catch (ModbusSlaveException e) {
        throw new ModbusException.Response(function, e.getType());
      } catch (ModbusIOException e) {
        last = translate(e);
        drop();
      } catch (com.ghgande.j2mod.modbus.ModbusException e) {
        last = new ModbusException.Frame(endpoint() + ": " + e.getMessage(), e);
        drop();
      } catch (RuntimeException e) {
        // j2mod throws IllegalStateException on some socket failures
        last = new ModbusException.Connection(endpoint() + ": " + e.getMessage(), e);
        drop();
      }
    }
    throw last;
  }

  private ModbusException translate(ModbusIOException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("Connection failed")) {
      return new ModbusException.Connection(endpoint() + ": cannot connect", e);
    }
    if (msg.toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
      return new ModbusException.Timeout(endpoint() + ": no reply within " + timeoutMs + " ms", e);
    }
    if (msg.contains("Premature end") || e.isEOF()) {
      return new ModbusException.Connection(endpoint() + ": connection closed by the device", e);
    }
    return new ModbusException.Frame(endpoint() + ": " + msg, e);
  }

  private ModbusTCPMaster master() throws ModbusException {
    if (master == null) {
      ModbusTCPMaster m = new ModbusTCPMaster(host, port, timeoutMs, false, rtuOverTcp);
      m.setRetries(1);
      try {
        m.connect();
      } catch (Exception e) {
        m.disconnect();
        throw new ModbusException.Connection(endpoint() + ": cannot connect: " + e.getMessage(), e);
      }
      master = m;
    }
    return master;
  }

  private void drop() {
    if (master != null) {
      master.disconnect();
      master = null;
    }
  }

  @Override
  public synchronized void close() {
    drop();
  }
}
