package io.evedge.drivers.modbus.codec;

/**
 * How a PDU travels: wrapped with a unit id and a CRC (RTU, on a serial line or tunnelled through
 * TCP by a serial gateway), or behind an MBAP header (Modbus TCP).
 */
public enum Framing {
  /**
   * Unit id, PDU, CRC-16 low byte first ("MODBUS over Serial Line V1.02" §2.5.1). Frames are
   * delimited by at least 3.5 character times of silence.
   */
  RTU,
  /**
   * MBAP header (transaction id, protocol id 0, length of what follows, unit id) then the PDU
   * ("MODBUS Messaging on TCP/IP Implementation Guide V1.0b" §3.1.3).
   */
  TCP;

  /** Bytes an MBAP header takes. */
  public static final int MBAP_HEADER = 7;

  /** The application data unit for {@code pdu}; {@code transactionId} is used by TCP only. */
  public byte[] frame(int unitId, int transactionId, byte[] pdu) {
    if (this == RTU) {
      byte[] adu = new byte[pdu.length + 3];
      adu[0] = (byte) unitId;
      System.arraycopy(pdu, 0, adu, 1, pdu.length);
      int crc = Crc16.of(adu, 0, pdu.length + 1);
      adu[pdu.length + 1] = (byte) crc;
      adu[pdu.length + 2] = (byte) (crc >>> 8);
      return adu;
    }
    byte[] adu = new byte[MBAP_HEADER + pdu.length];
    adu[0] = (byte) (transactionId >>> 8);
    adu[1] = (byte) transactionId;
    int length = pdu.length + 1;
    adu[4] = (byte) (length >>> 8);
    adu[5] = (byte) length;
    adu[6] = (byte) unitId;
    System.arraycopy(pdu, 0, adu, MBAP_HEADER, pdu.length);
    return adu;
  }

  /** Bytes of framing around a PDU: 3 for RTU (unit, CRC), 7 for TCP (MBAP header). */
  public int overhead() {
    return this == RTU ? 3 : MBAP_HEADER;
  }
}
