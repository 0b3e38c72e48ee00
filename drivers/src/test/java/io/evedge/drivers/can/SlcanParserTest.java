package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.evedge.drivers.can.SlcanStats.Kind;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Replies as listed in the LAWICEL CAN232/CANUSB command table: received frames {@code tiiiLdd..}
 * / {@code Tiiiiiiiildd..} / {@code riiiL} / {@code RiiiiiiiiL} with a trailing 4-digit
 * millisecond timestamp {@code 0000..EA5F} when {@code Z1} is set, {@code [CR]} for OK, {@code
 * [BELL]} for error, {@code z[CR]}/{@code Z[CR]} after {@code t}/{@code T}, {@code Fxx[CR]}, {@code
 * Vhhss[CR]}, {@code Nxxxx[CR]}.
 */
class SlcanParserTest {

  /** Records every event as a line of text, so whole runs compare with one assertEquals. */
  private static final class Recorder implements SlcanListener {
    final List<String> events = new ArrayList<>();
    final List<CanFrame> frames = new ArrayList<>();

    @Override
    public void onFrame(CanFrame frame) {
      frames.add(frame);
      events.add(frame.toString());
    }

    @Override
    public void onOk() {
      events.add("OK");
    }

    @Override
    public void onError() {
      events.add("ERROR");
    }

    @Override
    public void onStatus(SlcanStatus status) {
      events.add("status " + status.flags());
    }

    @Override
    public void onVersion(String version) {
      events.add("version " + version);
    }

    @Override
    public void onSerialNumber(String serialNumber) {
      events.add("serial " + serialNumber);
    }

    @Override
    public void onTransmitted(boolean extended) {
      events.add(extended ? "sent ext" : "sent std");
    }

    @Override
    public void onDiscarded(Kind kind) {
      events.add("discarded " + kind);
    }
  }

  private final Recorder recorder = new Recorder();
  private final SlcanParser parser = new SlcanParser(recorder);

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private List<String> parse(String input) {
    parser.feed(ascii(input));
    return recorder.events;
  }

  @Test
  void goldenFrames() {
    parse("t1230\r" + "t12381122334455667788\r" + "T1FFFFFFF2AABB\r" + "r1230\r" + "R123456784\r"
        + "t7ff2abcd\r");

    assertEquals(List.of(
        CanFrame.of(0x123, false),
        new CanFrame(0x123, false, false, 8, 0x1122334455667788L, CanFrame.NO_TIMESTAMP),
        CanFrame.of(0x1FFFFFFF, true, (byte) 0xAA, (byte) 0xBB),
        CanFrame.remoteRequest(0x123, false, 0),
        CanFrame.remoteRequest(0x12345678, true, 4),
        CanFrame.of(0x7FF, false, (byte) 0xAB, (byte) 0xCD)), recorder.frames);
    assertEquals(0, parser.stats().discardedLines());
  }

  @Test
  void timestampedFrames() {
    // Z1: "t1232AABBEA5F" is id 0x123, 2 bytes AA BB, received at 0xEA5F = 59999 ms
    parse("t1232AABBEA5F\r" + "T1FFFFFFF0000A\r" + "r12380014\r");

    assertEquals(List.of(
        CanFrame.of(0x123, false, (byte) 0xAA, (byte) 0xBB).withTimestamp(59_999),
        // 000A = 10 ms, after the wrap: 59999 + 1 + 10
        CanFrame.of(0x1FFFFFFF, true).withTimestamp(60_010),
        // 0014 = 20 ms
        CanFrame.remoteRequest(0x123, false, 8).withTimestamp(60_020)), recorder.frames);
  }

  @Test
  void timestampWrapsFromEa5fToZeroByOneMillisecond() {
    parse("t1230EA5E\r" + "t1230EA5F\r" + "t12300000\r" + "t12300001\r");

    assertEquals(List.of(59_998L, 59_999L, 60_000L, 60_001L),
        recorder.frames.stream().map(CanFrame::timestampMs).toList());
  }

  @Test
  void acknowledgementsAndReplies() {
    assertEquals(List.of("OK", "ERROR", "sent std", "sent ext", "status 0", "status 165",
        "version 1013", "serial A123"),
        parse("\r\u0007z\rZ\rF00\rFA5\rV1013\rNA123\r"));
  }

