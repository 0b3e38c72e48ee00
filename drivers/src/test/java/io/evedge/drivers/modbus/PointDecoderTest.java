package io.evedge.drivers.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.evedge.proto.ByteSelect;
import io.evedge.proto.DataType;
import io.evedge.proto.PointSpec;
import io.evedge.proto.RegisterFunction;
import io.evedge.proto.WordOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden register values for every type and word order. The value 0x12345678 is laid out on the
 * wire as ABCD = 1234 5678, CDAB = 5678 1234, BADC = 3412 7856, DCBA = 7856 3412.
 */
class PointDecoderTest {

  private static Point point(DataType type, WordOrder order) {
    return Point.of(PointSpec.newBuilder().setKey("x").setFunction(RegisterFunction.HOLDING_REGISTERS)
        .setType(type).setWordOrder(order).setScale(1).build());
  }

  private static Object decode(DataType type, WordOrder order, int... words) {
    return PointDecoder.decode(point(type, order), words, 0);
  }

  @Test
  void uint32InAllWordOrders() {
    assertEquals(305419896.0, decode(DataType.UINT32, WordOrder.ABCD, 0x1234, 0x5678));
    assertEquals(305419896.0, decode(DataType.UINT32, WordOrder.CDAB, 0x5678, 0x1234));
    assertEquals(305419896.0, decode(DataType.UINT32, WordOrder.BADC, 0x3412, 0x7856));
    assertEquals(305419896.0, decode(DataType.UINT32, WordOrder.DCBA, 0x7856, 0x3412));
  }

  @Test
  void sixteenBitTypes() {
    assertEquals(-2.0, decode(DataType.INT16, WordOrder.ABCD, 0xFFFE));
    assertEquals(65534.0, decode(DataType.UINT16, WordOrder.ABCD, 0xFFFE));
    assertEquals(-2.0, decode(DataType.INT16, WordOrder.BADC, 0xFEFF));
    assertEquals(true, decode(DataType.BOOL, WordOrder.ABCD, 0x0001));
    assertEquals(false, decode(DataType.BOOL, WordOrder.ABCD, 0x0000));
  }

  @Test
  void signed32() {
    assertEquals(-1.0, decode(DataType.INT32, WordOrder.ABCD, 0xFFFF, 0xFFFF));
    assertEquals(-65536.0, decode(DataType.INT32, WordOrder.ABCD, 0xFFFF, 0x0000));
    assertEquals(-65536.0, decode(DataType.INT32, WordOrder.CDAB, 0x0000, 0xFFFF));
  }

  @Test
  void float32AsEastronSendsIt() {
    // 230.0f = 0x43660000 (IEEE-754); Eastron sends ABCD: 4366 0000
    assertEquals(230.0, decode(DataType.FLOAT32, WordOrder.ABCD, 0x4366, 0x0000));
    assertEquals(230.0, decode(DataType.FLOAT32, WordOrder.CDAB, 0x0000, 0x4366));
    assertEquals(230.0, decode(DataType.FLOAT32, WordOrder.BADC, 0x6643, 0x0000));
    assertEquals(230.0, decode(DataType.FLOAT32, WordOrder.DCBA, 0x0000, 0x6643));
  }

  @Test
  void sixtyFourBitTypes() {
    // 1.5 = 0x3FF8000000000000
    assertEquals(1.5, decode(DataType.FLOAT64, WordOrder.ABCD, 0x3FF8, 0, 0, 0));
    assertEquals(1.5, decode(DataType.FLOAT64, WordOrder.CDAB, 0, 0, 0, 0x3FF8));
    assertEquals(1.5, decode(DataType.FLOAT64, WordOrder.DCBA, 0, 0, 0, 0xF83F));
    assertEquals(1.5, decode(DataType.FLOAT64, WordOrder.BADC, 0xF83F, 0, 0, 0));
    assertEquals(0x0001_0002_0003_0004L * 1.0, decode(DataType.INT64, WordOrder.ABCD, 1, 2, 3, 4));
    assertEquals(-1.0, decode(DataType.INT64, WordOrder.ABCD, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF));
    assertEquals(18446744073709551615.0, decode(DataType.UINT64, WordOrder.ABCD, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE + 1));
  }

