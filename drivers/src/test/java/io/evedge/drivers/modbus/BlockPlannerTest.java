package io.evedge.drivers.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.proto.DataType;
import io.evedge.proto.PointSpec;
import io.evedge.proto.RegisterFunction;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockPlannerTest {

  private static Point p(String key, RegisterFunction f, int address, DataType type) {
    return Point.of(PointSpec.newBuilder().setKey(key).setFunction(f).setAddress(address).setType(type)
        .setScale(1).build());
  }

  @Test
  void fullSdm630SetTakesOneTransaction() throws Exception {
    List<ReadBlock> plan = Profiles.plan(Profiles.load("eastron-sdm630"));
    assertEquals(1, plan.size(), plan.toString());
    assertEquals(new ReadBlock(4, 0x0000, 0x4C, plan.get(0).points()), plan.get(0));
    assertEquals(13, plan.get(0).points().size());
  }

  @Test
  void respectsTheDeviceLimitAndGap() {
    List<Point> points = List.of(
        p("a", RegisterFunction.HOLDING_REGISTERS, 0, DataType.UINT16),
        p("b", RegisterFunction.HOLDING_REGISTERS, 10, DataType.UINT32),
        p("c", RegisterFunction.HOLDING_REGISTERS, 100, DataType.UINT16),
        p("d", RegisterFunction.INPUT_REGISTERS, 0, DataType.UINT16));
    List<ReadBlock> plan = BlockPlanner.plan(points, 125, 16);
    assertEquals(3, plan.size());
    assertEquals(12, plan.get(0).count(), "a..b merged across a gap of 9");
    assertEquals(100, plan.get(1).address(), "c beyond the gap");
    assertEquals(4, plan.get(2).function(), "functions never merge");

    List<ReadBlock> tight = BlockPlanner.plan(points.subList(0, 2), 11, 16);
    assertEquals(2, tight.size(), "a block of 12 would exceed a limit of 11");
  }

  @Test
  void neverExceedsTheProtocolLimit() {
    List<Point> points = List.of(
        p("a", RegisterFunction.HOLDING_REGISTERS, 0, DataType.UINT16),
        p("b", RegisterFunction.HOLDING_REGISTERS, 124, DataType.UINT32));
    for (ReadBlock b : BlockPlanner.plan(points, 1000, 1000)) {
      assertTrue(b.count() <= 125, b.toString());
    }
  }
}
