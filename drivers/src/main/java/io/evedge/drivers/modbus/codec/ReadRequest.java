package io.evedge.drivers.modbus.codec;

/**
 * A read request: function 1 (coils), 2 (discrete inputs), 3 (holding registers) or 4 (input
 * registers) for {@code count} items from the 0-based PDU {@code address}, to {@code unitId}.
 *
 * <p>Its PDU is function, address and quantity, big-endian (Modbus Application Protocol V1.1b3
 * §6.1–§6.4): five bytes.
 */
public record ReadRequest(int unitId, int function, int address, int count) {

  /** §6.3/§6.4: at most 125 registers per read. */
  public static final int MAX_REGISTERS = 125;
  /** §6.1/§6.2: at most 2000 coils or discrete inputs per read. */
  public static final int MAX_BITS = 2000;

  public ReadRequest {
    if (unitId < 0 || unitId > 255) {
      throw new IllegalArgumentException("unit id must be 0..255, got " + unitId);
    }
    if (function < 1 || function > 4) {
      throw new IllegalArgumentException("a read uses function 1, 2, 3 or 4, not " + function);
    }
    int max = function <= 2 ? MAX_BITS : MAX_REGISTERS;
    if (count < 1 || count > max) {
      throw new IllegalArgumentException("function " + function + " reads 1.." + max + " items, not " + count);
    }
    if (address < 0 || address + count > 0x10000) {
      throw new IllegalArgumentException(String.format("0x%04X+%d runs past register 0xFFFF", address, count));
    }
  }

  /** Whether this reads bits (coils, discrete inputs) rather than registers. */
  public boolean bits() {
    return function <= 2;
  }

  /** The byte count a correct reply carries: ⌈count / 8⌉ for bits, 2 × count for registers. */
  public int replyByteCount() {
    return bits() ? (count + 7) / 8 : 2 * count;
  }

  /** The request PDU: function, address, quantity. */
  public byte[] pdu() {
    return new byte[] {(byte) function, (byte) (address >>> 8), (byte) address, (byte) (count >>> 8),
        (byte) count};
  }

  @Override
  public String toString() {
    return String.format("unit %d FC%d 0x%04X+%d", unitId, function, address, count);
  }
}