  @Test
  void scaleOffsetNoValueAndValueMap() {
    // ABB B23 import energy: u64 × 0.01 kWh at 0x5000; all-0xFF means no value
    Point abbImport = Point.of(PointSpec.newBuilder().setKey("energy_import")
        .setFunction(RegisterFunction.HOLDING_REGISTERS).setAddress(0x5000).setType(DataType.UINT64)
        .setWordOrder(WordOrder.ABCD).setScale(0.01).addNoValue("FFFFFFFFFFFFFFFF").build());
    assertEquals(1234.56, (Double) PointDecoder.decode(abbImport, new int[] {0, 0, 0x0001, 0xE240}, 0), 1e-9);
    assertNull(PointDecoder.decode(abbImport, new int[] {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}, 0));

    // Phoenix EV-CC: CP state as ASCII in the low byte of IR 100
    Point cp = Point.of(PointSpec.newBuilder().setKey("cp_state").setFunction(RegisterFunction.INPUT_REGISTERS)
        .setAddress(100).setType(DataType.UINT16).setWordOrder(WordOrder.ABCD).setScale(1)
        .setByteSelect(ByteSelect.LOW_BYTE).putValueMap(65, "A").putValueMap(67, "C").build());
    assertEquals("C", PointDecoder.decode(cp, new int[] {0x0043}, 0));
    assertEquals("UNKNOWN(90)", PointDecoder.decode(cp, new int[] {0x005A}, 0));

    Point offset = Point.of(PointSpec.newBuilder().setKey("t").setFunction(RegisterFunction.HOLDING_REGISTERS)
        .setType(DataType.INT16).setWordOrder(WordOrder.ABCD).setScale(0.1).setOffset(-40).build());
    assertEquals(-15.0, (Double) PointDecoder.decode(offset, new int[] {250}, 0), 1e-9);
  }

  @Test
  void floatNanIsNoValue() {
    assertNull(decode(DataType.FLOAT32, WordOrder.ABCD, 0x7FC0, 0x0000));
  }

  /**
   * Every type in every word order. The register words were derived by hand from the big-endian
   * bytes of each value (A first): ABCD as they are, CDAB words reversed, BADC bytes swapped in each
   * word, DCBA both.
   */
  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource(textBlock = """
      INT16, ABCD, FFFE, -2
      INT16, CDAB, FFFE, -2
      INT16, BADC, FEFF, -2
      INT16, DCBA, FEFF, -2
      UINT16, ABCD, BEEF, 48879
      UINT16, CDAB, BEEF, 48879
      UINT16, BADC, EFBE, 48879
      UINT16, DCBA, EFBE, 48879
      INT32, ABCD, F8A4 32EB, -123456789
      INT32, CDAB, 32EB F8A4, -123456789
      INT32, BADC, A4F8 EB32, -123456789
      INT32, DCBA, EB32 A4F8, -123456789
      UINT32, ABCD, B2D0 5E00, 3000000000
      UINT32, CDAB, 5E00 B2D0, 3000000000
      UINT32, BADC, D0B2 005E, 3000000000
      UINT32, DCBA, 005E D0B2, 3000000000
      FLOAT32, ABCD, C148 0000, -12.5
      FLOAT32, CDAB, 0000 C148, -12.5
      FLOAT32, BADC, 48C1 0000, -12.5
      FLOAT32, DCBA, 0000 48C1, -12.5
      INT64, ABCD, FFFF FEE0 8E04 FB35, -1234567890123
      INT64, CDAB, FB35 8E04 FEE0 FFFF, -1234567890123
      INT64, BADC, FFFF E0FE 048E 35FB, -1234567890123
      INT64, DCBA, 35FB 048E E0FE FFFF, -1234567890123
      UINT64, ABCD, AB54 A98C EB1F 0AD2, 12345678901234567890
      UINT64, CDAB, 0AD2 EB1F A98C AB54, 12345678901234567890
      UINT64, BADC, 54AB 8CA9 1FEB D20A, 12345678901234567890
      UINT64, DCBA, D20A 1FEB 8CA9 54AB, 12345678901234567890
      FLOAT64, ABCD, 406C C400 0000 0000, 230.125
      FLOAT64, CDAB, 0000 0000 C400 406C, 230.125
      FLOAT64, BADC, 6C40 00C4 0000 0000, 230.125
      FLOAT64, DCBA, 0000 0000 00C4 6C40, 230.125
      """)
  void everyTypeInEveryWordOrder(DataType type, WordOrder order, String hex, java.math.BigDecimal expected) {
    String[] parts = hex.split(" ");
    int[] words = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      words[i] = Integer.parseInt(parts[i], 16);
    }
    double value = (Double) decode(type, order, words);
    assertEquals(expected.doubleValue(), value, Math.abs(expected.doubleValue()) * 1e-15);
  }
}
