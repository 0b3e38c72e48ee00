package io.evedge.drivers.modbus.codec;

import io.evedge.drivers.modbus.FrameError;

/**
 * Parses the reply to one {@link ReadRequest} from a byte stream that arrives in chunks of any size,
 * as an explicit state machine: each {@link State} is a record saying what the next byte means.
 * Nothing is assumed about chunk boundaries, so a reply split anywhere parses the same.
 *
 * <p>RTU ("MODBUS over Serial Line V1.02" §2.5.1): optional echo of our own request (2-wire RS-485
 * adapters that hear themselves), unit id, function, byte count, data, CRC low then high (§6.2.2).
 * TCP ("MODBUS Messaging on TCP/IP Implementation Guide V1.0b" §3.1.3): MBAP header, function, byte
 * count, data; a complete frame with another transaction id (a late reply to an earlier request) is
 * skipped and counted. The PDU is that of Modbus Application Protocol V1.1b3 §6.1–§6.4, or an
 * exception reply (§7).
 *
 * <p>The parser stops at the first byte that cannot belong to a valid reply and says why
 * ({@link Failed}); it never reads past the end of the reply ({@link #feed} returns how much it used).
 */
public final class ResponseParser {

  /** What the parser waits for. */
  public sealed interface State
      permits AwaitEcho, AwaitHeader, SkipFrame, AwaitUnit, AwaitFunction, AwaitByteCount,
          AwaitExceptionCode, AwaitData, AwaitCrc, Done, Failed {}

  /** RTU with echo: {@code matched} bytes of our own request heard back so far. */
  public record AwaitEcho(int matched) implements State {}

  /** TCP: {@code received} of the 7 MBAP header bytes. */
  public record AwaitHeader(int received) implements State {}

  /** TCP: skipping a reply to another transaction; {@code remaining} bytes of it to go. */
  public record SkipFrame(int remaining) implements State {}

  /** RTU: the unit id. */
  public record AwaitUnit() implements State {}

  /** The function code (or the exception function code, function | 0x80). */
  public record AwaitFunction() implements State {}

  /** The byte count of a data reply. */
  public record AwaitByteCount() implements State {}

  /** The exception code of an exception reply. */
  public record AwaitExceptionCode() implements State {}

  /** {@code received} of {@code byteCount} data bytes. */
  public record AwaitData(int byteCount, int received) implements State {}

  /** RTU: the CRC, low byte first; {@code received} is 0 or 1, {@code low} the low byte once read. */
  public record AwaitCrc(int received, int low) implements State {}

  /** A valid reply. */
  public record Done(Reply reply) implements State {}

  /** Not a valid reply to the request. */
  public record Failed(FrameError error, String detail) implements State {}

  private static final AwaitUnit UNIT = new AwaitUnit();
  private static final AwaitFunction FUNCTION = new AwaitFunction();
  private static final AwaitByteCount BYTE_COUNT = new AwaitByteCount();
  private static final AwaitExceptionCode EXCEPTION_CODE = new AwaitExceptionCode();

  private final Framing framing;
  private final ReadRequest request;
  private final int transactionId;
  private final byte[] echo;
  private final byte[] header = new byte[Framing.MBAP_HEADER];
  private State state;
  private int crc = Crc16.INITIAL;
  private int mbapLength;
  private byte[] data;
  private Reply pending;
  private int frameBytes;
  private int skippedFrames;

  /**
   * @param transactionId the MBAP transaction id of the request (TCP only)
   * @param echo the request frame as sent, when the line echoes it back before the reply (RTU only);
   *     null otherwise
   */
  public ResponseParser(Framing framing, ReadRequest request, int transactionId, byte[] echo) {
    this.framing = framing;
    this.request = request;
    this.transactionId = transactionId & 0xFFFF;
    this.echo = framing == Framing.RTU ? echo : null;
    this.state = framing == Framing.TCP ? new AwaitHeader(0)
        : this.echo != null ? new AwaitEcho(0) : UNIT;
  }

  public State state() {
    return state;
  }

  /** Whether the parser has reached {@link Done} or {@link Failed}. */
  public boolean finished() {
    return state instanceof Done || state instanceof Failed;
  }

  /** Bytes of the reply frame received so far (not counting echo or skipped frames). */
  public int frameBytes() {
    return frameBytes;
  }

  /** Complete replies to other transactions skipped (TCP). */
  public int skippedFrames() {
    return skippedFrames;
  }

  /** Length in bytes of a correct data reply frame. */
  public int expectedFrameLength() {
    return framing.overhead() + 2 + request.replyByteCount();
  }

