package io.evedge.agent.testing;

import io.evedge.agent.record.RecordStore;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.DailyChargeSummary;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A fake at the {@link RecordStore} seam: records in memory, by start date in {@code zone}. */
public class MemoryRecordStore implements RecordStore {

  private final List<ChargeRecord> records = new ArrayList<>();
  private final ZoneId zone;

  public MemoryRecordStore(ZoneId zone) {
    this.zone = zone;
  }

  private LocalDate date(ChargeRecord r) {
    return LocalDate.ofInstant(Instant.ofEpochSecond(r.getStartTime().getSeconds()), zone);
  }

  @Override
  public synchronized void append(ChargeRecord record) {
    records.add(record);
  }

  @Override
  public synchronized RecordPage query(LocalDate startDate, LocalDate endDate, int page, int pageSize) {
    List<ChargeRecord> in = records.stream()
        .filter(r -> !date(r).isBefore(startDate) && !date(r).isAfter(endDate))
        .sorted(Comparator.comparingLong((ChargeRecord r) -> r.getStartTime().getSeconds()).reversed())
        .toList();
    int from = (int) Math.min(in.size(), (long) (page - 1) * pageSize);
    int to = Math.min(in.size(), from + pageSize);
    return new RecordPage(in.subList(from, to), to < in.size());
  }

  @Override
  public synchronized List<DailyChargeSummary> daily(LocalDate startDate, LocalDate endDate) {
    Map<LocalDate, DailyChargeSummary.Builder> days = new TreeMap<>();
    for (ChargeRecord r : records) {
      LocalDate d = date(r);
      if (d.isBefore(startDate) || d.isAfter(endDate)) {
        continue;
      }
      DailyChargeSummary.Builder b = days.computeIfAbsent(d, k -> DailyChargeSummary.newBuilder()
          .setDate(com.google.protobuf.Timestamp.newBuilder().setSeconds(k.atStartOfDay(zone).toEpochSecond())));
      if (r.getIsPublicCharger() && "DC".equals(r.getChargingType())) {
        b.setSuperCharger(b.getSuperCharger() + r.getEnergyAdded());
      } else if (r.getLocation().getName().equals("Home")) {
        b.setHome(b.getHome() + r.getEnergyAdded());
      } else {
        b.setOther(b.getOther() + r.getEnergyAdded());
      }
      b.setTotal(b.getTotal() + r.getEnergyAdded());
    }
    return days.values().stream().map(DailyChargeSummary.Builder::build).toList();
  }

  @Override
  public synchronized List<ChargeRecord> latest(int n) {
    return records.stream()
        .sorted(Comparator.comparingLong((ChargeRecord r) -> r.getStartTime().getSeconds()).reversed())
        .limit(n).toList();
  }
}
