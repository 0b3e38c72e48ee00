package io.evedge.drivers.modbus.transport;

import com.fazecast.jSerialComm.SerialPort;
import io.evedge.time.Threads;
import java.io.IOException;
import java.util.concurrent.ThreadFactory;

/**
 * A serial port through jSerialComm; the only class that imports it.
 *
 * <p>Why not j2mod's RTU transport: it hides what a Modbus master must see on an RS-485 line (CRC
 * errors, short frames, wrong byte count, unit id or function code, the echo of a 2-wire adapter),
 * sleeps between its retries, and changes the port's timeouts for each request, which on some
 * platforms re-applies the whole termios state. Here the port is set up once when opened: semi-blocking
 * reads that return as soon as a byte is there, or after 100 ms of silence (the Linux driver waits in
 * tenths of a second), on one reader thread that hands the bytes to the {@link Receiver}. The Modbus
 * client keeps its own deadline and never touches the port's timeouts.
 *
 * <p>A port that fails (an USB adapter unplugged) is closed and reported through
 * {@link Receiver#onClosed}; the next {@link #connect} opens it again by its path once it is back,
 * without restarting anything.
 */
public final class SerialTransport implements ByteTransport {

  /** Read timeout set once at open; the reader thread checks for a requested close at this pace. */
  static final int READ_POLL_MS = 100;

  private final SerialSettings settings;
  private final ThreadFactory threads;
  private volatile Link link;

  /** @param name names the reader thread ({@code evedge-<name>}) */
  public SerialTransport(SerialSettings settings, String name) {
    this.settings = settings;
    this.threads = Threads.factory(name);
  }

  public SerialSettings settings() {
    return settings;
  }

  @Override
  public synchronized void connect(Receiver receiver) throws IOException {
    disconnect();
    SerialPort port;
    try {
      port = SerialPort.getCommPort(settings.port());
    } catch (RuntimeException e) {
      // jSerialComm refuses a path that does not exist (an adapter unplugged, a typo)
      throw new IOException("cannot open serial port " + settings.port() + ": no such device, unplugged?", e);
    }
    port.setComPortParameters(settings.baud(), settings.dataBits(), stopBits(settings.stopBits()),
        parity(settings));
    port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
        READ_POLL_MS, 0);
    port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
    if (settings.rs485Rts()) {
      port.setRs485ModeParameters(true, true, 0, 0);
    }
    if (!port.openPort()) {
      throw new IOException("cannot open serial port " + settings.port() + " (error " + port.getLastErrorCode()
          + (port.getLastErrorCode() == 2 ? ": no such device, unplugged?" : "")
          + (port.getLastErrorCode() == 13 ? ": permission denied, is the user in group dialout?" : "")
          + ")");
    }
    Link l = new Link(port);
    link = l;
    threads.newThread(() -> read(l, receiver)).start();
  }

  private void read(Link l, Receiver receiver) {
    byte[] buf = new byte[512];
    while (!l.closed) {
      int n = l.port.readBytes(buf, buf.length);
      if (n < 0) {
        if (!l.closed) {
          l.close();
          receiver.onClosed(new IOException("serial port " + settings.port() + " failed (error "
              + l.port.getLastErrorCode() + "), unplugged?"));
        }
        return;
      }
      if (n > 0) {
        receiver.onBytes(buf, 0, n);
      }
    }
  }

  @Override
  public boolean isConnected() {
    Link l = link;
    return l != null && !l.closed;
  }

  @Override
  public void send(byte[] frame) throws IOException {
    Link l = link;
    if (l == null || l.closed) {
      throw new IOException("serial port " + settings.port() + " is not open");
    }
    int n = l.port.writeBytes(frame, frame.length);
    if (n != frame.length) {
      l.close();
      throw new IOException("cannot write to serial port " + settings.port() + " (error "
          + l.port.getLastErrorCode() + "), unplugged?");
    }
  }

  @Override
  public synchronized void disconnect() {
    Link l = link;
    if (l != null) {
      l.close();
      link = null;
    }
  }

  @Override
  public String endpoint() {
    return "rtu://" + settings.port() + " " + settings.frameFormat();
  }

  @Override
  public long characterNanos() {
    return settings.characterNanos();
  }

  private static int stopBits(int n) {
    return n == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT;
  }

  private static int parity(SerialSettings s) {
    return switch (s.parity()) {
      case PARITY_EVEN -> SerialPort.EVEN_PARITY;
      case PARITY_ODD -> SerialPort.ODD_PARITY;
      default -> SerialPort.NO_PARITY;
    };
  }

  /** One open port; closing it makes its reader thread end within {@link #READ_POLL_MS}. */
  private static final class Link {
    final SerialPort port;
    volatile boolean closed;

    Link(SerialPort port) {
      this.port = port;
    }

    synchronized void close() {
      if (!closed) {
        closed = true;
        port.closePort();
      }
    }
  }
}
