package io.evedge.drivers.modbus;

import io.evedge.proto.ByteSelect;
import io.evedge.proto.DataType;
import io.evedge.proto.PointSpec;
import io.evedge.proto.WordOrder;
import java.util.HexFormat;
import java.util.Map;

/**
 * One point of a profile, compiled for decoding: where it is, how many registers it spans, and how
 * its raw words become a value ({@code raw × scale + offset}, a mapped text, or "no value").
 */
public record Point(
    String key,
    int function,
    int address,
    int registers,
    DataType type,
    WordOrder order,
    double scale,
    double offset,
    String unit,
    Map<Long, String> valueMap,
    long[][] noValue,
    ByteSelect byteSelect) {

  /** Compiles a point spec; the spec is assumed to have been read through the strict loader. */
  public static Point of(PointSpec spec) {
    int registers = switch (spec.getType()) {
      case BOOL, INT16, UINT16 -> 1;
      case INT32, UINT32, FLOAT32 -> 2;
      case INT64, UINT64, FLOAT64 -> 4;
      default -> 1;
    };
    boolean bitFunction = spec.getFunctionValue() <= 2;
    long[][] noValue = new long[spec.getNoValueCount()][];
    for (int i = 0; i < noValue.length; i++) {
      String hex = spec.getNoValue(i).replace(" ", "");
      byte[] bytes = HexFormat.of().parseHex(hex.startsWith("0x") ? hex.substring(2) : hex);
      long[] words = new long[bytes.length / 2];
      for (int w = 0; w < words.length; w++) {
        words[w] = ((bytes[2 * w] & 0xFF) << 8) | (bytes[2 * w + 1] & 0xFF);
      }
      noValue[i] = words;
    }
    return new Point(spec.getKey(), spec.getFunctionValue(), spec.getAddress(), bitFunction ? 1 : registers,
        spec.getType(), spec.getWordOrder(), spec.getScale(), spec.getOffset(), spec.getUnit(),
        Map.copyOf(spec.getValueMapMap()), noValue, spec.getByteSelect());
  }

  /** Last address this point occupies. */
  public int end() {
    return address + registers;
  }
}
