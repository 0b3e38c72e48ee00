package io.evedge.agent.outbox;

import io.evedge.proto.OutboxEntry;
import io.evedge.proto.OutboxState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.tinylog.Logger;

/**
 * The outbox on disk: entries appended to segment files {@code seg-<first sequence>.log}, each entry
 * framed as {@code length (4 bytes, big-endian) | CRC-32C of the payload (4) | payload} where the
 * payload is an {@link OutboxEntry}; and {@code state.pb}, an {@link OutboxState} saying up to which
 * sequence everything is acknowledged, replaced atomically (write, fsync, rename).
 *
 * <p>An append is on disk (fsync) when {@link #append} returns. A segment is deleted only once every
 * entry in it is acknowledged in a durable state file, so a sequence number is never handed out
 * twice. On open, a torn or corrupt tail of a segment (a crash mid-append) is cut off and logged; the
 * entries before it are kept. Not thread-safe: the {@link Outbox} drives it from one thread.
 */
final class OutboxLog implements AutoCloseable {

  static final int HEADER = 8;
  /** An entry larger than this is refused (a record is a few kB). */
  static final int MAX_ENTRY = 16 * 1024 * 1024;

  /** Where one pending entry is. */
  record Slot(long sequence, String id, long segment, long offset, int length, long enqueuedMillis) {}

  private final Path dir;
  private final long segmentBytes;
  // first sequence of a segment -> its channel (opened for reading and, the last one, appending)
  private final TreeMap<Long, FileChannel> segments = new TreeMap<>();
  private final TreeMap<Long, Long> lastSequence = new TreeMap<>();
  private long activeFirst = -1;
  private long activeSize;
  private OutboxState state;
  private long durableAckedThrough;
  private final List<Slot> recovered = new ArrayList<>();
  private long truncatedBytes;

  private OutboxLog(Path dir, long segmentBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
  }

  /** Opens (creating) the outbox in {@code dir}, recovering what it holds. */
  static OutboxLog open(Path dir, long segmentBytes) throws IOException {
    Files.createDirectories(dir);
    OutboxLog log = new OutboxLog(dir, segmentBytes);
    log.recover();
    return log;
  }