  /**
   * Consumes bytes until the reply is complete or invalid.
   *
   * @return how many of the {@code len} bytes were used; fewer than {@code len} once finished
   */
  public int feed(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && !finished()) {
      i += step(b, i, end);
    }
    return i - off;
  }

  /** Advances by at least one byte from {@code b[i]}; returns the number of bytes used. */
  private int step(byte[] b, int i, int end) {
    State s = state;
    if (s instanceof AwaitEcho e) {
      int n = Math.min(end - i, echo.length - e.matched());
      for (int k = 0; k < n; k++) {
        int at = e.matched() + k;
        if (b[i + k] != echo[at]) {
          state = new Failed(FrameError.ECHO, String.format("echo byte %d is 0x%02X, sent 0x%02X", at,
              b[i + k] & 0xFF, echo[at] & 0xFF));
          return k + 1;
        }
      }
      state = e.matched() + n == echo.length ? UNIT : new AwaitEcho(e.matched() + n);
      return n;
    }
    if (s instanceof AwaitHeader h) {
      int n = Math.min(end - i, Framing.MBAP_HEADER - h.received());
      System.arraycopy(b, i, header, h.received(), n);
      frameBytes += n;
      state = h.received() + n < Framing.MBAP_HEADER ? new AwaitHeader(h.received() + n) : header();
      return n;
    }
    if (s instanceof SkipFrame k) {
      int n = Math.min(end - i, k.remaining());
      state = k.remaining() == n ? new AwaitHeader(0) : new SkipFrame(k.remaining() - n);
      return n;
    }
    if (s instanceof AwaitData d) {
      int n = Math.min(end - i, d.byteCount() - d.received());
      System.arraycopy(b, i, data, d.received(), n);
      for (int k = 0; k < n; k++) {
        crc = Crc16.update(crc, b[i + k]);
      }
      frameBytes += n;
      if (d.received() + n < d.byteCount()) {
        state = new AwaitData(d.byteCount(), d.received() + n);
      } else {
        pending = new Reply.Data(data);
        state = framing == Framing.RTU ? new AwaitCrc(0, 0) : new Done(pending);
      }
      return n;
    }
    int v = b[i] & 0xFF;
    frameBytes++;
    if (s instanceof AwaitCrc c) {
      if (c.received() == 0) {
        state = new AwaitCrc(1, v);
      } else {
        int got = c.low() | (v << 8);
        state = got == crc ? new Done(pending)
            : new Failed(FrameError.CRC, String.format("CRC 0x%04X, computed 0x%04X", got, crc));
      }
      return 1;
    }
    crc = Crc16.update(crc, v);
    if (s instanceof AwaitUnit) {
      state = v == request.unitId() ? FUNCTION
          : new Failed(FrameError.UNIT_ID, "reply from unit " + v + ", asked unit " + request.unitId());
    } else if (s instanceof AwaitFunction) {
      if (v == request.function()) {
        state = BYTE_COUNT;
      } else if (v == (request.function() | 0x80)) {
        state = EXCEPTION_CODE;
      } else {
        state = new Failed(FrameError.FUNCTION,
            String.format("reply function 0x%02X, asked 0x%02X", v, request.function()));
      }
    } else if (s instanceof AwaitByteCount) {
      int expected = request.replyByteCount();
      if (v != expected) {
        state = new Failed(FrameError.BYTE_COUNT, "byte count " + v + ", expected " + expected);
      } else if (framing == Framing.TCP && mbapLength != 3 + v) {
        state = new Failed(FrameError.LENGTH, "MBAP length " + mbapLength + " for byte count " + v);
      } else {
        data = new byte[v];
        state = new AwaitData(v, 0);
      }
    } else if (s instanceof AwaitExceptionCode) {
      pending = new Reply.Exception(v);
      if (framing == Framing.RTU) {
        state = new AwaitCrc(0, 0);
      } else {
        state = mbapLength == 3 ? new Done(pending)
            : new Failed(FrameError.LENGTH, "MBAP length " + mbapLength + " for an exception reply");
      }
    }
    return 1;
  }

  private State header() {
    int tid = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
    int protocol = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    mbapLength = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
    int unit = header[6] & 0xFF;
    if (protocol != 0) {
      return new Failed(FrameError.PROTOCOL_ID, "MBAP protocol id " + protocol + ", expected 0");
    }
    if (mbapLength < 3 || mbapLength > 254) {
      return new Failed(FrameError.LENGTH, "MBAP length " + mbapLength + " outside 3..254");
    }
    if (tid != transactionId) {
      skippedFrames++;
      frameBytes = 0;
      return new SkipFrame(mbapLength - 1);
    }
    if (unit != request.unitId()) {
      return new Failed(FrameError.UNIT_ID, "reply from unit " + unit + ", asked unit " + request.unitId());
    }
    return FUNCTION;
  }
}
