package io.evedge.drivers.modbus;

/**
 * Root of the Modbus failures a transaction can end with: no reply ({@link Timeout}), no link
 * ({@link Connection}), a reply that is not a valid answer ({@link Frame}), or a valid exception reply
 * ({@link Response}, its code shown in hex with its name).
 */
public class ModbusException extends Exception {

  public ModbusException(String message) {
    super(message);
  }

  public ModbusException(String message, Throwable cause) {
    super(message, cause);
  }

  /** No reply within the request timeout (after the allowed retry). */
  public static final class Timeout extends ModbusException {
    public Timeout(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The connection could not be made or broke. */
  public static final class Connection extends ModbusException {
    public Connection(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A reply that is not a valid answer: CRC error, short frame, wrong byte count, unit or function. */
  public static final class Frame extends ModbusException {
    private final FrameError kind;

    public Frame(FrameError kind, String message) {
      super(kind.text() + ": " + message);
      this.kind = kind;
    }

    /** What was wrong with the reply. */
    public FrameError kind() {
      return kind;
    }
  }

  /** The device answered with a Modbus exception reply. */
  public static final class Response extends ModbusException {
    private final int exceptionCode;

    public Response(int functionCode, int exceptionCode) {
      super(String.format("exception reply to function 0x%02X: 0x%02X %s", functionCode, exceptionCode,
          exceptionName(exceptionCode)));
      this.exceptionCode = exceptionCode;
    }

    /** The same, prefixed with where it came from. */
    public Response(String endpoint, int functionCode, int exceptionCode) {
      super(String.format("%s: exception reply to function 0x%02X: 0x%02X %s", endpoint, functionCode,
          exceptionCode, exceptionName(exceptionCode)));
      this.exceptionCode = exceptionCode;
    }

    public int exceptionCode() {
      return exceptionCode;
    }
  }

  /** The name the Modbus Application Protocol v1.1b3 §7 gives an exception code. */
  public static String exceptionName(int code) {
    return switch (code) {
      case 0x01 -> "ILLEGAL FUNCTION";
      case 0x02 -> "ILLEGAL DATA ADDRESS";
      case 0x03 -> "ILLEGAL DATA VALUE";
      case 0x04 -> "SERVER DEVICE FAILURE";
      case 0x05 -> "ACKNOWLEDGE";
      case 0x06 -> "SERVER DEVICE BUSY";
      case 0x08 -> "MEMORY PARITY ERROR";
      case 0x0A -> "GATEWAY PATH UNAVAILABLE";
      case 0x0B -> "GATEWAY TARGET DEVICE FAILED TO RESPOND";
      default -> "UNKNOWN";
    };
  }
}
