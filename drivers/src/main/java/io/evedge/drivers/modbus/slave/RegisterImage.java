package io.evedge.drivers.modbus.slave;

/**
 * What a Modbus slave serves: called once per request with the whole range, so a multi-register
 * value is always read from one consistent state.
 */
public interface RegisterImage {

  /**
   * The words of {@code count} registers (function 3 or 4) from {@code address}.
   *
   * @throws IllegalArgumentException when the range is outside the image (answered with exception
   *     0x02 ILLEGAL DATA ADDRESS)
   */
  int[] readRegisters(int unitId, int function, int address, int count);

  /** {@code count} coils or discrete inputs (function 1 or 2) from {@code address}. */
  boolean[] readBits(int unitId, int function, int address, int count);
}
