package io.evedge.drivers.can.transport;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SLCAN over a serial port through jSerialComm: USB CDC adapters (CANable, CANtact, USBtin, ...),
 * serial CAN232 adapters, or a pseudo-terminal. The only class that imports jSerialComm for CAN.
 *
 * <p>Reads block for at most {@link #POLL_MS} at a time, so a closed port ends the reader promptly.
 * An unplugged USB adapter fails the read (or reads end of stream) and is reported lost; its device
 * node is gone until it is plugged back in, so opening fails until then.
 */
public final class SerialSlcanTransport extends ReaderThreadTransport {

  /** Longest a read blocks waiting for a byte. */
  static final int POLL_MS = 200;

  private final String port;
  private final int baud;

  /**
   * @param threadName the reader threads' name, {@code evedge-<threadName>}
   * @param port the device, such as {@code /dev/ttyACM0} (or {@code COM3})
   * @param baud the line rate; USB CDC adapters ignore it
   */
  public SerialSlcanTransport(String threadName, String port, int baud) {
    super(threadName);
    this.port = port;
    this.baud = baud;
  }

  @Override
  public String endpoint() {
    return "serial://" + port;
  }

  @Override
  Link open() throws IOException {
    if (port.startsWith("/") && !Files.exists(Path.of(port))) {
      throw new IOException(endpoint() + ": no such device (adapter unplugged?)");
    }
    SerialPort p = SerialPort.getCommPort(port);
    p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
    p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
        POLL_MS, 1000);
    if (!p.openPort()) {
      throw new IOException(endpoint() + ": cannot open (error " + p.getLastErrorCode()
          + "; in use by another program, or no permission?)");
    }
    return new Link() {
      @Override
      public int read(byte[] buf) {
        return p.readBytes(buf, buf.length);
      }

      @Override
      public void write(byte[] bytes) throws IOException {
        int written = 0;
        while (written < bytes.length) {
          int n = p.writeBytes(bytes, bytes.length - written, written);
          if (n <= 0) {
            throw new IOException(endpoint() + ": write failed (error " + p.getLastErrorCode()
                + ")");
          }
          written += n;
        }
      }

      @Override
      public void close() {
        p.closePort();
      }
    };
  }
}
