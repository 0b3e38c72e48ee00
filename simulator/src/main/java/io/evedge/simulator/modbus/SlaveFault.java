package io.evedge.simulator.modbus;

import io.evedge.drivers.modbus.ModbusException;
import java.util.Locale;

/**
 * A fault the simulator's Modbus slave injects into its replies until told otherwise.
 *
 * @param kind what goes wrong
 * @param arg the exception code for {@link Kind#EXCEPTION}, the delay in ms for {@link Kind#SLOW}
 */
public record SlaveFault(Kind kind, int arg) {

  /** What goes wrong with each reply. */
  public enum Kind {
    /** Answer normally. */
    NONE,
    /** An exception reply with code {@code arg} (e.g. 0x02 ILLEGAL DATA ADDRESS, 0x06 BUSY). */
    EXCEPTION,
    /** No reply at all. */
    NO_REPLY,
    /** The reply with one CRC bit flipped (RTU); on Modbus TCP a wrong MBAP protocol id. */
    CORRUPT_CRC,
    /** The reply after {@code arg} ms. */
    SLOW,
    /** A well-formed reply whose byte count does not fit the request (one register short or long). */
    WRONG_BYTE_COUNT,
    /** A well-formed reply from another unit id. */
    WRONG_UNIT_ID,
    /** A well-formed reply for another function code. */
    WRONG_FUNCTION,
    /** Only the first half of the reply. */
    SHORT_FRAME
  }

  public static final SlaveFault NONE = new SlaveFault(Kind.NONE, 0);

  public static SlaveFault exception(int code) {
    return new SlaveFault(Kind.EXCEPTION, code);
  }

  public static SlaveFault slow(int delayMs) {
    return new SlaveFault(Kind.SLOW, delayMs);
  }

  public static SlaveFault of(Kind kind) {
    return new SlaveFault(kind, 0);
  }

  /**
   * Parses the form used on the command line and the console: {@code none}, {@code exception 0x02},
   * {@code no-reply}, {@code corrupt-crc}, {@code slow 800}, {@code wrong-byte-count},
   * {@code wrong-unit-id}, {@code wrong-function}, {@code short-frame}.
   */
  public static SlaveFault parse(String text) {
    String[] words = text.trim().split("[\\s:=]+");
    Kind kind;
    try {
      kind = Kind.valueOf(words[0].toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown fault '" + words[0] + "'; expected one of none, exception CODE, "
          + "no-reply, corrupt-crc, slow MS, wrong-byte-count, wrong-unit-id, wrong-function, short-frame");
    }
    int arg = 0;
    if (kind == Kind.EXCEPTION || kind == Kind.SLOW) {
      if (words.length < 2) {
        throw new IllegalArgumentException(kind == Kind.EXCEPTION ? "exception needs a code, e.g. exception 0x02"
            : "slow needs a delay in ms, e.g. slow 800");
      }
      arg = Integer.decode(words[1]);
    }
    return new SlaveFault(kind, arg);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case EXCEPTION -> String.format("exception 0x%02X %s", arg, ModbusException.exceptionName(arg));
      case SLOW -> "slow " + arg + " ms";
      default -> kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    };
  }
}
