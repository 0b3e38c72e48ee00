package io.evedge.drivers.can;

import io.evedge.drivers.can.SlcanStats.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Streaming parser of what an SLCAN (Lawicel CAN232/CANUSB ASCII protocol) adapter sends: received
 * frames {@code tiiildd..[tttt]}, {@code Tiiiiiiiildd..[tttt]}, {@code riiil[tttt]},
 * {@code Riiiiiiiil[tttt]} (the four-digit timestamp only with {@code Z1}), {@code Fxx} status,
 * {@code Vhhss} version and {@code Nxxxx} serial number replies, {@code z}/{@code Z} transmit
 * acknowledgements (all ending in CR), a bare CR for "OK" and BEL (0x07) for "error".
 *
 * <p>Feed it the bytes as they arrive, in chunks of any size; it reports to an {@link
 * SlcanListener}. Bad input never throws: a line with a bad byte, DLC, id or length is counted in
 * {@link #stats()} by {@link Kind}, reported to {@link SlcanListener#onDiscarded} and skipped up to
 * the next CR or BEL, where parsing resumes. A frame line cut short by the start of the next frame
 * is counted as {@link Kind#TRUNCATED} and the next frame still parses. Line feeds between lines
 * are ignored. Adapter timestamps are unwrapped into a monotonic millisecond count by a {@link
 * TimestampUnwrapper}.
 *
 * <p>The parser is an explicit state machine over a sealed {@code State}: {@code Idle} between
 * lines, {@code InLine} while collecting a line into a fixed buffer, {@code Skipping} while
 * discarding one. States are preallocated and the buffer is reused; a frame reaches the listener as primitives
 * ({@link SlcanListener#onRawFrame}), so parsing frames allocates nothing unless the listener makes a
 * {@link CanFrame}; a status, version or serial number reply makes one small object. Not
 * thread-safe: feed it from one thread.
 */
public final class SlcanParser {

  /** Length of the longest valid line without CR: {@code T}, 8 id, DLC, 16 data, 4 timestamp. */
  public static final int MAX_LINE_LENGTH = 30;

  private static final byte CR = 0x0D;
  private static final byte BEL = 0x07;
  private static final byte LF = 0x0A;

  /** What a line is, told by its first byte; {@code maxLength} counts that byte, not the CR. */
  private enum LineKind {
    STD_DATA('t', 25, true),
    EXT_DATA('T', 30, true),
    STD_REMOTE('r', 9, true),
    EXT_REMOTE('R', 14, true),
    STATUS('F', 3, true),
    VERSION('V', 5, false),
    SERIAL('N', 5, false),
    SENT_STD('z', 1, true),
    SENT_EXT('Z', 1, true);

    final char first;
    final int maxLength;
    final boolean hexOnly;

    LineKind(char first, int maxLength, boolean hexOnly) {
      this.first = first;
      this.maxLength = maxLength;
      this.hexOnly = hexOnly;
    }
  }

  private sealed interface State {}

  /** Between lines: the next byte starts a line, or is a bare CR or BEL reply. */
  private record Idle() implements State {}

  /** Collecting a line of {@code kind}; its bytes so far are in {@code line}. */
  private record InLine(LineKind kind) implements State {}

  /** Discarding, up to the next CR or BEL, a line found bad for {@code reason}. */
  private record Skipping(Kind reason) implements State {}

  private static final Idle IDLE = new Idle();
  private static final InLine[] IN_LINE = new InLine[LineKind.values().length];
  private static final Skipping[] SKIPPING = new Skipping[Kind.values().length];
  private static final LineKind[] KIND_BY_FIRST_BYTE = new LineKind[128];
  private static final byte[] HEX_VALUE = new byte[128];

  static {
    for (LineKind k : LineKind.values()) {
      IN_LINE[k.ordinal()] = new InLine(k);
      KIND_BY_FIRST_BYTE[k.first] = k;
    }
    for (Kind k : Kind.values()) {
      SKIPPING[k.ordinal()] = new Skipping(k);
    }
    Arrays.fill(HEX_VALUE, (byte) -1);
    for (int i = 0; i < 16; i++) {
      HEX_VALUE["0123456789ABCDEF".charAt(i)] = (byte) i;
      HEX_VALUE["0123456789abcdef".charAt(i)] = (byte) i;
    }
  }

  private final SlcanListener listener;
  private final SlcanStats stats = new SlcanStats();
  private final TimestampUnwrapper timestamps = new TimestampUnwrapper();
  private final byte[] line = new byte[MAX_LINE_LENGTH];
  private int length;
  private long skipped;
  private State state = IDLE;

  public SlcanParser(SlcanListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The counters of discarded input since this parser was made. */
  public SlcanStats stats() {
    return stats;
  }

  /** Parses all of {@code bytes}. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Parses {@code len} bytes of {@code buf} from {@code off}; a line may go on in a later call. */
  public void feed(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    for (int i = off, end = off + len; i < end; i++) {
      step(buf[i]);
    }
  }

  /**
   * Drops a partly received line and the timestamp history, for a new connection. The counters are
   * kept.
   */
  public void reset() {
    state = IDLE;
    length = 0;
    skipped = 0;
    timestamps.reset();
  }

  private void step(byte b) {
    if (b == CR || b == BEL) {
      terminate(b == BEL);
    } else if (state instanceof InLine in) {
      collect(in.kind(), b);
    } else if (state instanceof Skipping) {
      skipped++;
    } else if (b != LF) {
      LineKind kind = kindOf(b);
      if (kind == null) {
        skip(Kind.GARBAGE, 1);
      } else {
        begin(kind, b);
      }
    }
  }

  private void collect(LineKind kind, byte b) {
    boolean valid = kind.hexOnly ? hexValue(b) >= 0 : isAlphanumeric(b);
    if (!valid) {
      LineKind next = kind.hexOnly ? kindOf(b) : null;
      if (next != null) {
        int cut = length;
        begin(next, b);
        discarded(Kind.TRUNCATED, cut);
      } else {
        skip(Kind.INVALID_HEX, length + 1);
      }
    } else if (length == kind.maxLength) {
      skip(Kind.OVERLONG, length + 1);
    } else {
      line[length++] = b;
    }
  }

  private void begin(LineKind kind, byte first) {
    line[0] = first;
    length = 1;
    state = IN_LINE[kind.ordinal()];
  }

  private void skip(Kind reason, int bytesSoFar) {
    state = SKIPPING[reason.ordinal()];
    skipped = bytesSoFar;
    length = 0;
  }

  private void terminate(boolean bel) {
    State ended = state;
    int n = length;
    state = IDLE;
    length = 0;
    if (ended instanceof InLine in) {
      if (bel) {
        discarded(Kind.TRUNCATED, n);
      } else {
        complete(in.kind(), n);
      }
    } else if (ended instanceof Skipping s) {
      discarded(s.reason(), skipped);
    } else if (!bel) {
      listener.onOk();
    }
    if (bel) {
      listener.onError();
    }
  }

  private void complete(LineKind kind, int n) {
    switch (kind) {
      case STD_DATA -> frame(n, 3, false, false);
      case EXT_DATA -> frame(n, 8, true, false);
      case STD_REMOTE -> frame(n, 3, false, true);
      case EXT_REMOTE -> frame(n, 8, true, true);
      case STATUS -> {
        if (n == 3) {
          listener.onStatus(new SlcanStatus(hex(1, 2)));
        } else {
          discarded(Kind.TRUNCATED, n);
        }
      }
      case VERSION, SERIAL -> {
        if (n < 5) {
          discarded(Kind.TRUNCATED, n);
        } else if (kind == LineKind.VERSION) {
          listener.onVersion(new String(line, 1, 4, StandardCharsets.US_ASCII));
        } else {
          listener.onSerialNumber(new String(line, 1, 4, StandardCharsets.US_ASCII));
        }
      }
      case SENT_STD -> listener.onTransmitted(false);
      case SENT_EXT -> listener.onTransmitted(true);
    }
  }

  private void frame(int n, int idDigits, boolean extended, boolean remote) {
    int dlcAt = 1 + idDigits;
    if (n <= dlcAt) {
      discarded(Kind.TRUNCATED, n);
      return;
    }
    int dlc = hexValue(line[dlcAt]);
    if (dlc > 8) {
      discarded(Kind.INVALID_DLC, n);
      return;
    }
    int dataEnd = dlcAt + 1 + (remote ? 0 : 2 * dlc);
    int tail = n - dataEnd;
    if (tail != 0 && tail != 4) {
      discarded(tail < 4 ? Kind.TRUNCATED : Kind.OVERLONG, n);
      return;
    }
    int id = hex(1, idDigits);
    int maxId = extended ? CanFrame.MAX_EXTENDED_ID : CanFrame.MAX_STANDARD_ID;
    int rawTime = tail == 4 ? hex(dataEnd, 4) : 0;
    if (Integer.compareUnsigned(id, maxId) > 0 || rawTime >= TimestampUnwrapper.WRAP_MS) {
      discarded(Kind.OUT_OF_RANGE, n);
      return;
    }
    long data = 0;
    for (int i = 0, p = dlcAt + 1; p < dataEnd; i++, p += 2) {
      data |= (long) hex(p, 2) << (56 - 8 * i);
    }
    long time = tail == 4 ? timestamps.unwrap(rawTime) : CanFrame.NO_TIMESTAMP;
    listener.onRawFrame(id, extended, remote, dlc, data, time);
  }

  private void discarded(Kind kind, long bytes) {
    stats.record(kind, bytes);
    listener.onDiscarded(kind);
  }

  /** The value of {@code digits} hex digits at {@code line[at]}, already checked to be hex. */
  private int hex(int at, int digits) {
    int v = 0;
    for (int i = at; i < at + digits; i++) {
      v = (v << 4) | HEX_VALUE[line[i]];
    }
    return v;
  }

  private static int hexValue(byte b) {
    return b >= 0 ? HEX_VALUE[b] : -1;
  }

  private static LineKind kindOf(byte b) {
    return b >= 0 ? KIND_BY_FIRST_BYTE[b] : null;
  }

  private static boolean isAlphanumeric(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
  }
}
