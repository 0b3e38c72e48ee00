package io.evedge.drivers.can;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Streaming parser of what a host sends to an SLCAN adapter: the commands of the Lawicel command
 * table ({@code Sn}, {@code sxxyy}, {@code O}, {@code L}, {@code C}, {@code V}, {@code N},
 * {@code F}, {@code Zn}) and frames to transmit ({@code t}, {@code T}, {@code r}, {@code R}), each
 * ended by CR. This is the adapter's side of the protocol, used by the simulator's adapter emulator
 * and by tests; the host side is {@link SlcanParser}.
 *
 * <p>Feed bytes in chunks of any size; every CR ends one command, reported to the consumer in order.
 * A line that is not a valid command becomes {@link SlcanCommand.Invalid} (an adapter answers it
 * with BEL); a line longer than {@link #MAX_LINE_LENGTH} is read to its CR and reported invalid, so
 * memory stays bounded whatever arrives. Line feeds and empty lines are ignored. Two states: {@code
 * Collecting} up to the buffer's size, {@code Overflowing} past it. Not thread-safe.
 */
public final class SlcanCommandParser {

  /** The longest valid command without its CR: {@code T}, 8 id digits, DLC, 16 data digits. */
  public static final int MAX_LINE_LENGTH = 26;

  private static final byte CR = 0x0D;
  private static final byte LF = 0x0A;

  private enum State { COLLECTING, OVERFLOWING }

  private final Consumer<SlcanCommand> consumer;
  private final byte[] line = new byte[MAX_LINE_LENGTH];
  private int length;
  private State state = State.COLLECTING;

  public SlcanCommandParser(Consumer<SlcanCommand> consumer) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
  }

  /** Parses all of {@code bytes}. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Parses {@code len} bytes of {@code buf} from {@code off}; a command may go on in a later call. */
  public void feed(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    for (int i = off; i < off + len; i++) {
      byte b = buf[i];
      if (b == CR) {
        end();
      } else if (b == LF) {
        continue;
      } else if (state == State.COLLECTING) {
        if (length == line.length) {
          state = State.OVERFLOWING;
        } else {
          line[length++] = b;
        }
      }
    }
  }

  private void end() {
    boolean overflow = state == State.OVERFLOWING;
    int n = length;
    state = State.COLLECTING;
    length = 0;
    if (n == 0 && !overflow) {
      return;
    }
    SlcanCommand c = overflow ? null : parse(n);
    consumer.accept(c != null ? c : new SlcanCommand.Invalid(text(n) + (overflow ? "..." : "")));
  }

  /** The command in {@code line[0..n)}, or null if it is not valid. */
  private SlcanCommand parse(int n) {
    char first = (char) line[0];
    switch (first) {
      case 'S':
        if (n == 2 && line[1] >= '0' && line[1] <= '8') {
          return new SlcanCommand.SetBitrate(SlcanBitrate.values()[line[1] - '0']);
        }
        return null;
      case 's':
        if (n == 5 && allHex(1, 4)) {
          return new SlcanCommand.SetBitTiming(hex(1, 2), hex(3, 2));
        }
        return null;
      case 'Z':
        if (n == 2 && (line[1] == '0' || line[1] == '1')) {
          return new SlcanCommand.Timestamps(line[1] == '1');
        }
        return null;
      case 'O':
        return n == 1 ? new SlcanCommand.Open() : null;
      case 'L':
        return n == 1 ? new SlcanCommand.ListenOnly() : null;
      case 'C':
        return n == 1 ? new SlcanCommand.Close() : null;
      case 'V':
        return n == 1 ? new SlcanCommand.Version() : null;
      case 'N':
        return n == 1 ? new SlcanCommand.SerialNumber() : null;
      case 'F':
        return n == 1 ? new SlcanCommand.Status() : null;
      case 't':
        return frame(n, 3, false, false);
      case 'T':
        return frame(n, 8, true, false);
      case 'r':
        return frame(n, 3, false, true);
      case 'R':
        return frame(n, 8, true, true);
      default:
        return null;
    }
  }

  private SlcanCommand frame(int n, int idDigits, boolean extended, boolean remote) {
    int dlcAt = 1 + idDigits;
    if (n <= dlcAt || !allHex(1, n - 1)) {
      return null;
    }
    int dlc = hex(dlcAt, 1);
    int expected = dlcAt + 1 + (remote ? 0 : 2 * dlc);
    int id = hex(1, idDigits);
    if (dlc > 8 || n != expected
        || Integer.compareUnsigned(id, extended ? CanFrame.MAX_EXTENDED_ID : CanFrame.MAX_STANDARD_ID) > 0) {
      return null;
    }
    long data = 0;
    for (int i = 0; i < (remote ? 0 : dlc); i++) {
      data |= (long) hex(dlcAt + 1 + 2 * i, 2) << (56 - 8 * i);
    }
    return new SlcanCommand.Transmit(
        new CanFrame(id, extended, remote, dlc, data, CanFrame.NO_TIMESTAMP));
  }

  private boolean allHex(int at, int count) {
    for (int i = at; i < at + count; i++) {
      if (Character.digit(line[i], 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private int hex(int at, int digits) {
    int v = 0;
    for (int i = at; i < at + digits; i++) {
      v = (v << 4) | Character.digit(line[i], 16);
    }
    return v;
  }

  private String text(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      char c = (char) (line[i] & 0xFF);
      b.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return b.toString();
  }
}
