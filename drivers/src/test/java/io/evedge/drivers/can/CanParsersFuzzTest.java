package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.testing.Fuzz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests that throw a million random and mutated lines at the SLCAN parser (100 tries of
 * 10,000 lines, split into chunks of every size) and random and mutated text at the DBC parser:
 * no exception escapes, every intact frame still parses in order whatever surrounds it, the
 * counters agree with the events, and memory stays bounded (an endless line costs nothing).
 * Each try draws a fresh seed; a failure names its seed, which replays it ({@link Fuzz}).
 */
class CanParsersFuzzTest {

  private static final int LINES_PER_TRY = 10_000;

  /** Valid lines an adapter sends, without their CR. */
  private static final String[] VALID = {
      "t25D81534402000000000", "t1020", "T18FF50E5808FC00A004500000", "r7FF8", "R1FFFFFFF0",
      "t3D2825030000000000001234", "T00000001181", "F00", "FA0", "V1013", "NEVS1", "z", "Z", ""};

  private static final byte[] ALPHABET =
      "tTrRFVNzZ0123456789ABCDEFabcdefG\r\n\u0007 xX".getBytes(StandardCharsets.ISO_8859_1);

  /** What the parser reported; frames kept as their text to compare with what was sent. */
  private static final class Recorder implements SlcanListener {
    final List<CanFrame> frames = new ArrayList<>();
    long discards;
    long events;

    @Override
    public void onFrame(CanFrame frame) {
      frames.add(frame);
      events++;
    }

    @Override
    public void onOk() {
      events++;
    }

    @Override
    public void onError() {
      events++;
    }

    @Override
    public void onStatus(SlcanStatus status) {
      events++;
    }

    @Override
    public void onVersion(String version) {
      events++;
    }

    @Override
    public void onSerialNumber(String serialNumber) {
      events++;
    }

    @Override
    public void onTransmitted(boolean extended) {
      events++;
    }

    @Override
    public void onDiscarded(SlcanStats.Kind kind) {
      discards++;
    }
  }

  @Test
  void slcanParserSurvivesRandomAndMutatedLines() {
    Fuzz.tries(100, CanParsersFuzzTest::slcanTry);
  }

  private static void slcanTry(SplittableRandom random) {
    // chunks of 1 byte (a split at every boundary) in one try of ten, else of up to 1..200 bytes
    int maxChunk = random.nextInt(10) == 0 ? 1 : 1 + random.nextInt(200);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    List<CanFrame> intact = new ArrayList<>();
    for (int i = 0; i < LINES_PER_TRY; i++) {
      byte[] line;
      int kind = random.nextInt(3);
      if (kind == 0) {
        String v = VALID[random.nextInt(VALID.length)];
        line = v.getBytes(StandardCharsets.US_ASCII);
        if (!v.isEmpty() && "tTrR".indexOf(v.charAt(0)) >= 0) {
          intact.add(frameOf(v));
        }
      } else if (kind == 1) {
        line = mutate(VALID[random.nextInt(VALID.length)].getBytes(StandardCharsets.US_ASCII), random);
      } else {
        line = new byte[random.nextInt(60)];
        for (int j = 0; j < line.length; j++) {
          line[j] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : ALPHABET[random.nextInt(ALPHABET.length)];
        }
      }
      stream.writeBytes(line);
      stream.write('\r');
    }
    byte[] input = stream.toByteArray();

    Recorder recorder = new Recorder();
    SlcanParser parser = new SlcanParser(recorder);
    for (int off = 0; off < input.length; ) {
      int n = Math.min(input.length - off, 1 + random.nextInt(maxChunk));
      parser.feed(input, off, n);
      off += n;
    }

    assertEquals(recorder.discards, parser.stats().discardedLines());
    assertTrue(recorder.events + recorder.discards >= LINES_PER_TRY, "every terminated line is accounted for");
    // the intact frame lines come out unchanged and in order, whatever came between them
    int found = 0;
    for (CanFrame f : recorder.frames) {
      if (found < intact.size() && sameFrame(f, intact.get(found))) {
        found++;
      }
    }
    assertEquals(intact.size(), found, "intact frames parsed, in order");
  }

  /** Since the previous line ends in CR, an intact line always parses; timestamps are relative. */
  private static boolean sameFrame(CanFrame got, CanFrame wanted) {
    return got.id() == wanted.id() && got.extended() == wanted.extended() && got.remote() == wanted.remote()
        && got.dlc() == wanted.dlc() && got.data() == wanted.data()
        && got.hasTimestamp() == wanted.hasTimestamp();
  }

  private static CanFrame frameOf(String line) {
    List<CanFrame> out = new ArrayList<>();
    new SlcanParser(new SlcanListener() {
      @Override
      public void onFrame(CanFrame frame) {
        out.add(frame);
      }
    }).feed((line + "\r").getBytes(StandardCharsets.US_ASCII));
    return out.get(0);
  }

