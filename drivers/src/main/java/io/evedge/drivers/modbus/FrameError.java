package io.evedge.drivers.modbus;

/**
 * Why a reply was rejected as not being a valid answer to the request. Each kind is counted on its
 * own in {@link ModbusStats}.
 */
public enum FrameError {
  /** The CRC of an RTU frame does not match its contents (line noise, wrong baud or parity). */
  CRC("CRC error"),
  /** The reply stopped before its end: fewer bytes than its header announced arrived in time. */
  SHORT_FRAME("short frame"),
  /** The byte count does not fit the quantity asked for. */
  BYTE_COUNT("wrong byte count"),
  /** The reply names another unit than the one asked. */
  UNIT_ID("wrong unit id"),
  /** The reply is for another function than the one asked (and is not its exception reply). */
  FUNCTION("wrong function code"),
  /** Modbus TCP: the MBAP protocol identifier is not 0. */
  PROTOCOL_ID("wrong MBAP protocol id"),
  /** Modbus TCP: the MBAP length field does not fit the PDU. */
  LENGTH("wrong MBAP length"),
  /** RS-485 echo expected but the bytes heard back differ from the request sent. */
  ECHO("echo mismatch");

  private final String text;

  FrameError(String text) {
    this.text = text;
  }

  /** Human text for logs ("CRC error", "wrong unit id"). */
  public String text() {
    return text;
  }
}
