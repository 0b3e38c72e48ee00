package io.evedge.drivers.modbus;

import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.codec.ReadRequest;
import io.evedge.drivers.modbus.codec.Reply;
import io.evedge.drivers.modbus.codec.ResponseParser;
import io.evedge.drivers.modbus.transport.ByteTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * {@link ModbusClient} over any {@link ByteTransport} and {@link Framing}: Modbus TCP (MBAP over a
 * TCP connection), Modbus RTU on a serial port, and RTU over TCP (a serial gateway that passes RTU
 * frames through a TCP connection).
 *
 * <p>Each transaction: wait until the line has been quiet for the device's minimum gap (at least
 * 3.5 character times on a serial line, "MODBUS over Serial Line V1.02" §2.5.1.1), send the request,
 * then wait — on a condition, with our own deadline — until the reply parser on the transport's
 * reader thread has a valid reply or has rejected it. The device has the configured timeout to start
 * its reply once the request is on the wire (request wire time at the port's baud rate added), and
 * once it has started, the reply's own wire time more, so a long read at 2400 baud is not cut short
 * while a dead device is given up on after the timeout alone. A timeout, a rejected reply or a broken link is retried at most
 * {@code retries} times (0 or 1), at once; an exception reply is a valid answer and is not retried.
 * Every outcome is counted in {@link ModbusStats}.
 *
 * <p>On TCP a rejected reply or a timeout also drops the connection, since the stream may be out of
 * step; the retry reconnects. A serial port is only reopened when it fails.
 */
public final class FramedModbusClient implements ModbusClient, ByteTransport.Receiver {

  /**
   * @param timeout how long the device may take to answer, beyond the wire time of the frames
   * @param retries tries after the first: 0 or 1
   * @param minGap least quiet time between the end of one transaction and the next request
   * @param echo the line echoes what we send before the reply (2-wire RS-485 adapters without echo
   *     suppression); RTU only
   */
  public record Options(Duration timeout, int retries, Duration minGap, boolean echo) {
    public Options {
      if (retries < 0 || retries > 1) {
        throw new IllegalArgumentException("at most one retry, got " + retries);
      }
    }
  }

  private final ByteTransport transport;
  private final Framing framing;
  private final Options options;
  private final ModbusStats stats;
  private final LongSupplier nanoClock;
  private final long gapNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // guarded by lock
  private ResponseParser active;
  private IOException lost;
  private boolean anyActivity;
  private long lastActivityNanos;

  private int transactionId;

  /**
   * @param nanoClock monotonic nanoseconds ({@code System::nanoTime} in production), for the quiet
   *     time between requests; waits themselves are bounded by {@link Condition#awaitNanos}
   */
  public FramedModbusClient(ByteTransport transport, Framing framing, Options options, ModbusStats stats,
      LongSupplier nanoClock) {
    this.transport = transport;
    this.framing = framing;
    this.options = options;
    this.stats = stats;
    this.nanoClock = nanoClock;
    // 3.5 characters, and at least 1.75 ms (the fixed value above 19200 baud), on a real serial line
    long interFrame = framing == Framing.RTU && transport.characterNanos() > 0
        ? Math.max(transport.characterNanos() * 7 / 2, 1_750_000L) : 0;
    this.gapNanos = Math.max(options.minGap().toNanos(), interFrame);
  }

  @Override
  public String endpoint() {
    return transport.endpoint();
  }

  @Override
  public int[] readRegisters(int unitId, int function, int address, int count) throws ModbusException {
    if (function != 3 && function != 4) {
      throw new IllegalArgumentException("register reads use function 3 or 4, not " + function);
    }
    return transact(new ReadRequest(unitId, function, address, count)).words();
  }

  @Override
  public boolean[] readBits(int unitId, int function, int address, int count) throws ModbusException {
    if (function != 1 && function != 2) {
      throw new IllegalArgumentException("bit reads use function 1 or 2, not " + function);
    }
    return transact(new ReadRequest(unitId, function, address, count)).bits(count);
  }

  private synchronized Reply.Data transact(ReadRequest request) throws ModbusException {
    ModbusException last = null;
    for (int attempt = 0; attempt <= options.retries(); attempt++) {
      if (attempt > 0) {
        stats.retries.increment();
      }
      try {
        return attempt(request);
      } catch (ModbusException.Response e) {
        throw e;
      } catch (ModbusException e) {
        last = e;
      }
    }
    throw last;
  }

  private Reply.Data attempt(ReadRequest request) throws ModbusException {
    connect();
    transactionId = (transactionId + 1) & 0xFFFF;
    byte[] adu = framing.frame(request.unitId(), transactionId, request.pdu());
    ResponseParser parser = new ResponseParser(framing, request, transactionId, options.echo() ? adu : null);
    // the device has the timeout to start answering once our request (and its echo) is on the wire,
    // and the reply's own wire time more once it has started
    long requestWire = transport.characterNanos() * adu.length * (options.echo() ? 2L : 1L);
    long replyWire = transport.characterNanos() * parser.expectedFrameLength();
    long timeoutNanos = options.timeout().toNanos() + requestWire;
    IOException linkLost;
    try {
      lock.lock();
      try {
        awaitQuiet(timeoutNanos + replyWire);
        lost = null;
        active = parser;
      } finally {
        lock.unlock();
      }
      stats.requests.increment();
      try {
        transport.send(adu);
      } catch (IOException e) {
        throw connectionLost(e);
      }
      if (transport.callerReads()) {
        timeoutNanos = readOnThisThread(parser, timeoutNanos, replyWire);
      }
      lock.lock();
      try {
        if (!transport.callerReads()) {
          timeoutNanos = awaitReaderThread(parser, timeoutNanos, replyWire);
        }
        active = null;
        linkLost = lost;
        noteActivity();
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModbusException.Connection(endpoint() + ": interrupted", e);
    } finally {
      if (parser.skippedFrames() > 0) {
        stats.staleReplies.add(parser.skippedFrames());
      }
    }
    ResponseParser.State state = parser.state();
    if (state instanceof ResponseParser.Done done) {
      if (done.reply() instanceof Reply.Exception e) {
        stats.exceptionReply(e.code());
        throw new ModbusException.Response(endpoint(), request.function(), e.code());
      }
      return (Reply.Data) done.reply();
    }
    if (state instanceof ResponseParser.Failed failed) {
      stats.frameError(failed.error());
      dropIfStream();
      throw new ModbusException.Frame(failed.error(), endpoint() + " " + request + ": " + failed.detail());
    }
    if (linkLost != null) {
      throw connectionLost(linkLost);
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    dropIfStream();
    if (parser.frameBytes() > 0) {
      stats.frameError(FrameError.SHORT_FRAME);
      throw new ModbusException.Frame(FrameError.SHORT_FRAME, String.format("%s %s: %d of %d bytes within %d ms",
          endpoint(), request, parser.frameBytes(), parser.expectedFrameLength(), ms));
    }
    stats.timeouts.increment();
    throw new ModbusException.Timeout(endpoint() + " " + request + ": no reply within " + ms + " ms", null);
  }

  /**
   * Reads the reply on this thread, for a transport whose caller reads: until the parser is done,
   * the link breaks (noted as {@link #lost}) or the timeout passes; the reply's wire time is added
   * once it has started, as on the reader-thread path. Returns the timeout as extended.
   */
  private long readOnThisThread(ResponseParser parser, long timeoutNanos, long replyWire) {
    long start = nanoClock.getAsLong();
    boolean started = false;
    while (!parser.finished()) {
      if (!started && parser.frameBytes() > 0) {
        started = true;
        timeoutNanos += replyWire;
      }
      long remaining = timeoutNanos - (nanoClock.getAsLong() - start);
      if (remaining <= 0) {
        break;
      }
      try {
        transport.receive(remaining);
      } catch (IOException e) {
        onClosed(e);
        break;
      }
    }
    return timeoutNanos;
  }

  /**
   * Waits (lock held) while the transport's reader thread feeds the parser: until it is done, the
   * link breaks or the timeout passes, the reply's wire time added once it has started. Returns the
   * timeout as extended.
   */
  private long awaitReaderThread(ResponseParser parser, long timeoutNanos, long replyWire)
      throws InterruptedException {
    long remaining = timeoutNanos;
    boolean started = false;
    while (!parser.finished() && lost == null) {
      if (!started && parser.frameBytes() > 0) {
        started = true;
        remaining += replyWire;
        timeoutNanos += replyWire;
      }
      if (remaining <= 0) {
        break;
      }
      remaining = changed.awaitNanos(remaining);
    }
    return timeoutNanos;
  }

  /** Waits (lock held) until the line has been quiet for the gap, at most {@code boundNanos}. */
  private void awaitQuiet(long boundNanos) throws InterruptedException {
    if (gapNanos == 0 || !anyActivity) {
      return;
    }
    long left = boundNanos;
    while (left > 0) {
      long quiet = nanoClock.getAsLong() - lastActivityNanos;
      if (quiet >= gapNanos) {
        return;
      }
      long wait = Math.min(gapNanos - quiet, left);
      left -= wait - changed.awaitNanos(wait);
    }
  }

  private void noteActivity() {
    anyActivity = true;
    lastActivityNanos = nanoClock.getAsLong();
  }

  private void connect() throws ModbusException {
    if (transport.isConnected()) {
      return;
    }
    try {
      transport.connect(this);
    } catch (IOException e) {
      stats.connectionErrors.increment();
      throw new ModbusException.Connection(endpoint() + ": cannot connect: " + e.getMessage(), e);
    }
  }

  private ModbusException connectionLost(IOException e) {
    stats.connectionErrors.increment();
    transport.disconnect();
    return new ModbusException.Connection(endpoint() + ": " + e.getMessage(), e);
  }

  private void dropIfStream() {
    if (transport.characterNanos() == 0) {
      transport.disconnect();
    }
  }

  @Override
  public void onBytes(byte[] b, int off, int len) {
    lock.lock();
    try {
      noteActivity();
      int used = 0;
      ResponseParser p = active;
      if (p != null && !p.finished()) {
        used = p.feed(b, off, len);
      }
      if (used < len) {
        stats.unexpectedBytes.add(len - used);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onClosed(IOException cause) {
    lock.lock();
    try {
      lost = cause;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    transport.disconnect();
  }
}
