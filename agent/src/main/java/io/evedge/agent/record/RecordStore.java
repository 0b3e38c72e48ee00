package io.evedge.agent.record;

import io.evedge.proto.ChargeRecord;
import io.evedge.proto.DailyChargeSummary;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;

/**
 * Completed charge records on disk, by date, with retention. The seam between the session
 * recorder (which appends) and the request server and signals (which read). Dates are in the
 * agent's configured time zone.
 */
public interface RecordStore {

  /** Appends a completed record; durable (on disk, synced) when this returns. */
  void append(ChargeRecord record) throws IOException;

  /**
   * Records whose start falls on a date in [{@code startDate}, {@code endDate}] (inclusive), most
   * recent first, page {@code page} (1-based) of {@code pageSize}.
   */
  RecordPage query(LocalDate startDate, LocalDate endDate, int page, int pageSize) throws IOException;

  /** Energy per date in [{@code startDate}, {@code endDate}] for the dates that have records, oldest first. */
  List<DailyChargeSummary> daily(LocalDate startDate, LocalDate endDate) throws IOException;

  /** The {@code n} most recent records, most recent first (for the charge-chargerecords signal). */
  List<ChargeRecord> latest(int n) throws IOException;

  /** One page of records and whether more follow. */
  record RecordPage(List<ChargeRecord> records, boolean hasMoreData) {}
}
