package io.evedge.drivers;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Opening a TCP connection to a device or a gateway, the same way for every transport. */
public final class TcpConnections {

  private TcpConnections() {
  }

  /**
   * A socket connected to {@code host}:{@code port} within {@code timeoutMs}, with TCP_NODELAY.
   *
   * <p>A connection to itself is refused. On loopback, connecting to a port of the ephemeral range
   * where nothing listens (a local gateway that is down, a simulator between two runs) can pick that
   * very port as its own and connect to itself (TCP simultaneous open); the transport would then read
   * its own requests back as replies, and keep the port from the server that comes back.
   */
  public static Socket open(String host, int port, int timeoutMs) throws IOException {
    return open(host, port, timeoutMs, 0);
  }

  /** As {@link #open(String, int, int)}, from local port {@code localPort} (0: any; tests). */
  static Socket open(String host, int port, int timeoutMs, int localPort) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      if (localPort != 0) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(host, localPort));
      }
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      if (s.getLocalPort() == s.getPort() && s.getLocalAddress().equals(s.getInetAddress())) {
        throw new ConnectException("connected to itself: nothing listens on " + host + ":" + port);
      }
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }
}
