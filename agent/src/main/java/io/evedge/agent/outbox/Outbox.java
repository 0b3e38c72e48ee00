package io.evedge.agent.outbox;

import com.google.protobuf.Timestamp;
import io.evedge.agent.contract.Payloads;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.agent.record.RecordPublisher;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.OutboxConfig;
import io.evedge.proto.OutboxEntry;
import io.evedge.proto.OutboxMetrics;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.tinylog.Logger;

/**
 * The durable outbox of completed charge records ({@link RecordPublisher}): our own on-disk queue
 * under {@code state_dir/outbox} (see {@link OutboxLog}), published on {@code <p>/records} with QoS
 * 1, in order, at most {@code window} at a time; an entry leaves the outbox only on its PUBACK.
 *
 * <p><b>Ids and sequence numbers.</b> Each record gets the next per-device sequence number (1, 2,
 * …, never reused, also across restarts) and the device id, so a backend can dedupe by {@code id}
 * and detect a gap by {@code sequence}. Enqueueing a record whose id is already waiting, or was
 * acknowledged recently (the last {@value #RECENT_IDS}), does nothing: enqueue is idempotent.
 *
 * <p><b>Bound and policy.</b> The records waiting may take at most {@code max_bytes} of disk (plus one
 * segment of acknowledged ones not yet deleted). When a record does not fit, {@link #enqueue} throws
 * {@link OutboxFullException}: the record is refused, never dropped silently and never displacing an
 * older one; the refusal is logged as an error and counted ({@code outbox.rejected} in the metrics),
 * and the record stays in the record store, where {@code req/charge-records} still finds it. Nothing
 * ever leaves the outbox without a PUBACK.
 *
 * <p><b>Durability.</b> {@link #enqueue} returns once the record is synced to disk. Acknowledgements
 * are recorded at most every {@value #STATE_FLUSH_MS} ms (and on close); after a power cut the
 * records acknowledged in that last moment are published once more, which backends absorb by
 * {@code id}. After a broker refusal (a PUBACK reason code such as 0x87 not authorized) the record
 * is offered again after {@value #REFUSED_RETRY_S} s, not skipped.
 *
 * <p>All state is kept on one thread of its own; the link's callbacks only hand work to it.
 */
public final class Outbox implements RecordPublisher, AutoCloseable {

  static final int RECENT_IDS = 256;
  static final long STATE_FLUSH_MS = 1000;
  static final long REFUSED_RETRY_S = 30;

  private final OutboxLog log;
  private final OutboxConfig config;
  private final String deviceId;
  private final String topic;
  private final MqttLink link;
  private final Payloads payloads;
  private final Scheduler scheduler;
  private final ExecutorService worker;

  // worker thread only
  private final ArrayDeque<OutboxLog.Slot> waiting = new ArrayDeque<>();
  private final ArrayDeque<OutboxLog.Slot> inFlight = new ArrayDeque<>();
  private final Set<String> pendingIds = new HashSet<>();
  private final LinkedHashSet<String> recentIds = new LinkedHashSet<>();
  private long ackedThrough;
  private long pendingBytes;
  private boolean stateDirty;
  private Scheduler.Cancellable flushTimer;
  private Scheduler.Cancellable retryTimer;
  private boolean closed;
  private volatile OutboxMetrics metrics = OutboxMetrics.getDefaultInstance();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  private Outbox(OutboxLog log, OutboxConfig config, String deviceId, String topic, MqttLink link,
      Payloads payloads, Scheduler scheduler) {
    this.log = log;
    this.config = config;
    this.deviceId = deviceId;
    this.topic = topic;
    this.link = link;
    this.payloads = payloads;
    this.scheduler = scheduler;
    this.worker = Threads.serial("outbox");
  }