  private void recover() throws IOException {
    Path statePath = dir.resolve("state.pb");
    state = OutboxState.getDefaultInstance();
    if (Files.exists(statePath)) {
      try {
        state = OutboxState.parseFrom(Files.readAllBytes(statePath));
      } catch (IOException e) {
        Logger.error("Outbox state {} is unreadable ({}); every entry on disk is sent again", statePath,
            e.getMessage());
      }
    }
    durableAckedThrough = state.getAckedThrough();
    Files.deleteIfExists(dir.resolve("state.tmp"));
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "seg-*.log")) {
      ds.forEach(files::add);
    }
    files.sort(null);
    long maxSeq = 0;
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      long first = Long.parseLong(f.getFileName().toString().substring(4, 24));
      FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
      long size = ch.size();
      long pos = 0;
      long last = first - 1;
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      while (pos < size) {
        header.clear();
        if (size - pos < HEADER || readFully(ch, header, pos) < HEADER) {
          break;
        }
        header.flip();
        int len = header.getInt();
        int crc = header.getInt();
        if (len <= 0 || len > MAX_ENTRY || pos + HEADER + len > size) {
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        readFully(ch, payload, pos + HEADER);
        CRC32C c = new CRC32C();
        c.update(payload.array(), 0, len);
        if ((int) c.getValue() != crc) {
          break;
        }
        OutboxEntry e;
        try {
          e = OutboxEntry.parseFrom(payload.array());
        } catch (IOException ex) {
          break;
        }
        last = e.getSequence();
        maxSeq = Math.max(maxSeq, last);
        if (e.getSequence() > durableAckedThrough) {
          recovered.add(new Slot(e.getSequence(), e.getRecord().getId(), first, pos, len,
              e.getEnqueued().getSeconds() * 1000 + e.getEnqueued().getNanos() / 1_000_000));
        }
        pos += HEADER + len;
      }
      if (pos < size) {
        truncatedBytes += size - pos;
        Logger.warn("Outbox segment {}: {} bytes after offset {} are torn or corrupt (a crash mid-write?); cut off",
            f, size - pos, pos);
        ch.truncate(pos);
        ch.force(true);
      }
      if (last < first && i < files.size() - 1) {
        ch.close();
        Files.delete(f);
        continue;
      }
      segments.put(first, ch);
      lastSequence.put(first, last);
      if (i == files.size() - 1) {
        activeFirst = first;
        activeSize = pos;
      }
    }
    long next = Math.max(Math.max(state.getNextSequence(), maxSeq + 1), durableAckedThrough + 1);
    state = state.toBuilder().setNextSequence(Math.max(next, 1)).build();
  }

  /** Entries not yet acknowledged, found on open, in sequence order. */
  List<Slot> recovered() {
    return recovered;
  }

  /** Bytes cut off on open as torn or corrupt. */
  long truncatedBytes() {
    return truncatedBytes;
  }

  OutboxState state() {
    return state;
  }

  /** The sequence the next entry gets. */
  long nextSequence() {
    return state.getNextSequence();
  }

  /** Appends {@code entry} (whose sequence must be {@link #nextSequence()}) and syncs it to disk. */
  Slot append(OutboxEntry entry, long enqueuedMillis) throws IOException {
    byte[] payload = entry.toByteArray();
    if (payload.length > MAX_ENTRY) {
      throw new IOException("record " + entry.getRecord().getId() + " is " + payload.length
          + " bytes, more than an outbox entry may be (" + MAX_ENTRY + ")");
    }
    long seq = entry.getSequence();
    if (activeFirst < 0 || activeSize >= segmentBytes) {
      roll(seq);
    }
    FileChannel ch = segments.get(activeFirst);
    CRC32C c = new CRC32C();
    c.update(payload);
    ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length);
    frame.putInt(payload.length).putInt((int) c.getValue()).put(payload).flip();
    long offset = activeSize;
    while (frame.hasRemaining()) {
      ch.write(frame, offset + frame.position());
    }
    ch.force(false);
    activeSize += HEADER + payload.length;
    lastSequence.put(activeFirst, seq);
    state = state.toBuilder().setNextSequence(seq + 1).build();
    return new Slot(seq, entry.getRecord().getId(), activeFirst, offset, payload.length, enqueuedMillis);
  }

  private void roll(long firstSeq) throws IOException {
    Path f = dir.resolve(String.format("seg-%020d.log", firstSeq));
    FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    segments.put(firstSeq, ch);
    lastSequence.put(firstSeq, firstSeq - 1);
    activeFirst = firstSeq;
    activeSize = 0;
    syncDir();
  }

  /** Reads the entry at {@code slot}. */
  OutboxEntry read(Slot slot) throws IOException {
    FileChannel ch = segments.get(slot.segment());
    if (ch == null) {
      throw new IOException("outbox segment of entry " + slot.sequence() + " is gone");
    }
    ByteBuffer b = ByteBuffer.allocate(slot.length());
    if (readFully(ch, b, slot.offset() + HEADER) < slot.length()) {
      throw new IOException("outbox entry " + slot.sequence() + " is cut short");
    }
    return OutboxEntry.parseFrom(b.array());
  }

  /**
   * Records {@code ackedThrough} and {@code recentIds} durably, then deletes the segments every entry
   * of which is acknowledged.
   */
  void saveState(long ackedThrough, List<String> recentIds) throws IOException {
    OutboxState next = state.toBuilder().setAckedThrough(ackedThrough).clearRecentIds().addAllRecentIds(recentIds)
        .build();
    Path tmp = dir.resolve("state.tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(next.toByteArray());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, dir.resolve("state.pb"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDir();
    state = next;
    durableAckedThrough = ackedThrough;
    // delete fully acknowledged segments; the active one too once it is full
    while (!segments.isEmpty()) {
      long first = segments.firstKey();
      boolean active = first == activeFirst;
      if (lastSequence.get(first) > durableAckedThrough || (active && activeSize < segmentBytes)) {
        break;
      }
      segments.remove(first).close();
      lastSequence.remove(first);
      Files.deleteIfExists(dir.resolve(String.format("seg-%020d.log", first)));
      if (active) {
        activeFirst = -1;
        activeSize = 0;
      }
    }
  }

  /** Bytes of all segment files. */
  long diskBytes() throws IOException {
    long sum = 0;
    for (FileChannel ch : segments.values()) {
      sum += ch.size();
    }
    return sum;
  }

  private void syncDir() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not every file system lets a directory be synced
    }
  }

  private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    int total = 0;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    for (FileChannel ch : segments.values()) {
      ch.close();
    }
    segments.clear();
  }
}
