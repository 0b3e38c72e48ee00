package io.evedge.agent.session;

import com.google.protobuf.InvalidProtocolBufferException;
import io.evedge.agent.record.FrameCodec;
import io.evedge.agent.record.Fsync;
import io.evedge.proto.JournalEntry;
import io.evedge.proto.JournalSample;
import io.evedge.proto.SampleBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.tinylog.Logger;

/**
 * The open session's journal: one file of {@link FrameCodec} frames, each a {@link JournalEntry}.
 * Entries are appended in batches, one write and one sync each (the ring's samples of one sync go
 * in one entry, a {@link SampleBatch}); a new session, and a journal grown
 * past its compaction size, rewrite the file atomically (temporary file, sync, rename). Reading skips
 * torn and corrupt frames. Used from one thread at a time (the recorder's I/O thread).
 */
final class Journal {

  private final Path file;

  Journal(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * The good entries of a journal file, in order, and what was skipped.
   *
   * @param skippedBytes bytes of torn or corrupt frames
   * @param unparsable frames with a good CRC that are no journal entry (written by another version)
   */
  record Contents(List<JournalEntry> entries, int skippedBytes, int skippedRegions, int unparsable) {}

  /** Reads {@code file}; a missing file is an empty journal. */
  static Contents read(Path file) throws IOException {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Contents(List.of(), 0, 0, 0);
    }
    FrameCodec.Result frames = FrameCodec.read(data);
    List<JournalEntry> entries = new ArrayList<>();
    int unparsable = 0;
    for (FrameCodec.Frame f : frames.frames()) {
      try {
        entries.add(JournalEntry.parseFrom(f.payload()));
      } catch (InvalidProtocolBufferException e) {
        unparsable++;
      }
    }
    if (!frames.clean() || unparsable > 0) {
      Logger.warn("Session journal {}: skipped {} bad byte(s) in {} place(s) and {} unreadable entr(ies)", file,
          frames.skippedBytes(), frames.skippedRegions(), unparsable);
    }
    return new Contents(entries, frames.skippedBytes(), frames.skippedRegions(), unparsable);
  }

  /** Adds sample {@code i} of {@code ring} to {@code batch}; allocates only when the batch grows. */
  static void add(SampleBatch.Builder batch, SampleRing ring, int i) {
    batch.addT(ring.time(i));
    for (int f = 0; f < SampleRing.FIELDS; f++) {
      batch.addValues(ring.get(i, f));
    }
  }

  /**
   * Replays a ring entry into {@code ring}: a reset empties it, a sample or a batch of samples is
   * inserted in order. Returns false, and inserts nothing, for a batch whose values are not nine for
   * each time.
   */
  static boolean replay(JournalEntry entry, SampleRing ring) {
    double[] sample = new double[SampleRing.FIELDS];
    switch (entry.getKindCase()) {
      case RING_RESET -> ring.reset(entry.getRingReset().getStride());
      case SAMPLE -> {
        JournalSample js = entry.getSample();
        sample[SampleRing.V1] = js.getV1();
        sample[SampleRing.V2] = js.getV2();
        sample[SampleRing.V3] = js.getV3();
        sample[SampleRing.I1] = js.getI1();
        sample[SampleRing.I2] = js.getI2();
        sample[SampleRing.I3] = js.getI3();
        sample[SampleRing.P] = js.getP();
        sample[SampleRing.E] = js.getE();
        sample[SampleRing.SOC] = js.getSoc();
        ring.insert(js.getT(), sample);
      }
      case SAMPLES -> {
        SampleBatch b = entry.getSamples();
        if ((long) b.getTCount() * SampleRing.FIELDS != b.getValuesCount()) {
          return false;
        }
        for (int k = 0; k < b.getTCount(); k++) {
          for (int f = 0; f < SampleRing.FIELDS; f++) {
            sample[f] = b.getValues(k * SampleRing.FIELDS + f);
          }
          ring.insert(b.getT(k), sample);
        }
      }
      default -> { }
    }
    return true;
  }

  static byte[] frame(JournalEntry entry) {
    return FrameCodec.frame(entry.toByteArray());
  }

  /** Appends the frames in one write and syncs. */
  void append(List<byte[]> frames) throws IOException {
    boolean created = !Files.exists(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer b = ByteBuffer.wrap(concat(frames));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(false);
    }
    if (created) {
      Fsync.directory(file.getParent());
    }
  }

  /** Replaces the journal with exactly these frames, atomically. */
  void rewrite(List<byte[]> frames) throws IOException {
    Fsync.replace(file, concat(frames));
  }

  /** Removes the journal: no session is open. */
  void delete() throws IOException {
    if (Files.deleteIfExists(file)) {
      Fsync.directory(file.getParent());
    }
  }

  private static byte[] concat(List<byte[]> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(f);
    }
    return out.toByteArray();
  }
}
