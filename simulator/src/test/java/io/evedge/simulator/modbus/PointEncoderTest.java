package io.evedge.simulator.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.drivers.modbus.Point;
import io.evedge.drivers.modbus.PointDecoder;
import io.evedge.proto.DataType;
import io.evedge.proto.PointSpec;
import io.evedge.proto.RegisterFunction;
import io.evedge.proto.WordOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the simulator encodes, the agent decodes: every type in every word order, scaled. */
class PointEncoderTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(textBlock = """
      INT16, -12.34, 0.01
      UINT16, 655.35, 0.01
      INT32, -2147483.648, 0.001
      UINT32, 4294967.295, 0.001
      INT64, -9.5e15, 1
      UINT64, 1.8e19, 1
      FLOAT32, 230.5, 1
      FLOAT64, 123456.789012, 1
      """)
  void roundTripInEveryWordOrder(DataType type, double value, double scale) {
    for (WordOrder order : new WordOrder[] {WordOrder.ABCD, WordOrder.CDAB, WordOrder.BADC, WordOrder.DCBA}) {
      Point p = Point.of(PointSpec.newBuilder().setKey("x").setFunction(RegisterFunction.HOLDING_REGISTERS)
          .setType(type).setWordOrder(order).setScale(scale).build());
      int[] words = new int[p.registers()];
      PointEncoder.encode(p, value, words, 0);
      double back = (Double) PointDecoder.decode(p, words, 0);
      assertEquals(value, back, Math.abs(value) * 1e-9 + scale / 2, type + " " + order);
    }
  }
}
