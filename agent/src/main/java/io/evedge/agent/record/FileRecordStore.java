package io.evedge.agent.record;

import com.google.protobuf.InvalidProtocolBufferException;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.DailyChargeSummary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tinylog.Logger;

/**
 * The record store on disk: one file per local date ({@code YYYY-MM-DD.rec}, by the record's start
 * in the agent's time zone) of {@link FrameCodec} frames, each a serialized {@link ChargeRecord}.
 * An append is written and synced (file and, for a new file, its directory) before it returns; an id
 * already stored is not stored again, so a recovery may safely repeat an append.
 *
 * <p>An index of every record (id, start, date, energy, kind; a few dozen bytes each) is kept in
 * memory and rebuilt from the files at start; queries read only the records of the page asked for.
 * Retention deletes whole days: those older than {@code retentionDays} before the newest record's
 * date (the newest record, not the clock, so a clock that is far off deletes nothing), then the
 * oldest days while the files take more than {@code retentionBytes}. Corrupt or torn frames are
 * skipped and counted, never fatal. Thread-safe.
 */
public final class FileRecordStore implements RecordStore {

  /** Suffix of a record file. */
  static final String SUFFIX = ".rec";

  private final Path dir;
  private final ZoneId zone;
  private final int retentionDays;
  private final long retentionBytes;
  /** Ascending by start, then sequence. */
  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();
  private final TreeMap<LocalDate, Long> fileBytes = new TreeMap<>();
  private int corruptFrames;

  /** Where the daily totals put a record's energy. */
  enum Kind { HOME, OTHER, SUPER_CHARGER }

  private record Entry(String id, Instant start, long sequence, LocalDate date, double energyKWh, Kind kind,
      LocalDate fileDate, long payloadOffset, int length) {}

  private static final Comparator<Entry> ORDER =
      Comparator.comparing(Entry::start).thenComparingLong(Entry::sequence).thenComparing(Entry::id);

  /** Opens (creating) the store in {@code dir} and indexes what is there. */
  public FileRecordStore(Path dir, ZoneId zone, int retentionDays, long retentionBytes) throws IOException {
    this.dir = dir;
    this.zone = zone;
    this.retentionDays = retentionDays;
    this.retentionBytes = retentionBytes;
    Files.createDirectories(dir);
    scan();
    applyRetention();
  }

