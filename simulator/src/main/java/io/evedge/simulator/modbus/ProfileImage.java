package io.evedge.simulator.modbus;

import io.evedge.drivers.modbus.Point;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.slave.RegisterImage;
import io.evedge.proto.DeviceProfile;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Serves a device profile's register map from simulated values. Each request takes one snapshot of
 * the values (reading key → value) and encodes the points it touches, so a float never mixes two
 * states. Registers between points read 0; addresses past the last point are illegal (exception 0x02).
 */
public final class ProfileImage implements RegisterImage {

  private final List<Point> points;
  private final Supplier<Map<String, Object>> values;
  private final int[] limits = new int[5];

  public ProfileImage(DeviceProfile profile, Supplier<Map<String, Object>> values) {
    this.points = Profiles.points(profile);
    this.values = values;
    for (Point p : points) {
      limits[p.function()] = Math.max(limits[p.function()], p.end());
    }
  }

  @Override
  public int[] readRegisters(int unitId, int function, int address, int count) {
    check(function, address, count);
    Map<String, Object> snapshot = values.get();
    int[] out = new int[count];
    int[] scratch = new int[4];
    for (Point p : points) {
      if (p.function() != function || p.end() <= address || p.address() >= address + count) {
        continue;
      }
      java.util.Arrays.fill(scratch, 0);
      PointEncoder.encode(p, snapshot.get(p.key()), scratch, 0);
      for (int i = 0; i < p.registers(); i++) {
        int a = p.address() + i;
        if (a >= address && a < address + count) {
          out[a - address] = scratch[i];
        }
      }
    }
    return out;
  }

  @Override
  public boolean[] readBits(int unitId, int function, int address, int count) {
    check(function, address, count);
    Map<String, Object> snapshot = values.get();
    boolean[] out = new boolean[count];
    for (Point p : points) {
      if (p.function() == function && p.address() >= address && p.address() < address + count) {
        Object v = snapshot.get(p.key());
        out[p.address() - address] = v instanceof Boolean b ? b : v instanceof Number n && n.doubleValue() != 0;
      }
    }
    return out;
  }

  private void check(int function, int address, int count) {
    if (function < 1 || function > 4 || address + count > limits[function]) {
      throw new IllegalArgumentException(String.format("function %d has no registers at 0x%04X+%d",
          function, address, count));
    }
  }
}
