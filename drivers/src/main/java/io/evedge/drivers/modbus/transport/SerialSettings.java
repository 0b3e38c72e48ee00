package io.evedge.drivers.modbus.transport;

import io.evedge.proto.Parity;

/**
 * How a serial port is set up.
 *
 * @param port the device path, e.g. {@code /dev/ttyUSB0} or a {@code /dev/serial/by-id/...} link
 * @param baud bits per second
 * @param dataBits 7 or 8 (Modbus RTU uses 8)
 * @param parity none, even or odd
 * @param stopBits 1 or 2
 * @param rs485Rts let the UART driver drive RTS as the RS-485 transmit enable (kernel RS-485 mode);
 *     adapters with automatic direction control do not need it
 */
public record SerialSettings(String port, int baud, int dataBits, Parity parity, int stopBits, boolean rs485Rts) {

  public SerialSettings {
    if (baud <= 0) {
      throw new IllegalArgumentException("baud must be positive, got " + baud);
    }
    if (parity == Parity.PARITY_UNSPECIFIED || parity == Parity.UNRECOGNIZED) {
      parity = Parity.PARITY_NONE;
    }
  }

  /** Bits on the wire per character: start, data, parity, stop. */
  public int bitsPerCharacter() {
    return 1 + dataBits + (parity == Parity.PARITY_NONE ? 0 : 1) + stopBits;
  }

  /** Time one character takes, ns (1.04 ms at 9600 8N1). */
  public long characterNanos() {
    return bitsPerCharacter() * 1_000_000_000L / baud;
  }

  /**
   * The silence that separates two RTU frames: 3.5 character times, and 1.75 ms above 19200 baud
   * ("MODBUS over Serial Line V1.02" §2.5.1.1).
   */
  public long interFrameNanos() {
    return Math.max(1_750_000L, characterNanos() * 7 / 2);
  }

  /** Like {@code 9600 8N1}. */
  public String frameFormat() {
    char p = switch (parity) {
      case PARITY_EVEN -> 'E';
      case PARITY_ODD -> 'O';
      default -> 'N';
    };
    return baud + " " + dataBits + p + stopBits;
  }

  @Override
  public String toString() {
    return port + " " + frameFormat() + (rs485Rts ? " RS-485 RTS" : "");
  }
}