  @Test
  void statusFlagsDecodeEachBit() {
    List<SlcanStatus> statuses = new ArrayList<>();
    SlcanParser p = new SlcanParser(new SlcanListener() {
      @Override
      public void onStatus(SlcanStatus status) {
        statuses.add(status);
      }
    });
    p.feed(ascii("F01\rF02\rF04\rF08\rF10\rF20\rF40\rF80\rFFF\r"));

    assertEquals(9, statuses.size());
    assertTrue(statuses.get(0).rxFifoFull());
    assertTrue(statuses.get(1).txFifoFull());
    assertTrue(statuses.get(2).errorWarning());
    assertTrue(statuses.get(3).dataOverrun());
    // bit 4 is unused: no named flag, but not ok either
    SlcanStatus bit4 = statuses.get(4);
    assertFalse(bit4.rxFifoFull() || bit4.txFifoFull() || bit4.errorWarning() || bit4.dataOverrun()
        || bit4.errorPassive() || bit4.arbitrationLost() || bit4.busError() || bit4.ok());
    assertTrue(statuses.get(5).errorPassive());
    assertTrue(statuses.get(6).arbitrationLost());
    assertTrue(statuses.get(7).busError());
    assertFalse(statuses.get(0).txFifoFull() || statuses.get(7).rxFifoFull());
    SlcanStatus all = statuses.get(8);
    assertTrue(all.rxFifoFull() && all.txFifoFull() && all.errorWarning() && all.dataOverrun()
        && all.errorPassive() && all.arbitrationLost() && all.busError());
    assertTrue(new SlcanStatus(0).ok());
  }

  @Test
  void encoderOutputRoundTripsThroughParser() {
    Random random = new Random(61851);
    List<CanFrame> sent = new ArrayList<>();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (int i = 0; i < 2000; i++) {
      boolean extended = random.nextBoolean();
      int id = random.nextInt((extended ? CanFrame.MAX_EXTENDED_ID : CanFrame.MAX_STANDARD_ID) + 1);
      int dlc = random.nextInt(9);
      CanFrame f;
      if (random.nextInt(10) == 0) {
        f = CanFrame.remoteRequest(id, extended, dlc);
      } else {
        byte[] data = new byte[dlc];
        random.nextBytes(data);
        f = CanFrame.of(id, extended, data);
      }
      sent.add(f);
      stream.writeBytes(SlcanEncoder.encode(f));
    }
    // the extremes, which a random pick rarely hits
    for (CanFrame f : List.of(CanFrame.of(0, false), CanFrame.of(0x7FF, false, new byte[8]),
        new CanFrame(0x1FFFFFFF, true, false, 8, -1L, CanFrame.NO_TIMESTAMP))) {
      sent.add(f);
      stream.writeBytes(SlcanEncoder.encode(f));
    }

    parser.feed(stream.toByteArray());

    assertEquals(sent, recorder.frames);
    assertEquals(0, parser.stats().discardedLines());
  }

  /** Frames, replies and every kind of bad line, back to back. */
  private static final String MIXED = "t1230\r" + "\r" + "T1FFFFFFF2AABB\r" + "\u0007"
      + "t1232AABBEA5F\r" + "xyz\r" + "t12G0\r" + "t1239\r" + "t8000\r" + "t12\r"
      + "t1238112233t4561FF\r" + "T" + "0".repeat(40) + "\r" + "t1231AA00000000\r"
      + "t123\u0007" + "z\r" + "F0C\r" + "V1013\r" + "N0042\r" + "r7FF80001\r" + "Z\r" + "\n"
      + "t12381122334455667788EA5F\r";

  @Test
  void everyChunkBoundaryGivesTheSameEvents() {
    byte[] input = ascii(MIXED);
    Recorder whole = new Recorder();
    SlcanParser reference = new SlcanParser(whole);
    reference.feed(input);
    assertEquals(6, whole.frames.size(), whole.events.toString());
    assertEquals(9, reference.stats().discardedLines());

    for (int cut = 0; cut <= input.length; cut++) {
      Recorder r = new Recorder();
      SlcanParser p = new SlcanParser(r);
      p.feed(input, 0, cut);
      p.feed(input, cut, input.length - cut);
      assertEquals(whole.events, r.events, "split at " + cut);
      assertEquals(reference.stats().toString(), p.stats().toString(), "split at " + cut);
    }

    Recorder r = new Recorder();
    SlcanParser p = new SlcanParser(r);
    for (int i = 0; i < input.length; i++) {
      p.feed(input, i, 1);
    }
    assertEquals(whole.events, r.events);
    assertEquals(reference.stats().toString(), p.stats().toString());
  }

  @Test
  void garbageLineIsCountedAndSkippedUpToCrWithoutAnOk() {
    assertEquals(List.of("discarded GARBAGE", CanFrame.of(0x123, false).toString()),
        parse("xyz\rt1230\r"));
    assertEquals(1, parser.stats().count(Kind.GARBAGE));
    assertEquals(3, parser.stats().discardedBytes());
  }

  @Test
  void nonAsciiNoiseIsGarbage() {
    parse("\u00ff\u0000\u0080t1230\r\r" + "t4560\r");

    assertEquals(List.of("discarded GARBAGE", "OK", CanFrame.of(0x456, false).toString()),
        recorder.events);
    assertEquals(8, parser.stats().discardedBytes());
  }

