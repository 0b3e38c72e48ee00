package io.evedge.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.record.FrameCodec;
import io.evedge.proto.JournalEntry;
import io.evedge.proto.JournalSample;
import io.evedge.proto.SampleBatch;
import java.io.ByteArrayOutputStream;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.SessionDetection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal whose last entry was cut by a power cut at every byte offset, or whose bits flipped:
 * the recorder starts without an exception and recovers the session as the entries before the bad
 * one left it; a bad entry in the middle costs that entry only.
 */
class JournalCorruptionTest {

  @TempDir
  Path dir;

  private byte[] journal;
  private List<FrameCodec.Frame> frames;

  /** A journal of a real session: plugged in, charging with a pause, killed mid-charge. */
  @BeforeEach
  void writeJournal() throws Exception {
    Path source = dir.resolve("source");
    Rig rig = new Rig(source, SessionDetection.SESSION_DETECTION_EVSE, "session: {journal_sync_s: 5}");
    rig.cp = "B";
    rig.run(Duration.ofSeconds(20));
    rig.cp = "C";
    rig.setPower(11_000);
    rig.run(Duration.ofMinutes(2));
    rig.setPower(0);
    rig.run(Duration.ofSeconds(30));
    rig.setPower(7_000);
    rig.run(Duration.ofSeconds(62));
    rig.kill();
    journal = Files.readAllBytes(source.resolve("session").resolve("journal"));
    frames = FrameCodec.read(journal).frames();
    assertTrue(frames.size() > 20, "a journal of " + frames.size() + " entries");
    assertEquals(journal.length, frames.get(frames.size() - 1).end(), "a clean journal to begin with");
  }

