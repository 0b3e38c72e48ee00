package io.evedge.drivers.modbus;

/**
 * Our own seam over a Modbus master: one blocking transaction at a time. Implementations
 * ({@link FramedModbusClient}, over our own codec and transports) connect lazily, reconnect after a
 * failure, and apply their own timeout and at most one retry.
 */
public interface ModbusClient extends AutoCloseable {

  /**
   * Reads {@code count} registers (function 3 or 4) starting at {@code address}.
   *
   * @return the register words, unsigned, 0..65535
   */
  int[] readRegisters(int unitId, int function, int address, int count) throws ModbusException;

  /** Reads {@code count} coils or discrete inputs (function 1 or 2). */
  boolean[] readBits(int unitId, int function, int address, int count) throws ModbusException;

  /** Drops the connection; the next transaction reconnects. */
  @Override
  void close();

  /** Where the client talks to, for logs ({@code tcp://host:502}). */
  String endpoint();
}