  private static byte[] mutate(byte[] line, SplittableRandom random) {
    byte[] b = line;
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int op = random.nextInt(6);
      int at = b.length == 0 ? 0 : random.nextInt(b.length);
      switch (op) {
        case 0 -> { // flip a byte
          if (b.length > 0) {
            b = b.clone();
            b[at] = (byte) random.nextInt(256);
          }
        }
        case 1 -> { // insert a byte, terminators and frame starts included
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = ALPHABET[random.nextInt(ALPHABET.length)];
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
        }
        case 2 -> b = Arrays.copyOf(b, at); // cut short
        case 3 -> { // delete a byte
          if (b.length > 0) {
            byte[] c = new byte[b.length - 1];
            System.arraycopy(b, 0, c, 0, at);
            System.arraycopy(b, at + 1, c, at, b.length - at - 1);
            b = c;
          }
        }
        case 4 -> { // make it overlong
          byte[] c = Arrays.copyOf(b, b.length + 5 + random.nextInt(60));
          Arrays.fill(c, b.length, c.length, (byte) '0');
          b = c;
        }
        default -> { // two lines run together
          byte[] c = Arrays.copyOf(b, b.length * 2);
          System.arraycopy(b, 0, c, b.length, b.length);
          b = c;
        }
      }
    }
    return b;
  }

  @Test
  void anEndlessLineCostsNoMemory() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    SlcanParser parser = new SlcanParser(new SlcanListener() {});
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) '5');
    chunk[0] = 't';
    parser.feed(chunk);
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 1600; i++) {
      parser.feed(chunk);  // 100 MB without a CR
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    parser.feed(new byte[] {'\r'});
    assertTrue(allocated < 100_000, allocated + " bytes allocated for 100 MB of one line");
    assertEquals(1, parser.stats().count(SlcanStats.Kind.OVERLONG));
  }

  // --- DBC ---

  private static final String[] DBC_WORDS = {
      "BO_", "SG_", "VAL_", "CM_", "BA_", "BA_DEF_", "BA_DEF_DEF_", "SIG_VALTYPE_", "SG_MUL_VAL_", "NS_", "BU_",
      "BS_:", "VERSION", "\"GenMsgCycleTime\"", "M", "m1", "m2M", ":", "|", "@0+", "@1-", "(0.1,0)", "(-0.05,500)",
      "[0|0]", "[-40|215]", "\"V\"", "\"°C\"", "\"\\\"x\\\"\"", "Vector__XXX", ";", "2156314624", "3221225472",
      "541", "7|16@0+", "0|64@1+", "504|8@1+", "1e308", "-0", "NaN", "99999999999999999999", "\"", "\\", "\t"};

  @Test
  void dbcParserSurvivesRandomText() {
    Fuzz.tries(300, CanParsersFuzzTest::dbcTextTry);
  }

  private static void dbcTextTry(SplittableRandom random) {
    StringBuilder text = new StringBuilder();
    int lines = 1 + random.nextInt(80);
    for (int i = 0; i < lines; i++) {
      int words = random.nextInt(14);
      for (int w = 0; w < words; w++) {
        if (random.nextInt(10) == 0) {
          text.appendCodePoint(random.nextInt(0x3000));
        } else {
          text.append(DBC_WORDS[random.nextInt(DBC_WORDS.length)]);
        }
        text.append(random.nextInt(5) == 0 ? "" : " ");
      }
      text.append(random.nextBoolean() ? "\n" : random.nextBoolean() ? "\r\n" : "\r");
    }
    check(DbcParser.parse(text.toString()), text.toString());
  }

  @Test
  void dbcParserSurvivesMutatedRealFiles() {
    Fuzz.tries(300, CanParsersFuzzTest::dbcMutationTry);
  }

  private static void dbcMutationTry(SplittableRandom random) throws IOException {
    byte[] file;
    String name = random.nextBoolean() ? "/can/everything.dbc" : "/can/evedge-generic-ev.dbc";
    try (InputStream in = CanParsersFuzzTest.class.getResourceAsStream(name)) {
      file = in.readAllBytes();
    }
    byte[] b = file;
    int edits = 1 + random.nextInt(40);
    for (int e = 0; e < edits; e++) {
      b = mutate(b, random);
      if (b.length > 200_000) {
        b = Arrays.copyOf(b, 200_000);
      }
    }
    DbcDatabase db = DbcParser.parse(b);
    check(db, new String(b, StandardCharsets.ISO_8859_1));
  }

  /** Whatever the input, what loads is consistent and the warnings point into the file. */
  private static void check(DbcDatabase db, String text) {
    long lines = text.chars().filter(c -> c == '\n' || c == '\r').count() + 1;
    for (DbcWarning w : db.warnings()) {
      assertTrue(w.line() >= 1 && w.line() <= lines, w + " of " + lines + " lines");
    }
    for (DbcMessage m : db.messages()) {
      assertTrue(db.find(m.id(), m.extended()) == m);
      long data = m.dlc() == 0 ? 0 : 0x0123_4567_89AB_CDEFL & (-1L << (64 - 8 * Math.min(8, m.dlc())));
      for (DbcSignal s : m.signals()) {
        assertTrue(s.bytesNeeded() <= m.dlc(), s + " fits " + m.name());
        // decoding a frame the size of the message never throws
        if (m.dlc() <= 8 && s.isPresentIn(data, m.dlc())) {
          s.decode(data, m.dlc());
        }
      }
    }
  }
}
