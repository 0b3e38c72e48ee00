package io.evedge.agent.outbox;

import java.io.IOException;

/**
 * The outbox has no room for a record within its configured {@code max_bytes}. The record was not
 * queued (nothing else was dropped to make room); it stays in the record store.
 */
public final class OutboxFullException extends IOException {

  public OutboxFullException(String message) {
    super(message);
  }
}