  /** What a recorder recovers from {@code bytes}: state, energy, times and ring. */
  private String recover(byte[] bytes, String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d.resolve("session"));
    Files.write(d.resolve("session").resolve("journal"), bytes);
    Rig rig = new Rig(d, SessionDetection.SESSION_DETECTION_EVSE, "session: {journal_sync_s: 5}");
    Session s = rig.recorder.session();
    rig.kill();
    if (s == null) {
      return "none";
    }
    StringBuilder ring = new StringBuilder();
    for (int i = 0; i < s.ring.size(); i++) {
      ring.append(s.ring.time(i)).append(':').append(s.ring.get(i, SampleRing.P)).append(' ');
    }
    return s.id + " " + s.state + " " + s.energy.toProto() + " first " + s.firstChargeT + " stints "
        + s.chargingNanos + " last " + s.lastSampleT + " stride " + s.ring.stride() + " ring " + ring;
  }

  @Test
  void theLastEntryCutAtEveryByteOffsetLosesThatEntryOnly() throws Exception {
    FrameCodec.Frame last = frames.get(frames.size() - 1);
    String expected = recover(Arrays.copyOf(journal, last.start()), "expected");
    String whole = recover(journal, "whole");
    assertTrue(!expected.equals(whole), "the last entry matters");
    assertTrue(expected.contains("CHARGING"), expected);
    for (int cut = last.start() + 1; cut < last.end(); cut++) {
      assertEquals(expected, recover(Arrays.copyOf(journal, cut), "cut-" + cut), "cut at byte " + cut);
    }
  }

  @Test
  void everyFlippedBitOfTheLastEntryLosesThatEntryOnly() throws Exception {
    FrameCodec.Frame last = frames.get(frames.size() - 1);
    String expected = recover(Arrays.copyOf(journal, last.start()), "expected");
    for (int i = last.start(); i < last.end(); i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] copy = journal.clone();
        copy[i] ^= (byte) (1 << bit);
        assertEquals(expected, recover(copy, "flip-" + i + "-" + bit), "bit " + bit + " of byte " + i + " flipped");
      }
    }
  }

  @Test
  void aCorruptEntryInTheMiddleCostsThatEntryOnly() throws Exception {
    String whole = recover(journal, "whole");
    // a checkpoint in the middle: a later one supersedes it, so nothing is lost
    int middle = frames.size() / 2;
    while (!io.evedge.proto.JournalEntry.parseFrom(frames.get(middle).payload()).hasCheckpoint()) {
      middle++;
    }
    byte[] copy = journal.clone();
    copy[frames.get(middle).start() + FrameCodec.HEADER + 3] ^= 0x10;
    assertEquals(whole, recover(copy, "middle"));
  }

  /** Versions before sample batches wrote one entry per sample: such a journal is recovered the same. */
  @Test
  void oneEntryPerSampleAsEarlierVersionsWroteIsRecoveredTheSame() throws Exception {
    ByteArrayOutputStream old = new ByteArrayOutputStream();
    int batches = 0;
    for (FrameCodec.Frame f : frames) {
      JournalEntry e = JournalEntry.parseFrom(f.payload());
      if (!e.hasSamples()) {
        old.writeBytes(FrameCodec.frame(f.payload()));
        continue;
      }
      batches++;
      SampleBatch b = e.getSamples();
      for (int k = 0; k < b.getTCount(); k++) {
        int o = k * SampleRing.FIELDS;
        old.writeBytes(Journal.frame(JournalEntry.newBuilder().setSample(JournalSample.newBuilder().setT(b.getT(k))
            .setV1(b.getValues(o + SampleRing.V1)).setV2(b.getValues(o + SampleRing.V2))
            .setV3(b.getValues(o + SampleRing.V3)).setI1(b.getValues(o + SampleRing.I1))
            .setI2(b.getValues(o + SampleRing.I2)).setI3(b.getValues(o + SampleRing.I3))
            .setP(b.getValues(o + SampleRing.P)).setE(b.getValues(o + SampleRing.E))
            .setSoc(b.getValues(o + SampleRing.SOC))).build()));
      }
    }
    assertTrue(batches > 10, batches + " sample batches");
    assertEquals(recover(journal, "batched"), recover(old.toByteArray(), "one-per-sample"));
  }

  /** A batch whose values do not come nine to a sample (no version writes one) is skipped, nothing else. */
  @Test
  void aSampleBatchThatIsNotWholeIsSkipped() throws Exception {
    int middle = frames.size() / 2;
    while (JournalEntry.parseFrom(frames.get(middle).payload()).getSamples().getTCount() < 2) {
      middle++;
    }
    FrameCodec.Frame bad = frames.get(middle);
    SampleBatch b = JournalEntry.parseFrom(bad.payload()).getSamples();
    SampleBatch shorter = b.toBuilder().clearValues().addAllValues(b.getValuesList().subList(0, b.getValuesCount() - 1))
        .build();
    byte[] without = concat(Arrays.copyOf(journal, bad.start()), Arrays.copyOfRange(journal, bad.end(), journal.length));
    byte[] broken = concat(Arrays.copyOf(journal, bad.start()),
        Journal.frame(JournalEntry.newBuilder().setSamples(shorter).build()),
        Arrays.copyOfRange(journal, bad.end(), journal.length));
    String expected = recover(without, "without");
    assertTrue(!expected.equals(recover(journal, "whole")), "the batch matters");
    assertEquals(expected, recover(broken, "broken"));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void aZeroFilledOrGarbageTailIsSkipped() throws Exception {
    String whole = recover(journal, "whole");
    byte[] zeros = Arrays.copyOf(journal, journal.length + 4096);
    assertEquals(whole, recover(zeros, "zeros"), "a power cut can leave a tail of zeros");
    byte[] garbage = Arrays.copyOf(journal, journal.length + 300);
    for (int i = journal.length; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31 + 7);
    }
    assertEquals(whole, recover(garbage, "garbage"));
  }

  @Test
  void nothingUsableIsNoSessionAndNoCrash() throws Exception {
    assertEquals("none", recover(new byte[0], "empty"));
    assertEquals("none", recover(new byte[] {(byte) 0xE5, (byte) 0xD6, 0, 0}, "torn-header"));
    byte[] noise = new byte[10_000];
    new java.util.SplittableRandom(11).nextBytes(noise);
    assertEquals("none", recover(noise, "noise"));
  }

  @Test
  void theRecoveredSessionEndsInOneRecord() throws Exception {
    FrameCodec.Frame last = frames.get(frames.size() - 1);
    Path d = dir.resolve("resume");
    Files.createDirectories(d.resolve("session"));
    Files.write(d.resolve("session").resolve("journal"), Arrays.copyOf(journal, last.start() + 7));
    Rig rig = new Rig(d, SessionDetection.SESSION_DETECTION_EVSE, "session: {journal_sync_s: 5}");
    rig.cp = "C";
    rig.setPower(7_000);
    rig.run(Duration.ofMinutes(5));
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    assertTrue(r.getInterrupted());
    assertTrue(r.getEnergyAdded() > 0.5, r.toString());
  }
}
