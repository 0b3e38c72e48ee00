package io.evedge.drivers.can.transport;

import io.evedge.drivers.TcpConnections;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * SLCAN over a TCP stream: a serial-to-network server such as ser2net in raw mode, or the
 * simulator's adapter. The bytes are the adapter's, unchanged.
 */
public final class TcpSlcanTransport extends ReaderThreadTransport {

  private final String host;
  private final int port;
  private final int connectTimeoutMs;

  /**
   * @param threadName the reader threads' name, {@code evedge-<threadName>}
   * @param connectTimeoutMs how long a connection attempt may take
   */
  public TcpSlcanTransport(String threadName, String host, int port, int connectTimeoutMs) {
    super(threadName);
    this.host = host;
    this.port = port;
    this.connectTimeoutMs = connectTimeoutMs;
  }

  @Override
  public String endpoint() {
    return "tcp://" + host + ":" + port;
  }

  @Override
  Link open() throws IOException {
    Socket socket;
    try {
      socket = TcpConnections.open(host, port, connectTimeoutMs);
    } catch (SocketTimeoutException e) {
      throw new IOException(endpoint() + ": no connection within " + connectTimeoutMs + " ms", e);
    } catch (IOException e) {
      throw new IOException(endpoint() + ": cannot connect: " + e.getMessage(), e);
    }
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    return new Link() {
      @Override
      public int read(byte[] buf) throws IOException {
        return in.read(buf);
      }

      @Override
      public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
      }

      @Override
      public void close() {
        try {
          socket.close();
        } catch (IOException e) {
          // closing a socket that is already broken: nothing more to do
        }
      }
    };
  }
}
