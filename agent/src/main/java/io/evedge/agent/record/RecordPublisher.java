package io.evedge.agent.record;

import io.evedge.proto.ChargeRecord;
import java.io.IOException;

/**
 * Where a stored record goes to be published: the durable outbox. {@link #enqueue} returns once the
 * record is on disk in the outbox; it leaves the outbox only on PUBACK.
 */
public interface RecordPublisher {

  void enqueue(ChargeRecord record) throws IOException;
}
