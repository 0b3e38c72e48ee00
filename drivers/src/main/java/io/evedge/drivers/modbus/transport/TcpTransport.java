package io.evedge.drivers.modbus.transport;

import io.evedge.drivers.TcpConnections;
import io.evedge.time.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadFactory;

/**
 * A TCP connection: to a Modbus TCP device or a serial gateway (client side), or a connection a
 * server accepted (the simulator). One reader thread per open connection, except on a connection
 * whose {@link #callerReads() caller reads} the replies itself.
 */
public final class TcpTransport implements ByteTransport {

  private final String host;
  private final int port;
  private final int connectTimeoutMs;
  private final ThreadFactory threads;
  private final String scheme;
  private final boolean acceptedSide;
  private final boolean callerReads;
  private Socket accepted;
  private volatile Link link;

  private TcpTransport(String scheme, String host, int port, int connectTimeoutMs, Socket accepted, String name,
      boolean callerReads) {
    this.callerReads = callerReads;
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.connectTimeoutMs = connectTimeoutMs;
    this.accepted = accepted;
    this.acceptedSide = accepted != null;
    this.threads = Threads.factory(name);
  }

  /**
   * A connection to {@code host}:{@code port}, made on {@link #connect}.
   *
   * @param scheme shown in {@link #endpoint()}: {@code tcp} or {@code rtu+tcp}
   * @param name names the reader thread ({@code evedge-<name>})
   */
  public static TcpTransport client(String scheme, String host, int port, int connectTimeoutMs, String name) {
    return new TcpTransport(scheme, host, port, connectTimeoutMs, null, name, false);
  }

  /**
   * A connection to {@code host}:{@code port} whose replies the caller reads with {@link #receive}:
   * for Modbus TCP, where a late reply is told apart by its transaction id, so it may wait in the
   * socket until the next transaction reads (and skips) it.
   */
  public static TcpTransport clientCallerReads(String host, int port, int connectTimeoutMs) {
    return new TcpTransport("tcp", host, port, connectTimeoutMs, null, "unused", true);
  }

  /** A connection a server socket accepted; {@link #connect} starts reading it. Not reconnectable. */
  public static TcpTransport accepted(Socket socket, String name) {
    return new TcpTransport("tcp", socket.getInetAddress().getHostAddress(), socket.getPort(), 0, socket, name,
        false);
  }

  @Override
  public synchronized void connect(Receiver receiver) throws IOException {
    disconnect();
    Socket s;
    if (acceptedSide) {
      if (accepted == null) {
        throw new IOException("the connection from " + endpoint() + " is closed; it cannot be reopened");
      }
      s = accepted;
      accepted = null;
    } else {
      s = TcpConnections.open(host, port, connectTimeoutMs);
    }
    s.setTcpNoDelay(true);
    Link l = new Link(s, s.getOutputStream(), receiver);
    link = l;
    if (!callerReads) {
      threads.newThread(() -> read(l, receiver)).start();
    }
  }

  @Override
  public boolean callerReads() {
    return callerReads;
  }

  @Override
  public boolean receive(long timeoutNanos) throws IOException {
    Link l = link;
    if (!callerReads) {
      return ByteTransport.super.receive(timeoutNanos);
    }
    if (l == null || l.closed) {
      throw new IOException("not connected to " + endpoint());
    }
    // whole milliseconds, at least one (0 would mean no timeout at all)
    int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999) / 1_000_000));
    try {
      if (ms != l.soTimeoutMs) {
        l.socket.setSoTimeout(ms);
        l.soTimeoutMs = ms;
      }
      int n = l.in.read(l.buf);
      if (n < 0) {
        throw new IOException("connection closed by " + endpoint());
      }
      l.receiver.onBytes(l.buf, 0, n);
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      l.close();
      throw e;
    }
  }

  private void read(Link l, Receiver receiver) {
    byte[] buf = new byte[1024];
    IOException failure;
    try {
      InputStream in = l.socket.getInputStream();
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          failure = new IOException("connection closed by " + endpoint());
          break;
        }
        if (l.closed) {
          return;
        }
        receiver.onBytes(buf, 0, n);
      }
    } catch (IOException e) {
      failure = e;
    }
    if (!l.closed) {
      l.close();
      receiver.onClosed(failure);
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
      throw new IOException("not connected to " + endpoint());
    }
    try {
      l.out.write(frame);
      l.out.flush();
    } catch (IOException e) {
      l.close();
      throw e;
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
    return scheme + "://" + host + ":" + port;
  }

  @Override
  public long characterNanos() {
    return 0;
  }

  /** One open connection; closing it makes its reader thread end quietly. */
  private static final class Link {
    final Socket socket;
    final OutputStream out;
    final InputStream in;
    final Receiver receiver;
    final byte[] buf = new byte[1024];
    int soTimeoutMs = -1;
    volatile boolean closed;

    Link(Socket socket, OutputStream out, Receiver receiver) throws IOException {
      this.socket = socket;
      this.out = out;
      this.in = socket.getInputStream();
      this.receiver = receiver;
    }

    void close() {
      closed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