  @Test
  void invalidHexIsCountedAndTheNextFrameParses() {
    assertEquals(List.of("discarded INVALID_HEX", "discarded INVALID_HEX",
        CanFrame.of(0x123, false, (byte) 1).toString()),
        parse("t12G0\r" + "t1231 1\r" + "t123101\r"));
    assertEquals(2, parser.stats().count(Kind.INVALID_HEX));
    assertEquals(2, parser.stats().discardedLines());
  }

  @Test
  void dlcAboveEightIsCounted() {
    parse("t1239112233445566778899\r" + "T00000001F\r" + "t1230\r");

    assertEquals(2, parser.stats().count(Kind.INVALID_DLC));
    assertEquals(List.of(CanFrame.of(0x123, false)), recorder.frames);
  }

  @Test
  void idsAndTimestampsOutOfRangeAreCounted() {
    // 0x800 needs 12 bits; 0x20000000 needs 30; 0xEA60 = 60000 ms is past the wrap
    parse("t8000\r" + "T200000000\r" + "t1230EA60\r" + "t7FF0\r");

    assertEquals(3, parser.stats().count(Kind.OUT_OF_RANGE));
    assertEquals(List.of(CanFrame.of(0x7FF, false)), recorder.frames);
  }

  @Test
  void overlongLinesAreCountedAndTheNextFrameParses() {
    String longest = "T1FFFFFFF81122334455667788EA5F";
    assertEquals(SlcanParser.MAX_LINE_LENGTH, longest.length());

    parse(longest + "0\r" + "t1230" + "123456\r" + "z1\r" + "F000\r" + "V12345\r" + longest + "\r");

    assertEquals(5, parser.stats().count(Kind.OVERLONG));
    assertEquals(31 + 11 + 2 + 4 + 6, parser.stats().discardedBytes());
    assertEquals(1, recorder.frames.size());
    assertEquals(59_999, recorder.frames.get(0).timestampMs());
  }

  @Test
  void linesCutShortAreCountedAndTheNextFrameParses() {
    // cut by CR: no DLC; 2 of 4 timestamp digits; 1 of 2 data bytes; F with one digit; short V
    parse("t12\r" + "t1230EA\r" + "t12321\r" + "F0\r" + "V10\r"
        // cut by the start of the next frame, or by a BEL (which is still an error reply)
        + "t1238112233" + "T000004561FF\r" + "t123\u0007" + "t4560\r");

    assertEquals(7, parser.stats().count(Kind.TRUNCATED));
    assertEquals(List.of(CanFrame.of(0x456, true, (byte) 0xFF), CanFrame.of(0x456, false)),
        recorder.frames);
    assertEquals(1, recorder.events.stream().filter("ERROR"::equals).count());
  }

  @Test
  void lineFeedsBetweenLinesAreIgnored() {
    parse("t1230\r\n" + "\n" + "F00\r\n");

    assertEquals(List.of(CanFrame.of(0x123, false).toString(), "status 0"), recorder.events);
    assertEquals(0, parser.stats().discardedLines());
  }

  @Test
  void resetDropsAPartialLineAndTheTimestampHistory() {
    parse("t12300100\r" + "t1238");
    parser.reset();
    parse("t12300005\r");

    assertEquals(List.of(256L, 5L), recorder.frames.stream().map(CanFrame::timestampMs).toList());
    assertEquals(0, parser.stats().discardedLines());
  }

  @Test
  void parsingRepliesAndBadLinesAllocatesNothing() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    SlcanParser quiet = new SlcanParser(new SlcanListener() {});
    byte[] input =
        ascii("z\rZ\r\r\u0007t12G0\rxyz\rt1238112233t8000\r" + "T" + "1".repeat(40) + "\r");
    for (int i = 0; i < 1_000; i++) {
      quiet.feed(input);
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      quiet.feed(input);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    // 10000 * 75 bytes fed; one small object per byte would be over 10 MB
    assertTrue(allocated < 100_000, allocated + " bytes allocated");
    assertEquals(11_000 * 5, quiet.stats().discardedLines());
  }
  @Test
  void parsingFramesAllocatesNothingForARawFrameListener() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] sum = new long[1];
    SlcanParser raw = new SlcanParser(new SlcanListener() {
      @Override
      public void onRawFrame(int id, boolean extended, boolean remote, int dlc, long data,
          long timestampMs) {
        sum[0] += id + data + timestampMs;
      }
    });
    byte[] input = ascii("t1238112233445566778812AB\rT1ABCDEF02AABB\rr7FF0\r");
    for (int i = 0; i < 1_000; i++) {
      raw.feed(input);
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      raw.feed(input);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    // 30000 frames; one CanFrame each would be over 1 MB
    assertTrue(allocated < 100_000, allocated + " bytes allocated");
    assertTrue(sum[0] != 0);
    assertEquals(0, raw.stats().discardedLines());
  }
}
