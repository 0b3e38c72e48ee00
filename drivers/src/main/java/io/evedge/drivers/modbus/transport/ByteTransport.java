package io.evedge.drivers.modbus.transport;

import java.io.IOException;

/**
 * A byte stream to one device (or, in the simulator, from one master): a TCP connection or a serial
 * port. Bytes are pushed to a {@link Receiver} on the transport's own reader thread as they arrive,
 * so the caller waits for a reply with a deadline of its own choosing instead of setting timeouts on
 * the port for each request; or, where {@link #callerReads()} says so, the caller reads them itself
 * with {@link #receive} (a Modbus TCP connection, where replies carry the transaction id: no thread,
 * and no hand-over from it, per transaction).
 */
public interface ByteTransport {

  /** Where received bytes go. Called on the transport's reader thread: return quickly, never block. */
  interface Receiver {

    /** {@code len} bytes arrived; the array is reused after the call returns. */
    void onBytes(byte[] b, int off, int len);

    /** The link broke (not called after {@link #disconnect()}); the next use reconnects. */
    void onClosed(IOException cause);
  }

  /** Opens the link and starts delivering bytes to {@code receiver}. */
  void connect(Receiver receiver) throws IOException;

  /** Whether the link is open. */
  boolean isConnected();

  /** Writes a whole frame. */
  void send(byte[] frame) throws IOException;

  /** Whether bytes come only through {@link #receive} on the caller's thread (no reader thread). */
  default boolean callerReads() {
    return false;
  }

  /**
   * For a transport whose {@link #callerReads() caller reads}: waits at most {@code timeoutNanos}
   * for bytes and passes them to the receiver given to {@link #connect}, on this thread.
   *
   * @return false when nothing arrived in time
   * @throws IOException the link broke (it is closed; the next use reconnects)
   */
  default boolean receive(long timeoutNanos) throws IOException {
    throw new UnsupportedOperationException(endpoint() + " delivers bytes on its own reader thread");
  }

  /** Closes the link; harmless when closed. */
  void disconnect();

  /** Where the link goes, for logs: {@code tcp://10.0.0.5:502}, {@code /dev/ttyUSB0 9600 8N1}. */
  String endpoint();

  /**
   * Time one character takes on the wire in nanoseconds (start, data, parity and stop bits at the
   * baud rate), or 0 when the link has no character timing (TCP).
   */
  long characterNanos();
}
