package io.evedge.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.proto.ChargeRecord;
import io.evedge.proto.DailyChargeSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record store on disk: dates, pages, daily totals, retention, reopening, corruption. */
class FileRecordStoreTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @TempDir
  Path dir;

  private static ChargeRecord record(int seq, String start, double kWh, boolean home, boolean publicDc) {
    Instant s = Instant.parse(start);
    return ChargeRecord.newBuilder().setId("cp-" + seq).setSequence(seq)
        .setStartTime(RecordBuilder.timestamp(s)).setEndTime(RecordBuilder.timestamp(s.plusSeconds(3600)))
        .setEnergyAdded(kWh).setAtHome(home).setIsPublicCharger(publicDc).setChargingType(publicDc ? "DC" : "AC")
        .build();
  }

  private FileRecordStore open() throws Exception {
    return new FileRecordStore(dir, BERLIN, 400, 64L << 20);
  }

  private static List<String> ids(List<ChargeRecord> rs) {
    return rs.stream().map(ChargeRecord::getId).toList();
  }

  @Test
  void pagesAreMostRecentFirstWithHasMoreData() throws Exception {
    FileRecordStore store = open();
    for (int i = 1; i <= 7; i++) {
      store.append(record(i, "2026-11-0" + i + "T10:00:00Z", i, true, false));
    }
    LocalDate from = LocalDate.parse("2026-11-01");
    LocalDate to = LocalDate.parse("2026-11-30");
    RecordStore.RecordPage p1 = store.query(from, to, 1, 3);
    assertEquals(List.of("cp-7", "cp-6", "cp-5"), ids(p1.records()));
    assertTrue(p1.hasMoreData());
    RecordStore.RecordPage p3 = store.query(from, to, 3, 3);
    assertEquals(List.of("cp-1"), ids(p3.records()));
    assertFalse(p3.hasMoreData());
    RecordStore.RecordPage p2 = store.query(from, to, 2, 3);
    assertEquals(List.of("cp-4", "cp-3", "cp-2"), ids(p2.records()));
    assertTrue(p2.hasMoreData(), "a last full page still has more after it");
    RecordStore.RecordPage p4 = store.query(from, to, 4, 3);
    assertTrue(p4.records().isEmpty());
    assertFalse(p4.hasMoreData());
    assertEquals(List.of("cp-7", "cp-6"), ids(store.latest(2)));
    assertThrows(IllegalArgumentException.class, () -> store.query(from, to, 0, 3));
  }

  @Test
  void datesAreLocalToTheAgentsTimeZoneAndInclusive() throws Exception {
    FileRecordStore store = open();
    // 23:30 UTC on the 3rd is 00:30 on the 4th in Berlin
    store.append(record(1, "2026-11-03T23:30:00Z", 1, true, false));
    store.append(record(2, "2026-11-03T22:30:00Z", 1, true, false));
    store.append(record(3, "2026-11-05T10:00:00Z", 1, true, false));
    assertEquals(List.of("cp-1"), ids(store.query(LocalDate.parse("2026-11-04"), LocalDate.parse("2026-11-04"), 1, 10)
        .records()));
    assertEquals(List.of("cp-3", "cp-1"), ids(store.query(LocalDate.parse("2026-11-04"), LocalDate.parse("2026-11-05"),
        1, 10).records()));
    assertTrue(Files.exists(dir.resolve("2026-11-04.rec")));
    assertTrue(Files.exists(dir.resolve("2026-11-03.rec")));
  }

  @Test
  void dailyTotalsSplitHomeOtherAndPublicDc() throws Exception {
    FileRecordStore store = open();
    store.append(record(1, "2026-07-10T06:00:00Z", 10, true, false));
    store.append(record(2, "2026-07-10T09:00:00Z", 15, false, false));
    store.append(record(3, "2026-07-10T13:40:27Z", 25, false, true));
    store.append(record(4, "2026-07-11T08:00:00Z", 5.5, true, false));
    store.append(record(5, "2026-07-20T08:00:00Z", 1, true, false));
    List<DailyChargeSummary> days = store.daily(LocalDate.parse("2026-07-10"), LocalDate.parse("2026-07-11"));
    assertEquals(2, days.size());
    DailyChargeSummary d = days.get(0);
    assertEquals(Instant.parse("2026-07-09T22:00:00Z"), RecordBuilder.instant(d.getDate()), "local midnight");
    assertEquals(10, d.getHome());
    assertEquals(15, d.getOther());
    assertEquals(25, d.getSuperCharger());
    assertEquals(50, d.getTotal());
    assertEquals(5.5, days.get(1).getTotal());
    assertEquals(5.5, days.get(1).getHome());
  }

  @Test
  void appendIsIdempotentByIdAndSurvivesReopening() throws Exception {
    FileRecordStore store = open();
    ChargeRecord r = record(1, "2026-11-01T10:00:00Z", 3, true, false);
    store.append(r);
    store.append(r);
    assertEquals(1, store.size());
    FileRecordStore again = open();
    assertEquals(1, again.size());
    again.append(r);
    assertEquals(1, again.size());
    assertEquals(r, again.latest(1).get(0));
    assertEquals(1, again.maxSequence());
  }

  @Test
  void aTornOrCorruptTailIsSkipped() throws Exception {
    FileRecordStore store = open();
    store.append(record(1, "2026-11-01T10:00:00Z", 3, true, false));
    store.append(record(2, "2026-11-01T12:00:00Z", 4, true, false));
    Path file = dir.resolve("2026-11-01.rec");
    byte[] half = FrameCodec.frame(record(3, "2026-11-01T14:00:00Z", 5, true, false).toByteArray());
    Files.write(file, java.util.Arrays.copyOf(half, half.length / 2), StandardOpenOption.APPEND);
    FileRecordStore reopened = open();
    assertEquals(2, reopened.size());
    assertEquals(1, reopened.corruptFrames());
    reopened.append(record(4, "2026-11-01T16:00:00Z", 6, true, false));
    FileRecordStore third = open();
    assertEquals(List.of("cp-4", "cp-2", "cp-1"), ids(third.latest(10)), "appends after a torn frame read back");
  }

  @Test
  void retentionByDaysCountsBackFromTheNewestRecord() throws Exception {
    FileRecordStore store = new FileRecordStore(dir, BERLIN, 7, 64L << 20);
    store.append(record(1, "2026-11-01T10:00:00Z", 1, true, false));
    store.append(record(2, "2026-11-05T10:00:00Z", 1, true, false));
    assertEquals(2, store.size());
    store.append(record(3, "2026-11-08T10:00:00Z", 1, true, false));
    assertEquals(List.of("cp-3", "cp-2"), ids(store.latest(10)), "the 1st is more than 7 days before the 8th");
    assertFalse(Files.exists(dir.resolve("2026-11-01.rec")));
  }

  @Test
  void retentionByBytesDropsTheOldestDaysFirst() throws Exception {
    ChargeRecord big = record(0, "2026-11-01T10:00:00Z", 1, true, false).toBuilder()
        .setStopReason("x".repeat(20_000)).build();
    FileRecordStore store = new FileRecordStore(dir, BERLIN, 400, 65_536);
    for (int i = 1; i <= 5; i++) {
      store.append(big.toBuilder().setId("cp-" + i).setSequence(i)
          .setStartTime(RecordBuilder.timestamp(Instant.parse("2026-11-0" + i + "T10:00:00Z"))).build());
    }
    assertTrue(store.bytes() <= 65_536, store.bytes() + " bytes");
    assertEquals(List.of("cp-5", "cp-4", "cp-3"), ids(store.latest(10)));
  }
}