  /**
   * Opens the outbox in {@code dir} and starts publishing what it holds on {@code topic} through
   * {@code link}.
   */
  public static Outbox open(Path dir, OutboxConfig config, String deviceId, String topic, MqttLink link,
      Payloads payloads, Scheduler scheduler) throws IOException {
    OutboxLog log = OutboxLog.open(dir, config.getSegmentBytes());
    Outbox o = new Outbox(log, config, deviceId, topic, link, payloads, scheduler);
    o.call(() -> {
      o.ackedThrough = log.state().getAckedThrough();
      o.recentIds.addAll(log.state().getRecentIdsList());
      for (OutboxLog.Slot s : log.recovered()) {
        o.waiting.addLast(s);
        o.pendingIds.add(s.id());
        o.pendingBytes += OutboxLog.HEADER + s.length();
      }
      if (!log.recovered().isEmpty()) {
        Logger.info("{} record(s) waiting from before the restart (sequence {} to {})",
            log.recovered().size(), log.recovered().get(0).sequence(),
            log.recovered().get(log.recovered().size() - 1).sequence());
      }
      o.updateMetrics();
      o.pump();
      return null;
    });
    return o;
  }

  /**
   * Puts {@code record} in the outbox and returns once it is on disk; it is published in turn. Sets
   * the record's {@code sequence} and, when empty, {@code device_id}.
   *
   * @throws OutboxFullException when it does not fit in {@code max_bytes} (see the class comment)
   */
  @Override
  public void enqueue(ChargeRecord record) throws IOException {
    call(() -> {
      if (closed) {
        throw new IOException("the outbox is closed");
      }
      if (!record.getId().isEmpty() && (pendingIds.contains(record.getId()) || recentIds.contains(record.getId()))) {
        Logger.debug("Record {} is already queued or published; not queued again", record.getId());
        return null;
      }
      long seq = log.nextSequence();
      ChargeRecord.Builder r = record.toBuilder().setSequence(seq);
      if (r.getDeviceId().isEmpty()) {
        r.setDeviceId(deviceId);
      }
      Instant now = scheduler.now();
      OutboxEntry entry = OutboxEntry.newBuilder().setSequence(seq)
          .setEnqueued(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
          .setRecord(r).build();
      long size = OutboxLog.HEADER + entry.getSerializedSize();
      if (pendingBytes + size > config.getMaxBytes()) {
        rejected.incrementAndGet();
        updateMetrics();
        String why = String.format("outbox full: %d record(s), %d of %d bytes waiting for the broker; "
            + "record %s (%d bytes) refused and kept in the record store", waiting.size() + inFlight.size(),
            pendingBytes, config.getMaxBytes(), record.getId(), size);
        Logger.error(why);
        throw new OutboxFullException(why);
      }
      OutboxLog.Slot slot = log.append(entry, now.toEpochMilli());
      waiting.addLast(slot);
      pendingIds.add(slot.id());
      pendingBytes += size;
      updateMetrics();
      pump();
      return null;
    });
  }

  /** The outbox's figures for {@code <p>/metrics}. */
  public OutboxMetrics metrics() {
    return metrics;
  }

  /** Waits until every task handed to the outbox's thread so far has run (for tests). */
  public void sync() throws IOException {
    call(() -> null);
  }

  // ---- worker thread ----

  private void pump() {
    while (!closed && retryTimer == null && !waiting.isEmpty() && inFlight.size() < config.getWindow()) {
      OutboxLog.Slot slot = waiting.peekFirst();
      ChargeRecord record;
      try {
        record = log.read(slot).getRecord();
      } catch (IOException e) {
        Logger.error("Cannot read record {} (sequence {}): {}; retrying in {} s", slot.id(),
            slot.sequence(), e.getMessage(), REFUSED_RETRY_S);
        retryLater();
        return;
      }
      waiting.pollFirst();
      inFlight.addLast(slot);
      Payloads.Encoded e = payloads.encode(record);
      link.publish(MqttOut.each(topic, e.bytes(), 1, false, e.contentType()))
          .whenComplete((v, err) -> submit(() -> completed(slot, err)));
    }
  }

  private void completed(OutboxLog.Slot slot, Throwable err) {
    if (closed || !inFlight.remove(slot)) {
      return;
    }
    if (err != null) {
      Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
          ? err.getCause() : err;
      if (cause instanceof PahoMqttLink.RefusedException) {
        Logger.error("{}; record {} stays and is offered again in {} s", cause.getMessage(), slot.id(),
            REFUSED_RETRY_S);
      } else {
        Logger.debug("Record {} not delivered ({}); it stays", slot.id(), cause.getMessage());
      }
      // back in front, in sequence order with the others still in flight
      List<OutboxLog.Slot> back = new ArrayList<>(inFlight);
      back.add(slot);
      back.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
      inFlight.clear();
      for (int i = back.size() - 1; i >= 0; i--) {
        waiting.addFirst(back.get(i));
      }
      retryLater();
      return;
    }
    published.incrementAndGet();
    pendingIds.remove(slot.id());
    pendingBytes -= OutboxLog.HEADER + slot.length();
    recentIds.add(slot.id());
    if (recentIds.size() > RECENT_IDS) {
      recentIds.remove(recentIds.iterator().next());
    }
    // everything below the lowest sequence still waiting is acknowledged (or was lost to a torn write)
    long lowest = Long.MAX_VALUE;
    if (!inFlight.isEmpty()) {
      lowest = inFlight.peekFirst().sequence();
    }
    if (!waiting.isEmpty()) {
      lowest = Math.min(lowest, waiting.peekFirst().sequence());
    }
    ackedThrough = Math.max(ackedThrough, lowest == Long.MAX_VALUE ? log.nextSequence() - 1 : lowest - 1);
    stateDirty = true;
    if (flushTimer == null) {
      flushTimer = scheduler.schedule(() -> submit(this::flushState), Duration.ofMillis(STATE_FLUSH_MS));
    }
    updateMetrics();
    pump();
  }

  private void retryLater() {
    if (retryTimer == null) {
      retryTimer = scheduler.schedule(() -> submit(() -> {
        retryTimer = null;
        pump();
      }), Duration.ofSeconds(REFUSED_RETRY_S));
    }
  }

  private void flushState() {
    flushTimer = null;
    if (!stateDirty) {
      return;
    }
    try {
      log.saveState(ackedThrough, new ArrayList<>(recentIds));
      stateDirty = false;
    } catch (IOException e) {
      Logger.error("Cannot record acknowledgements: {}", e.getMessage());
    }
  }

  private void updateMetrics() {
    OutboxLog.Slot oldest = !inFlight.isEmpty() ? inFlight.peekFirst() : waiting.peekFirst();
    double age = oldest == null ? 0
        : Math.max(0, (scheduler.now().toEpochMilli() - oldest.enqueuedMillis()) / 1000.0);
    metrics = OutboxMetrics.newBuilder()
        .setDepth(waiting.size() + inFlight.size())
        .setBytes(pendingBytes)
        .setOldestAgeS(age)
        .setPublished(published.get())
        .setRejected(rejected.get())
        .setMaxBytes(config.getMaxBytes())
        .build();
  }

  /** Refreshes the age of the oldest record in {@link #metrics()}. */
  public void refreshMetrics() {
    submit(this::updateMetrics);
  }

  private void submit(Runnable r) {
    try {
      worker.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  private <T> T call(Callable<T> task) throws IOException {
    Future<T> f;
    try {
      f = worker.submit(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new IOException("the outbox is closed");
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while queueing a record", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Records the acknowledgements so far and closes the files; what waits stays for the next start. */
  @Override
  public void close() {
    try {
      call(() -> {
        closed = true;
        if (flushTimer != null) {
          flushTimer.cancel();
        }
        if (retryTimer != null) {
          retryTimer.cancel();
        }
        if (stateDirty) {
          log.saveState(ackedThrough, new ArrayList<>(recentIds));
        }
        log.close();
        return null;
      });
    } catch (IOException e) {
      Logger.warn("Closing the outbox: {}", e.getMessage());
    }
    Threads.shutdown(worker, 2000);
  }
}
