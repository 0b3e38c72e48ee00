package io.evedge.drivers.can.transport;

import io.evedge.time.Threads;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import org.tinylog.Logger;

/**
 * The part of a {@link SlcanTransport} that links share: one reader thread per connection, which
 * reads into a reused buffer and hands the bytes to the receiver, and the rule that a loss is
 * reported once and never after {@link #disconnect()}.
 */
abstract class ReaderThreadTransport implements SlcanTransport {

  private static final int BUFFER_SIZE = 4096;

  private final ThreadFactory threads;
  private final Object lock = new Object();
  private volatile Receiver receiver;
  private Connection current;

  /** @param threadName the reader threads' name, {@code evedge-<threadName>} */
  ReaderThreadTransport(String threadName) {
    this.threads = Threads.factory(threadName);
  }

  /** One open link. */
  interface Link {
    /**
     * Reads into {@code buf}: the number of bytes, 0 if none came within the link's poll time, or
     * -1 (or an exception) when the link is gone.
     */
    int read(byte[] buf) throws IOException;

    void write(byte[] bytes) throws IOException;

    /** Closes the link; a blocked {@link #read} returns or throws soon after. */
    void close();
  }

  /** Opens a new link, or throws naming the endpoint and the reason. */
  abstract Link open() throws IOException;

  @Override
  public void receive(Receiver r) {
    this.receiver = Objects.requireNonNull(r, "receiver");
  }

  @Override
  public void connect() throws IOException {
    if (receiver == null) {
      throw new IllegalStateException("receive(...) must be called before connect()");
    }
    synchronized (lock) {
      if (current != null) {
        throw new IllegalStateException(endpoint() + " is already connected");
      }
      Link link = open();
      Connection c = new Connection(link);
      current = c;
      threads.newThread(c::readLoop).start();
    }
  }

  @Override
  public void send(byte[] bytes) throws IOException {
    Connection c;
    synchronized (lock) {
      c = current;
    }
    if (c == null) {
      throw new IOException(endpoint() + " is not connected");
    }
    c.link.write(bytes);
  }

  @Override
  public void disconnect() {
    Connection c;
    synchronized (lock) {
      c = current;
      current = null;
    }
    if (c != null) {
      c.closed = true;
      c.link.close();
    }
  }

  @Override
  public boolean isConnected() {
    synchronized (lock) {
      return current != null;
    }
  }

  private final class Connection {
    final Link link;
    volatile boolean closed;

    Connection(Link link) {
      this.link = link;
    }

    void readLoop() {
      byte[] buf = new byte[BUFFER_SIZE];
      IOException cause = null;
      try {
        while (!closed) {
          int n = link.read(buf);
          if (n < 0) {
            cause = new IOException(endpoint() + ": the link closed");
            break;
          }
          if (n > 0 && !closed) {
            receiver.onBytes(buf, n);
          }
        }
      } catch (IOException e) {
        cause = e;
      } catch (RuntimeException e) {
        cause = new IOException(endpoint() + ": " + e, e);
      }
      if (closed) {
        return;
      }
      synchronized (lock) {
        if (current == this) {
          current = null;
        }
      }
      closed = true;
      link.close();
      Logger.debug("{}: reader ends: {}", endpoint(), cause == null ? "closed" : cause.getMessage());
      receiver.onLost(cause == null ? new IOException(endpoint() + ": closed") : cause);
    }
  }
}
