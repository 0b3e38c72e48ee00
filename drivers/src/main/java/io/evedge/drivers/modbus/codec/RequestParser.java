package io.evedge.drivers.modbus.codec;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The server side of the framing: cuts requests out of a byte stream arriving in chunks of any size,
 * as an explicit state machine of record states, for the simulator's slave.
 *
 * <p>RTU requests have a length fixed by their function (Modbus Application Protocol V1.1b3 §6):
 * functions 1–6 carry four bytes after the function code, 15 and 16 five plus a byte count; the CRC
 * ("MODBUS over Serial Line V1.02" §6.2.2) follows. A request with a bad CRC or a function whose
 * length is unknown is dropped together with the rest of its chunk, which resynchronises on the next
 * frame (a master sends one frame and waits). TCP requests are delimited by their MBAP length.
 */
public final class RequestParser {

  /** One request: its MBAP transaction id (0 on RTU), unit id and PDU (function code first). */
  public record Request(int transactionId, int unitId, byte[] pdu) {
    public int function() {
      return pdu[0] & 0xFF;
    }
  }

  /** What the parser waits for. */
  public sealed interface State permits AwaitUnit, AwaitHeader, AwaitPdu, AwaitCrc {}

  /** RTU: the unit id of the next request. */
  public record AwaitUnit() implements State {}

  /** TCP: {@code received} of the 7 MBAP header bytes. */
  public record AwaitHeader(int received) implements State {}

  /**
   * {@code received} PDU bytes so far of {@code length}; on RTU the length is first a lower bound,
   * known once the function (and for 15/16 the byte count) has arrived.
   */
  public record AwaitPdu(int length, int received) implements State {}

  /** RTU: {@code received} of the 2 CRC bytes. */
  public record AwaitCrc(int received) implements State {}

  private static final int MAX_PDU = 253;

  private final Framing framing;
  private final byte[] header = new byte[Framing.MBAP_HEADER];
  private final byte[] pdu = new byte[MAX_PDU];
  private final byte[] crcBytes = new byte[2];
  private State state;
  private int unitId;
  private int transactionId;
  private int crc;
  private int pduLength;
  private long dropped;

  public RequestParser(Framing framing) {
    this.framing = framing;
    reset();
  }

  public State state() {
    return state;
  }

  /** Requests dropped so far: bad CRC, unknown length, bad MBAP header. */
  public long dropped() {
    return dropped;
  }

  /** Parses a chunk, handing each complete request to {@code out}. */
  public void feed(byte[] b, int off, int len, Consumer<Request> out) {
    int i = off;
    int end = off + len;
    while (i < end) {
      int used = step(b, i, end, out);
      if (used < 0) {
        dropped++;
        reset();
        return;
      }
      i += used;
    }
  }

  private void reset() {
    crc = Crc16.INITIAL;
    state = framing == Framing.TCP ? new AwaitHeader(0) : new AwaitUnit();
  }

  /** Bytes used, or -1 when the frame is to be dropped with the rest of the chunk. */
  private int step(byte[] b, int i, int end, Consumer<Request> out) {
    State s = state;
    if (s instanceof AwaitUnit) {
      unitId = b[i] & 0xFF;
      crc = Crc16.update(crc, b[i]);
      state = new AwaitPdu(1, 0);
      return 1;
    }
    if (s instanceof AwaitHeader h) {
      int n = Math.min(end - i, Framing.MBAP_HEADER - h.received());
      System.arraycopy(b, i, header, h.received(), n);
      if (h.received() + n < Framing.MBAP_HEADER) {
        state = new AwaitHeader(h.received() + n);
        return n;
      }
      transactionId = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
      int protocol = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
      int length = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
      unitId = header[6] & 0xFF;
      if (protocol != 0 || length < 2 || length > MAX_PDU + 1) {
        return -1;
      }
      state = new AwaitPdu(length - 1, 0);
      return n;
    }
    if (s instanceof AwaitPdu p) {
      int n = Math.min(end - i, p.length() - p.received());
      System.arraycopy(b, i, pdu, p.received(), n);
      if (framing == Framing.RTU) {
        for (int k = 0; k < n; k++) {
          crc = Crc16.update(crc, b[i + k]);
        }
      }
      int received = p.received() + n;
      if (received < p.length()) {
        state = new AwaitPdu(p.length(), received);
        return n;
      }
      if (framing == Framing.TCP) {
        out.accept(new Request(transactionId, unitId, Arrays.copyOf(pdu, received)));
        reset();
        return n;
      }
      int length = rtuPduLength(pdu, received);
      if (length < 0) {
        return -1;
      }
      if (length > received) {
        state = new AwaitPdu(length, received);
      } else {
        pduLength = received;
        state = new AwaitCrc(0);
      }
      return n;
    }
    AwaitCrc c = (AwaitCrc) s;
    crcBytes[c.received()] = b[i];
    if (c.received() == 0) {
      state = new AwaitCrc(1);
      return 1;
    }
    int got = (crcBytes[0] & 0xFF) | ((crcBytes[1] & 0xFF) << 8);
    if (got != crc) {
      return -1;
    }
    out.accept(new Request(0, unitId, Arrays.copyOf(pdu, pduLength)));
    reset();
    return 1;
  }

  /**
   * The length of an RTU request PDU as far as the {@code received} bytes tell it: functions 1–6
   * are 5 bytes, 15 and 16 are 6 plus their byte count; -1 for a function of unknown length.
   */
  private static int rtuPduLength(byte[] pdu, int received) {
    int function = pdu[0] & 0xFF;
    if (function >= 1 && function <= 6) {
      return 5;
    }
    if (function == 15 || function == 16) {
      if (received < 6) {
        return 6;
      }
      int length = 6 + (pdu[5] & 0xFF);
      return length <= MAX_PDU ? length : -1;
    }
    return -1;
  }
}
