package io.evedge.drivers.modbus.peer;

import com.ghgande.j2mod.modbus.procimg.DigitalIn;
import com.ghgande.j2mod.modbus.procimg.DigitalOut;
import com.ghgande.j2mod.modbus.procimg.FIFO;
import com.ghgande.j2mod.modbus.procimg.File;
import com.ghgande.j2mod.modbus.procimg.IllegalAddressException;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.ProcessImage;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalIn;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalOut;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import io.evedge.drivers.modbus.slave.RegisterImage;
import io.evedge.drivers.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;

/**
 * j2mod's Modbus TCP slave (or its RTU-over-TCP slave) serving a {@link RegisterImage}: an
 * independent implementation of the protocol, so tests can check our own client against a peer we did
 * not write.
 */
public final class J2modTcpSlave implements AutoCloseable {

  private final ModbusSlave slave;
  private final int port;

  private J2modTcpSlave(ModbusSlave slave, int port) {
    this.slave = slave;
    this.port = port;
  }

  /**
   * Starts a slave on {@code host}:{@code port} (0 picks a free port) answering {@code unitIds}.
   */
  public static J2modTcpSlave start(String host, int port, boolean rtuOverTcp, RegisterImage image,
      int... unitIds) throws IOException {
    int p = port == 0 ? Ports.freePort() : port;
    try {
      ModbusSlave slave = ModbusSlaveFactory.createTCPSlave(InetAddress.getByName(host), p, 4, rtuOverTcp);
      for (int unit : unitIds) {
        slave.addProcessImage(unit, new Image(image, unit));
      }
      slave.open();
      return new J2modTcpSlave(slave, p);
    } catch (com.ghgande.j2mod.modbus.ModbusException e) {
      throw new IOException("cannot start a Modbus slave on " + host + ":" + p + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    ModbusSlaveFactory.close(slave);
  }

  /** Adapts our image to j2mod's: each range request reads the image once. */
  private static final class Image implements ProcessImage {
    private final RegisterImage image;
    private final int unit;

    Image(RegisterImage image, int unit) {
      this.image = image;
      this.unit = unit;
    }

    private int[] words(int function, int offset, int count) {
      try {
        return image.readRegisters(unit, function, offset, count);
      } catch (IllegalArgumentException e) {
        throw new IllegalAddressException(e.getMessage());
      }
    }

    private boolean[] bits(int function, int offset, int count) {
      try {
        return image.readBits(unit, function, offset, count);
      } catch (IllegalArgumentException e) {
        throw new IllegalAddressException(e.getMessage());
      }
    }

    @Override
    public InputRegister[] getInputRegisterRange(int offset, int count) {
      int[] w = words(4, offset, count);
      InputRegister[] out = new InputRegister[count];
      for (int i = 0; i < count; i++) {
        out[i] = new SimpleInputRegister(w[i]);
      }
      return out;
    }

    @Override
    public InputRegister getInputRegister(int ref) {
      return getInputRegisterRange(ref, 1)[0];
    }

    @Override
    public int getInputRegisterCount() {
      return 65536;
    }

    @Override
    public Register[] getRegisterRange(int offset, int count) {
      int[] w = words(3, offset, count);
      Register[] out = new Register[count];
      for (int i = 0; i < count; i++) {
        out[i] = new SimpleRegister(w[i]);
      }
      return out;
    }

    @Override
    public Register getRegister(int ref) {
      return getRegisterRange(ref, 1)[0];
    }

    @Override
    public int getRegisterCount() {
      return 65536;
    }

    @Override
    public DigitalOut[] getDigitalOutRange(int offset, int count) {
      boolean[] b = bits(1, offset, count);
      DigitalOut[] out = new DigitalOut[count];
      for (int i = 0; i < count; i++) {
        out[i] = new SimpleDigitalOut(b[i]);
      }
      return out;
    }

    @Override
    public DigitalOut getDigitalOut(int ref) {
      return getDigitalOutRange(ref, 1)[0];
    }

    @Override
    public int getDigitalOutCount() {
      return 65536;
    }

    @Override
    public DigitalIn[] getDigitalInRange(int offset, int count) {
      boolean[] b = bits(2, offset, count);
      DigitalIn[] out = new DigitalIn[count];
      for (int i = 0; i < count; i++) {
        out[i] = new SimpleDigitalIn(b[i]);
      }
      return out;
    }

    @Override
    public DigitalIn getDigitalIn(int ref) {
      return getDigitalInRange(ref, 1)[0];
    }

    @Override
    public int getDigitalInCount() {
      return 65536;
    }

    @Override
    public File getFile(int ref) {
      throw new IllegalAddressException("no files");
    }

    @Override
    public File getFileByNumber(int ref) {
      throw new IllegalAddressException("no files");
    }

    @Override
    public int getFileCount() {
      return 0;
    }

    @Override
    public FIFO getFIFO(int ref) {
      throw new IllegalAddressException("no FIFOs");
    }

    @Override
    public FIFO getFIFOByAddress(int ref) {
      throw new IllegalAddressException("no FIFOs");
    }

    @Override
    public int getFIFOCount() {
      return 0;
    }
  }
}
