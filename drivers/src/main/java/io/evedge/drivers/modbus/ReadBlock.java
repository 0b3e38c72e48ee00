package io.evedge.drivers.modbus;

import java.util.List;

/** One read transaction of a poll: {@code count} registers or bits from {@code address}. */
public record ReadBlock(int function, int address, int count, List<Point> points) {

  public boolean bits() {
    return function <= 2;
  }
}
