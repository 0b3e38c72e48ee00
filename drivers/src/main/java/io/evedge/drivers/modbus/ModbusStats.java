package io.evedge.drivers.modbus;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one Modbus device, shared by its client (every request, retry and bad reply) and its
 * poller (polls, failed polls, overruns). Thread-safe; read them at any time.
 */
public final class ModbusStats {

  /** Request frames sent, retries included. */
  public final LongAdder requests = new LongAdder();
  /** Requests sent again after a timeout, a bad reply or a lost connection. */
  public final LongAdder retries = new LongAdder();
  /** Requests that got no reply (not a byte of it) within the timeout. */
  public final LongAdder timeouts = new LongAdder();
  /** Connections or ports that could not be opened or broke. */
  public final LongAdder connectionErrors = new LongAdder();
  /** Bytes received outside any reply (after a timeout, after a bad frame, line noise). */
  public final LongAdder unexpectedBytes = new LongAdder();
  /** Modbus TCP replies to an earlier transaction, skipped. */
  public final LongAdder staleReplies = new LongAdder();
  /** Polls started. */
  public final LongAdder polls = new LongAdder();
  /** Polls in which no block got a valid reply. */
  public final LongAdder failedPolls = new LongAdder();
  /** Poll ticks skipped because the previous poll was still running. */
  public final LongAdder overruns = new LongAdder();

  private final Map<FrameError, LongAdder> frameErrors = new EnumMap<>(FrameError.class);
  private final ConcurrentHashMap<Integer, LongAdder> exceptionReplies = new ConcurrentHashMap<>();

  public ModbusStats() {
    for (FrameError e : FrameError.values()) {
      frameErrors.put(e, new LongAdder());
    }
  }

  /** Counts a rejected reply. */
  public void frameError(FrameError kind) {
    frameErrors.get(kind).increment();
  }

  /** Rejected replies of one kind. */
  public long frameErrors(FrameError kind) {
    return frameErrors.get(kind).sum();
  }

  /** Rejected replies of every kind. */
  public long frameErrors() {
    return frameErrors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Counts an exception reply with its code. */
  public void exceptionReply(int code) {
    exceptionReplies.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  /** Exception replies of every code. */
  public long exceptionReplies() {
    return exceptionReplies.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Exception replies with {@code code}. */
  public long exceptionReplies(int code) {
    LongAdder a = exceptionReplies.get(code);
    return a == null ? 0 : a.sum();
  }

  /**
   * The non-zero counters as one line, e.g. {@code polls 60, requests 120, timeouts 2, CRC error 1,
   * exception 0x02 ILLEGAL DATA ADDRESS 3}.
   */
  public String summary() {
    StringBuilder b = new StringBuilder();
    append(b, "polls", polls.sum());
    append(b, "failed polls", failedPolls.sum());
    append(b, "overruns", overruns.sum());
    append(b, "requests", requests.sum());
    append(b, "retries", retries.sum());
    append(b, "timeouts", timeouts.sum());
    append(b, "connection errors", connectionErrors.sum());
    for (FrameError e : FrameError.values()) {
      append(b, e.text(), frameErrors(e));
    }
    append(b, "stale replies", staleReplies.sum());
    append(b, "unexpected bytes", unexpectedBytes.sum());
    Map<Integer, LongAdder> sorted = new TreeMap<>(exceptionReplies);
    sorted.forEach((code, n) -> append(b,
        String.format("exception 0x%02X %s", code, ModbusException.exceptionName(code)), n.sum()));
    return b.length() == 0 ? "no traffic" : b.toString();
  }

  private static void append(StringBuilder b, String name, long value) {
    if (value != 0) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(name).append(' ').append(value);
    }
  }

  @Override
  public String toString() {
    return summary();
  }
}
