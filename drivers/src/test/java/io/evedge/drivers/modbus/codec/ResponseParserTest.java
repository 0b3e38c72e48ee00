package io.evedge.drivers.modbus.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.modbus.FrameError;
import io.evedge.drivers.modbus.codec.ResponseParser.Done;
import io.evedge.drivers.modbus.codec.ResponseParser.Failed;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden reply frames: the PDUs are the examples of MODBUS Application Protocol V1.1b3 §6.1 (read
 * coils), §6.3 (read holding registers), §6.4 (read input registers) and §7 (exception), framed for
 * RTU per "MODBUS over Serial Line V1.02" §2.5.1 (CRC per §6.2.2, low byte first) or behind an MBAP
 * header per "MODBUS Messaging on TCP/IP Implementation Guide V1.0b" §3.1.3. Every frame is also fed
 * split at every chunk boundary and must parse the same.
 */
class ResponseParserTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  // §6.3: read 3 holding registers from 0x006B; reply 022B 0000 0064; unit 0x11
  private static final ReadRequest HOLDING = new ReadRequest(0x11, 3, 0x006B, 3);
  private static final byte[] HOLDING_REPLY = hex("11 03 06 02 2B 00 00 00 64 C8 BA");
  // §6.4: read 1 input register from 0x0008; reply 000A; unit 1
  private static final ReadRequest INPUT = new ReadRequest(1, 4, 0x0008, 1);
  private static final byte[] INPUT_REPLY = hex("01 04 02 00 0A 39 37");
  // §6.1: read 19 coils from 0x0013; reply CD 6B 05; unit 1
  private static final ReadRequest COILS = new ReadRequest(1, 1, 0x0013, 19);
  private static final byte[] COILS_REPLY = hex("01 01 03 CD 6B 05 42 82");
  // §7: exception 02 ILLEGAL DATA ADDRESS to a function 4 request; unit 1
  private static final byte[] INPUT_EXCEPTION = hex("01 84 02 C2 C1");

  private static ResponseParser rtu(ReadRequest r) {
    return new ResponseParser(Framing.RTU, r, 0, null);
  }

  /** Feeds {@code frame} in chunks cut at {@code cuts} and returns the final state. */
  private static ResponseParser.State feed(ResponseParser p, byte[] frame, int... cuts) {
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : frame.length;
      p.feed(frame, from, to - from);
      from = to;
    }
    return p.state();
  }

  private static List<int[]> everySplit(int length) {
    List<int[]> splits = new ArrayList<>();
    splits.add(new int[0]);
    for (int a = 1; a < length; a++) {
      splits.add(new int[] {a});
      for (int b = a + 1; b < length; b++) {
        splits.add(new int[] {a, b});
      }
    }
    int[] single = new int[length - 1];
    for (int i = 0; i < single.length; i++) {
      single[i] = i + 1;
    }
    splits.add(single);
    return splits;
  }

  /** The result of the whole frame in one chunk, checked to be the same for every split. */
  private static ResponseParser.State parseEverySplit(java.util.function.Supplier<ResponseParser> parser,
      byte[] frame) {
    ResponseParser.State whole = feed(parser.get(), frame);
    for (int[] cuts : everySplit(frame.length)) {
      ResponseParser.State s = feed(parser.get(), frame, cuts);
      assertEquals(describe(whole), describe(s), "split at " + java.util.Arrays.toString(cuts));
    }
    return whole;
  }

  private static String describe(ResponseParser.State s) {
    if (s instanceof Done d && d.reply() instanceof Reply.Data data) {
      return "Data" + HexFormat.of().formatHex(data.data());
    }
    return s.toString();
  }

  @Test
  void holdingRegisters() {
    ResponseParser.State s = parseEverySplit(() -> rtu(HOLDING), HOLDING_REPLY);
    Reply.Data data = (Reply.Data) ((Done) s).reply();
    assertArrayEquals(new int[] {0x022B, 0x0000, 0x0064}, data.words());
  }

  @Test
  void inputRegister() {
    Reply.Data data = (Reply.Data) ((Done) parseEverySplit(() -> rtu(INPUT), INPUT_REPLY)).reply();
    assertArrayEquals(new int[] {0x000A}, data.words());
  }

  @Test
  void coilsLeastSignificantBitFirst() {
    Reply.Data data = (Reply.Data) ((Done) parseEverySplit(() -> rtu(COILS), COILS_REPLY)).reply();
    boolean[] bits = data.bits(19);
    // §6.1: coils 27..20 = CD = 1100 1101, so coil 20 (the first) is 1, 21 is 0, 22 and 23 are 1
    assertTrue(bits[0]);
    assertEquals(false, bits[1]);
    assertTrue(bits[2] && bits[3]);
    // coils 38..36 = 05 = 101: the last coil read (38) is 1, 37 is 0
    assertTrue(bits[18]);
    assertEquals(false, bits[17]);
  }

  @Test
  void exceptionReply() {
    ResponseParser.State s = parseEverySplit(() -> rtu(INPUT), INPUT_EXCEPTION);
    assertEquals(new Reply.Exception(2), ((Done) s).reply());
  }

  @Test
  void requestEncodingMatchesTheSpecExample() {
    assertArrayEquals(hex("11 03 00 6B 00 03 76 87"), Framing.RTU.frame(0x11, 0, HOLDING.pdu()));
    assertArrayEquals(hex("00 2A 00 00 00 06 11 03 00 6B 00 03"), Framing.TCP.frame(0x11, 0x2A, HOLDING.pdu()));
  }

  @Test
  void corruptCrcIsNamed() {
    byte[] bad = HOLDING_REPLY.clone();
    bad[bad.length - 1] ^= 0x01;
    Failed f = assertInstanceOf(Failed.class, parseEverySplit(() -> rtu(HOLDING), bad));
    assertEquals(FrameError.CRC, f.error());
    assertEquals("CRC 0xBBC8, computed 0xBAC8", f.detail());
  }

  @Test
  void wrongUnitFunctionAndByteCountAreNamed() {
    Failed unit = assertInstanceOf(Failed.class, parseEverySplit(() -> rtu(INPUT),
        Framing.RTU.frame(2, 0, hex("04 02 00 0A"))));
    assertEquals(FrameError.UNIT_ID, unit.error());
    assertEquals("reply from unit 2, asked unit 1", unit.detail());

    Failed function = assertInstanceOf(Failed.class, parseEverySplit(() -> rtu(INPUT),
        Framing.RTU.frame(1, 0, hex("03 02 00 0A"))));
    assertEquals(FrameError.FUNCTION, function.error());
    assertEquals("reply function 0x03, asked 0x04", function.detail());

    Failed count = assertInstanceOf(Failed.class, parseEverySplit(() -> rtu(HOLDING),
        Framing.RTU.frame(0x11, 0, hex("03 04 02 2B 00 00"))));
    assertEquals(FrameError.BYTE_COUNT, count.error());
    assertEquals("byte count 4, expected 6", count.detail());
  }

  @Test
  void stopsAtTheEndOfTheReply() {
    byte[] withTrailer = new byte[INPUT_REPLY.length + 3];
    System.arraycopy(INPUT_REPLY, 0, withTrailer, 0, INPUT_REPLY.length);
    ResponseParser p = rtu(INPUT);
    assertEquals(INPUT_REPLY.length, p.feed(withTrailer, 0, withTrailer.length));
    assertInstanceOf(Done.class, p.state());
  }

  @Test
  void partialReplyIsNotFinished() {
    ResponseParser p = rtu(HOLDING);
    p.feed(HOLDING_REPLY, 0, 5);
    assertEquals(new ResponseParser.AwaitData(6, 2), p.state());
    assertEquals(5, p.frameBytes());
    assertEquals(HOLDING_REPLY.length, p.expectedFrameLength());
  }

  @Test
  void echoOfTheRequestIsSkipped() {
    byte[] request = Framing.RTU.frame(1, 0, INPUT.pdu());
    byte[] line = new byte[request.length + INPUT_REPLY.length];
    System.arraycopy(request, 0, line, 0, request.length);
    System.arraycopy(INPUT_REPLY, 0, line, request.length, INPUT_REPLY.length);
    ResponseParser.State s = parseEverySplit(() -> new ResponseParser(Framing.RTU, INPUT, 0, request), line);
    assertArrayEquals(new int[] {0x000A}, ((Reply.Data) ((Done) s).reply()).words());

    byte[] garbled = line.clone();
    garbled[3] ^= 0x40;
    Failed f = assertInstanceOf(Failed.class,
        parseEverySplit(() -> new ResponseParser(Framing.RTU, INPUT, 0, request), garbled));
    assertEquals(FrameError.ECHO, f.error());
  }

  // Modbus TCP: read the Phoenix EV-CC CP state (IR 100) from unit 255 as transaction 7
  private static final ReadRequest CP_STATE = new ReadRequest(255, 4, 100, 1);

  private static ResponseParser tcp(int tid) {
    return new ResponseParser(Framing.TCP, CP_STATE, tid, null);
  }

  @Test
  void tcpReply() {
    byte[] reply = hex("00 07 00 00 00 05 FF 04 02 00 43");
    Reply.Data data = (Reply.Data) ((Done) parseEverySplit(() -> tcp(7), reply)).reply();
    assertArrayEquals(new int[] {0x0043}, data.words());
    assertEquals(new Reply.Exception(4),
        ((Done) parseEverySplit(() -> tcp(7), hex("00 07 00 00 00 03 FF 84 04"))).reply());
  }

  @Test
  void tcpLateReplyToAnEarlierTransactionIsSkipped() {
    byte[] both = hex("00 06 00 00 00 05 FF 04 02 00 41  00 07 00 00 00 05 FF 04 02 00 43");
    ResponseParser p = tcp(7);
    ResponseParser.State s = parseEverySplit(() -> tcp(7), both);
    assertArrayEquals(new int[] {0x0043}, ((Reply.Data) ((Done) s).reply()).words());
    feed(p, both);
    assertEquals(1, p.skippedFrames());
  }

  @Test
  void tcpHeaderErrorsAreNamed() {
    assertEquals(FrameError.PROTOCOL_ID, ((Failed) parseEverySplit(() -> tcp(7),
        hex("00 07 00 01 00 05 FF 04 02 00 43"))).error());
    assertEquals(FrameError.LENGTH, ((Failed) parseEverySplit(() -> tcp(7),
        hex("00 07 00 00 00 06 FF 04 02 00 43 00"))).error());
    assertEquals(FrameError.UNIT_ID, ((Failed) parseEverySplit(() -> tcp(7),
        hex("00 07 00 00 00 05 01 04 02 00 43"))).error());
    assertEquals(FrameError.BYTE_COUNT, ((Failed) parseEverySplit(() -> tcp(7),
        hex("00 07 00 00 00 07 FF 04 04 00 43 00 00"))).error());
  }
}
