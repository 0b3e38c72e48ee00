package io.evedge.drivers.modbus.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.drivers.modbus.codec.RequestParser.Request;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server-side framing; golden requests as in {@link ResponseParserTest}. */
class RequestParserTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  private static List<Request> parse(Framing framing, byte[] stream, int chunk) {
    RequestParser p = new RequestParser(framing);
    List<Request> out = new ArrayList<>();
    for (int i = 0; i < stream.length; i += chunk) {
      p.feed(stream, i, Math.min(chunk, stream.length - i), out::add);
    }
    return out;
  }

  private static String render(List<Request> requests) {
    StringBuilder b = new StringBuilder();
    for (Request r : requests) {
      b.append(r.transactionId()).append('/').append(r.unitId()).append('/')
          .append(HexFormat.of().formatHex(r.pdu())).append(' ');
    }
    return b.toString();
  }

  @Test
  void rtuRequestsBackToBackInAnyChunking() {
    // §6.3 example to unit 0x11, then a function 16 write of two registers (§6.12) to unit 1
    byte[] write = Framing.RTU.frame(1, 0, hex("10 00 01 00 02 04 00 0A 01 02"));
    byte[] stream = concat(hex("11 03 00 6B 00 03 76 87"), write);
    String expected = "0/17/03006b0003 0/1/100001000204000a0102 ";
    for (int chunk = 1; chunk <= stream.length; chunk++) {
      assertEquals(expected, render(parse(Framing.RTU, stream, chunk)), "chunk " + chunk);
    }
  }

  @Test
  void rtuBadCrcIsDroppedAndTheNextFrameParses() {
    RequestParser p = new RequestParser(Framing.RTU);
    List<Request> out = new ArrayList<>();
    byte[] bad = hex("11 03 00 6B 00 03 76 88");
    p.feed(bad, 0, bad.length, out::add);
    assertEquals(1, p.dropped());
    byte[] good = hex("11 03 00 6B 00 03 76 87");
    p.feed(good, 0, good.length, out::add);
    assertEquals(1, out.size());
    assertArrayEquals(hex("03 00 6B 00 03"), out.get(0).pdu());
  }

  @Test
  void rtuUnknownFunctionIsDropped() {
    RequestParser p = new RequestParser(Framing.RTU);
    List<Request> out = new ArrayList<>();
    byte[] diag = Framing.RTU.frame(1, 0, hex("08 00 00 12 34"));
    p.feed(diag, 0, diag.length, out::add);
    assertEquals(0, out.size());
    assertEquals(1, p.dropped());
  }

  @Test
  void tcpRequestsInAnyChunking() {
    byte[] stream = concat(Framing.TCP.frame(0xFF, 1, hex("04 00 64 00 01")),
        Framing.TCP.frame(1, 2, hex("2B 0E 01 00")));
    for (int chunk = 1; chunk <= stream.length; chunk++) {
      assertEquals("1/255/0400640001 2/1/2b0e0100 ", render(parse(Framing.TCP, stream, chunk)), "chunk " + chunk);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
