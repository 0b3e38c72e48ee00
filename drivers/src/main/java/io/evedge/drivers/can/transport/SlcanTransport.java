package io.evedge.drivers.can.transport;

import java.io.IOException;

/**
 * The byte stream to and from an SLCAN adapter: our own seam over a serial port or a TCP socket, so
 * that nothing above it imports jSerialComm or knows which link it is. One connection at a time;
 * after {@link #disconnect()} or a loss, {@link #connect()} opens a new one.
 *
 * <p>Received bytes are delivered on the transport's own reader thread, one thread per connection,
 * to the {@link Receiver} set with {@link #receive}; the receiver must hand them over and return at
 * once (it never blocks the reader).
 */
public interface SlcanTransport {

  /** Where a transport delivers what it reads. */
  interface Receiver {

    /**
     * Bytes read from the link: {@code len} bytes of {@code buf} from index 0. The buffer is reused
     * for the next read, so copy what is kept.
     */
    void onBytes(byte[] buf, int len);

    /**
     * The connection is lost: unplugged, closed by the other end, a read error. Called at most once
     * per connection, and never after {@link #disconnect()}.
     */
    void onLost(IOException cause);
  }

  /** Sets where received bytes go; call before {@link #connect()}. */
  void receive(Receiver receiver);

  /**
   * Opens the link and starts reading; blocks until it is open or has failed.
   *
   * @throws IOException naming the endpoint and why it cannot be opened
   */
  void connect() throws IOException;

  /** Writes all of {@code bytes}; blocks until they are written. */
  void send(byte[] bytes) throws IOException;

  /** Closes the connection, if any; the reader thread ends. Harmless when not connected. */
  void disconnect();

  /** Whether a connection is open. */
  boolean isConnected();

  /** Where the transport talks to, for logs ({@code serial:///dev/ttyACM0}, {@code tcp://host:port}). */
  String endpoint();
}
