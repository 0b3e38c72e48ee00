package io.evedge.simulator.can;

import io.evedge.time.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.tinylog.Logger;

/**
 * Serves a {@link SlcanAdapterEmulator} over TCP, the way ser2net serves a real adapter in raw mode:
 * the connection carries the adapter's bytes unchanged. One host at a time; a new connection takes
 * over from the previous one. While the adapter has vanished, connections are closed at once.
 */
public final class SlcanTcpServer implements AutoCloseable {

  private final SlcanAdapterEmulator adapter;
  private final ServerSocket server;
  private volatile boolean closed;
  private Socket client;

  private SlcanTcpServer(SlcanAdapterEmulator adapter, ServerSocket server) {
    this.adapter = adapter;
    this.server = server;
  }

  /** Listens on {@code host}:{@code port} (0 for a free port). */
  public static SlcanTcpServer start(SlcanAdapterEmulator adapter, String host, int port)
      throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 4);
    SlcanTcpServer server = new SlcanTcpServer(adapter, s);
    Threads.factory("slcan-sim-accept").newThread(server::acceptLoop).start();
    return server;
  }

  /** The port listened on. */
  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!closed) {
          Logger.warn("Simulated SLCAN adapter: accept failed: {}", e.getMessage());
        }
        return;
      }
      if (adapter.vanished()) {
        closeQuietly(s);
        continue;
      }
      synchronized (this) {
        if (client != null) {
          closeQuietly(client);
        }
        client = s;
      }
      Threads.factory("slcan-sim-rx").newThread(() -> serve(s)).start();
    }
  }

  private void serve(Socket s) {
    SlcanAdapterEmulator.HostLink link;
    try {
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      link = new SlcanAdapterEmulator.HostLink() {
        @Override
        public void write(byte[] bytes) throws IOException {
          synchronized (out) {
            out.write(bytes);
            out.flush();
          }
        }

        @Override
        public void drop() {
          closeQuietly(s);
        }
      };
    } catch (IOException e) {
      closeQuietly(s);
      return;
    }
    adapter.connected(link);
    Logger.info("Simulated SLCAN adapter: host {} connected", s.getRemoteSocketAddress());
    byte[] buf = new byte[1024];
    try (InputStream in = s.getInputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        adapter.fromHost(buf, n);
      }
    } catch (IOException e) {
      // the host went away or the socket was closed: same outcome
    } finally {
      adapter.disconnected(link);
      closeQuietly(s);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already broken: nothing to do
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    synchronized (this) {
      if (client != null) {
        closeQuietly(client);
      }
    }
  }
}
