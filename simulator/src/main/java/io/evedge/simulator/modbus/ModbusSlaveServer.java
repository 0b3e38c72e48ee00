package io.evedge.simulator.modbus;

import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.codec.RequestParser;
import io.evedge.drivers.modbus.codec.RequestParser.Request;
import io.evedge.drivers.modbus.transport.ByteTransport;
import io.evedge.drivers.modbus.transport.SerialSettings;
import io.evedge.drivers.modbus.transport.SerialTransport;
import io.evedge.drivers.modbus.transport.TcpTransport;
import io.evedge.time.SystemScheduler;
import io.evedge.time.Threads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tinylog.Logger;

/**
 * The simulator's Modbus slave on a transport: Modbus TCP, RTU over TCP (as a serial gateway would
 * pass it) or RTU on a serial port or pseudo-terminal. Our own rather than j2mod's, because a
 * simulator must be able to answer wrongly on command ({@link ModbusSlave#inject}), vanish and come
 * back ({@link #vanish()}, {@link #reappear()}), echo requests like a 2-wire RS-485 adapter
 * ({@link #echo}), and emulate the timing of a real serial line on a pseudo-terminal, which has
 * none ({@link #emulateLine}).
 *
 * <p>Delayed replies are scheduled on a real-time scheduler of the server's own, so a simulation
 * running faster than the wall clock does not shorten them.
 */
public final class ModbusSlaveServer implements AutoCloseable {

  /** How long stopping waits for the accept thread to leave the listening socket. */
  private static final Duration ACCEPTOR_EXIT = Duration.ofSeconds(5);

  private final ModbusSlave slave;
  private final Framing framing;
  private final SystemScheduler replies = new SystemScheduler("modbus-slave-replies");
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final String host;
  private final SerialTransport serial;
  private volatile int port;
  private volatile ServerSocket server;
  private volatile Thread acceptor;
  private volatile boolean vanished;
  private volatile boolean echo;
  private volatile SerialSettings line;
  private volatile boolean closed;

  private ModbusSlaveServer(ModbusSlave slave, Framing framing, String host, int port, SerialTransport serial) {
    this.slave = slave;
    this.framing = framing;
    this.host = host;
    this.port = port;
    this.serial = serial;
  }

  /**
   * Serves on TCP {@code host}:{@code port} (0 picks a free port), framing {@link Framing#TCP} for
   * Modbus TCP or {@link Framing#RTU} for RTU over TCP.
   */
  public static ModbusSlaveServer tcp(String host, int port, Framing framing, ModbusSlave slave) throws IOException {
    ModbusSlaveServer s = new ModbusSlaveServer(slave, framing, host, port, null);
    s.listen();
    return s;
  }

  /** Serves RTU on a serial port (or one end of a pseudo-terminal pair). */
  public static ModbusSlaveServer serial(SerialSettings settings, ModbusSlave slave) throws IOException {
    SerialTransport t = new SerialTransport(settings, "modbus-slave-" + shortName(settings.port()));
    ModbusSlaveServer s = new ModbusSlaveServer(slave, Framing.RTU, null, 0, t);
    Connection c = s.new Connection(t);
    t.connect(c);
    s.connections.add(c);
    return s;
  }

  /** A TCP port free on {@code host} now. */
  public static int freePort(String host) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }

  public ModbusSlave slave() {
    return slave;
  }

  /** The TCP port served (0 on a serial port). */
  public int port() {
    return port;
  }

  /** What is served where, e.g. {@code tcp://127.0.0.1:1502} or {@code rtu:///dev/pts/3 9600 8N1}. */
  public String endpoint() {
    if (serial != null) {
      return serial.endpoint();
    }
    return (framing == Framing.TCP ? "tcp://" : "rtu+tcp://") + host + ":" + port;
  }

  /** Echo every request back before answering, as a 2-wire RS-485 adapter without echo suppression. */
  public void echo(boolean on) {
    this.echo = on;
  }

  /**
   * Delay each reply by the time the request and the reply would take on a real line with
   * {@code settings} (plus 3.5 characters of turnaround), or stop doing so with null. A
   * pseudo-terminal moves bytes at once, whatever its baud rate.
   */
  public void emulateLine(SerialSettings settings) {
    this.line = settings;
  }

  /**
   * The device disappears: on TCP the port stops accepting and open connections are closed; on a
   * serial line it stops answering.
   */
  public synchronized void vanish() {
    vanished = true;
    if (serial == null) {
      closeServer();
      for (Connection c : connections) {
        c.transport.disconnect();
      }
      connections.clear();
    }
    Logger.info("Simulated Modbus device at {} vanished", endpoint());
  }

  /** The device is back, on the same port. */
  public synchronized void reappear() throws IOException {
    if (serial == null && server == null) {
      listen();
    }
    vanished = false;
    Logger.info("Simulated Modbus device at {} is back", endpoint());
  }

  private synchronized void listen() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 16);
    port = s.getLocalPort();
    server = s;
    Thread t = Threads.factory("modbus-slave-accept-" + port).newThread(() -> accept(s));
    acceptor = t;
    t.start();
  }

  private void accept(ServerSocket s) {
    int n = 0;
    while (!s.isClosed()) {
      try {
        Socket socket = s.accept();
        TcpTransport t = TcpTransport.accepted(socket, "modbus-slave-" + port + "-" + n++);
        Connection c = new Connection(t);
        connections.add(c);
        t.connect(c);
      } catch (IOException e) {
        if (!s.isClosed()) {
          Logger.warn("Simulated Modbus slave on port {}: {}", port, e.getMessage());
        }
      }
    }
  }

  /**
   * Stops listening, and returns only once the port is free: the accept thread, blocked in the
   * kernel on the listening socket, keeps it listening until it has left, and a {@link #reappear()}
   * right after would find the port taken.
   */
  private void closeServer() {
    ServerSocket s = server;
    Thread t = acceptor;
    server = null;
    acceptor = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(ACCEPTOR_EXIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    closeServer();
    for (Connection c : connections) {
      c.transport.disconnect();
    }
    connections.clear();
    replies.close();
  }

  private static String shortName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** One master's link: parses its requests and sends the answers. */
  private final class Connection implements ByteTransport.Receiver {
    final ByteTransport transport;
    final RequestParser parser = new RequestParser(framing);

    Connection(ByteTransport transport) {
      this.transport = transport;
    }

    @Override
    public void onBytes(byte[] b, int off, int len) {
      parser.feed(b, off, len, this::respond);
    }

    private void respond(Request request) {
      if (echo) {
        send(framing.frame(request.unitId(), request.transactionId(), request.pdu()));
      }
      if (vanished || closed) {
        return;
      }
      ModbusSlave.Answer a = slave.answer(request, framing);
      if (a == null) {
        return;
      }
      long delayNanos = a.delayMs() * 1_000_000L;
      SerialSettings l = line;
      if (l != null) {
        delayNanos += l.characterNanos() * (framing.overhead() + request.pdu().length + a.frame().length)
            + l.interFrameNanos();
      }
      if (delayNanos == 0) {
        send(a.frame());
      } else {
        replies.schedule(() -> send(a.frame()), Duration.ofNanos(delayNanos));
      }
    }

    private synchronized void send(byte[] frame) {
      try {
        transport.send(frame);
      } catch (IOException e) {
        Logger.debug("Simulated Modbus slave: cannot reply on {}: {}", transport.endpoint(), e.getMessage());
      }
    }

    @Override
    public void onClosed(IOException cause) {
      if (serial == null) {
        connections.remove(this);
      }
    }
  }
}
