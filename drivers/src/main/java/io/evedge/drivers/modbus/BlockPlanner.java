package io.evedge.drivers.modbus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Coalesces the points of a poll into as few reads as the device allows: points of one function
 * are merged into one block when the registers between them number at most {@code maxGap} and the
 * block stays within {@code maxRegisters} (at most 125, the protocol's limit for function 3/4;
 * coils and discrete inputs are limited to 2000 bits).
 */
public final class BlockPlanner {

  /** Modbus Application Protocol v1.1b3 §6.3/6.4: at most 125 registers per read. */
  public static final int PROTOCOL_MAX_REGISTERS = 125;
  /** §6.1/6.2: at most 2000 coils or discrete inputs per read. */
  public static final int PROTOCOL_MAX_BITS = 2000;

  private BlockPlanner() {}

  public static List<ReadBlock> plan(List<Point> points, int maxRegisters, int maxGap) {
    int limit = Math.min(maxRegisters, PROTOCOL_MAX_REGISTERS);
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingInt(Point::function).thenComparingInt(Point::address));
    List<ReadBlock> blocks = new ArrayList<>();
    List<Point> current = new ArrayList<>();
    int function = -1;
    int start = 0;
    int end = 0;
    for (Point p : sorted) {
      int max = p.function() <= 2 ? PROTOCOL_MAX_BITS : limit;
      boolean fits = p.function() == function
          && p.address() <= end + maxGap
          && Math.max(end, p.end()) - start <= max;
      if (!fits) {
        if (!current.isEmpty()) {
          blocks.add(new ReadBlock(function, start, end - start, List.copyOf(current)));
        }
        current.clear();
        function = p.function();
        start = p.address();
        end = p.end();
      }
      current.add(p);
      end = Math.max(end, p.end());
    }
    if (!current.isEmpty()) {
      blocks.add(new ReadBlock(function, start, end - start, List.copyOf(current)));
    }
    return blocks;
  }
}
