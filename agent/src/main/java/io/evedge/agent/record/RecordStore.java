package io.evedge.agent.record;

import io.evedge.proto.ChargeRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Completed charge records on disk, by date, with retention. The seam between the session
 * recorder (which appends) and the request server (which queries).
 */
public interface RecordStore {

  /** Appends a completed record; durable (on disk, synced) when this returns. */
  void append(ChargeRecord record) throws IOException;

  /** Records whose start time is in [{@code from}, {@code to}), oldest first. */
  List<ChargeRecord> query(Instant from, Instant to) throws IOException;
}