  private void scan() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        LocalDate fileDate = fileDate(f);
        if (fileDate == null) {
          Logger.warn("Record store: ignoring {}, not a YYYY-MM-DD{} file", f, SUFFIX);
          continue;
        }
        byte[] data = Files.readAllBytes(f);
        fileBytes.put(fileDate, (long) data.length);
        FrameCodec.Result frames = FrameCodec.read(data);
        if (!frames.clean()) {
          corruptFrames += frames.skippedRegions();
          Logger.warn("Record store: {} has {} bad byte(s) in {} place(s), skipped", f, frames.skippedBytes(),
              frames.skippedRegions());
        }
        for (FrameCodec.Frame fr : frames.frames()) {
          ChargeRecord r;
          try {
            r = ChargeRecord.parseFrom(fr.payload());
          } catch (InvalidProtocolBufferException e) {
            corruptFrames++;
            Logger.warn("Record store: a frame at offset {} of {} is not a record: {}", fr.start(), f, e.getMessage());
            continue;
          }
          if (ids.add(r.getId())) {
            entries.add(entry(r, fileDate, fr.start() + FrameCodec.HEADER, fr.payload().length));
          }
        }
      }
    }
    entries.sort(ORDER);
    Logger.debug("Record store {}: {} record(s) in {} file(s)", dir, entries.size(), fileBytes.size());
  }

  private static LocalDate fileDate(Path f) {
    String name = f.getFileName().toString();
    try {
      return LocalDate.parse(name.substring(0, name.length() - SUFFIX.length()));
    } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The instant a record is filed and ordered by: its start, else its end, else its plug-in. */
  static Instant start(ChargeRecord r) {
    if (r.hasStartTime()) {
      return RecordBuilder.instant(r.getStartTime());
    }
    if (r.hasEndTime()) {
      return RecordBuilder.instant(r.getEndTime());
    }
    if (r.hasPluggedInTime()) {
      return RecordBuilder.instant(r.getPluggedInTime());
    }
    return Instant.EPOCH;
  }

  static Kind kind(ChargeRecord r) {
    if (r.getIsPublicCharger() && "DC".equals(r.getChargingType())) {
      return Kind.SUPER_CHARGER;
    }
    return r.getAtHome() ? Kind.HOME : Kind.OTHER;
  }

  private Entry entry(ChargeRecord r, LocalDate fileDate, long payloadOffset, int length) {
    Instant start = start(r);
    return new Entry(r.getId(), start, r.getSequence(), start.atZone(zone).toLocalDate(), r.getEnergyAdded(),
        kind(r), fileDate, payloadOffset, length);
  }

  @Override
  public synchronized void append(ChargeRecord record) throws IOException {
    if (record.getId().isEmpty()) {
      throw new IllegalArgumentException("a record needs an id");
    }
    if (ids.contains(record.getId())) {
      Logger.debug("Record store: {} is already stored", record.getId());
      return;
    }
    LocalDate date = start(record).atZone(zone).toLocalDate();
    Path file = file(date);
    boolean created = !Files.exists(file);
    byte[] payload = record.toByteArray();
    byte[] frame = FrameCodec.frame(payload);
    long offset;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      offset = ch.size();
      ByteBuffer b = ByteBuffer.wrap(frame);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    if (created) {
      Fsync.directory(dir);
    }
    fileBytes.merge(date, (long) frame.length, Long::sum);
    Entry e = entry(record, date, offset + FrameCodec.HEADER, payload.length);
    int at = java.util.Collections.binarySearch(entries, e, ORDER);
    entries.add(at < 0 ? -at - 1 : at, e);
    ids.add(record.getId());
    applyRetention();
  }

  private Path file(LocalDate date) {
    return dir.resolve(date + SUFFIX);
  }

  private void applyRetention() {
    if (fileBytes.isEmpty()) {
      return;
    }
    LocalDate newest = entries.isEmpty() ? fileBytes.lastKey() : entries.get(entries.size() - 1).date();
    newest = newest.isAfter(fileBytes.lastKey()) ? newest : fileBytes.lastKey();
    LocalDate oldestKept = newest.minusDays(retentionDays - 1L);
    while (!fileBytes.isEmpty() && fileBytes.firstKey().isBefore(oldestKept)) {
      delete(fileBytes.firstKey(), "older than " + retentionDays + " day(s)");
    }
    while (fileBytes.size() > 1 && total() > retentionBytes) {
      delete(fileBytes.firstKey(), "the store exceeds " + retentionBytes + " bytes");
    }
  }

  private long total() {
    long sum = 0;
    for (long b : fileBytes.values()) {
      sum += b;
    }
    return sum;
  }

  private void delete(LocalDate date, String why) {
    try {
      Files.deleteIfExists(file(date));
      Logger.info("Record store: deleted the records of {} ({})", date, why);
    } catch (IOException e) {
      Logger.error("Record store: cannot delete {}: {}", file(date), e.getMessage());
    }
    fileBytes.remove(date);
    entries.removeIf(e -> {
      if (e.fileDate().equals(date)) {
        ids.remove(e.id());
        return true;
      }
      return false;
    });
  }

  @Override
  public synchronized RecordPage query(LocalDate startDate, LocalDate endDate, int page, int pageSize)
      throws IOException {
    if (page < 1 || pageSize < 1) {
      throw new IllegalArgumentException("page and page size start at 1, got page " + page + ", size " + pageSize);
    }
    List<Entry> matching = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      if (!e.date().isBefore(startDate) && !e.date().isAfter(endDate)) {
        matching.add(e);
      }
    }
    long from = (long) (page - 1) * pageSize;
    List<ChargeRecord> out = new ArrayList<>();
    for (long i = from; i < Math.min(matching.size(), from + pageSize); i++) {
      ChargeRecord r = read(matching.get((int) i));
      if (r != null) {
        out.add(r);
      }
    }
    return new RecordPage(out, matching.size() > from + pageSize);
  }

  @Override
  public synchronized List<DailyChargeSummary> daily(LocalDate startDate, LocalDate endDate) {
    Map<LocalDate, double[]> sums = new TreeMap<>();
    for (Entry e : entries) {
      if (e.date().isBefore(startDate) || e.date().isAfter(endDate)) {
        continue;
      }
      double[] s = sums.computeIfAbsent(e.date(), d -> new double[3]);
      s[e.kind().ordinal()] += e.energyKWh();
    }
    List<DailyChargeSummary> out = new ArrayList<>();
    for (Map.Entry<LocalDate, double[]> d : sums.entrySet()) {
      double[] s = d.getValue();
      out.add(DailyChargeSummary.newBuilder()
          .setDate(RecordBuilder.timestamp(d.getKey().atStartOfDay(zone).toInstant()))
          .setHome(RecordBuilder.round(s[0], 6))
          .setOther(RecordBuilder.round(s[1], 6))
          .setSuperCharger(RecordBuilder.round(s[2], 6))
          .setTotal(RecordBuilder.round(s[0] + s[1] + s[2], 6))
          .build());
    }
    return out;
  }

  @Override
  public synchronized List<ChargeRecord> latest(int n) throws IOException {
    List<ChargeRecord> out = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0 && out.size() < n; i--) {
      ChargeRecord r = read(entries.get(i));
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  /** Whether a record with this id is stored. */
  public synchronized boolean contains(String id) {
    return ids.contains(id);
  }

  /** Number of records stored. */
  public synchronized int size() {
    return entries.size();
  }

  /** Bytes the record files take. */
  public synchronized long bytes() {
    return total();
  }

  /** Bad frames met since the store was opened. */
  public synchronized int corruptFrames() {
    return corruptFrames;
  }

  /** The highest sequence number stored, 0 when empty. */
  public synchronized long maxSequence() {
    long max = 0;
    for (Entry e : entries) {
      max = Math.max(max, e.sequence());
    }
    return max;
  }

  private ChargeRecord read(Entry e) throws IOException {
    byte[] payload = new byte[e.length()];
    try (FileChannel ch = FileChannel.open(file(e.fileDate()), StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.wrap(payload);
      long pos = e.payloadOffset();
      while (b.hasRemaining()) {
        int n = ch.read(b, pos);
        if (n < 0) {
          throw new IOException("record " + e.id() + " is cut short in " + file(e.fileDate()));
        }
        pos += n;
      }
    }
    try {
      return ChargeRecord.parseFrom(payload);
    } catch (InvalidProtocolBufferException ex) {
      Logger.warn("Record store: record {} in {} no longer reads: {}", e.id(), file(e.fileDate()), ex.getMessage());
      return null;
    }
  }
}
