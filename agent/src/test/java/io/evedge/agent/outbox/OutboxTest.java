package io.evedge.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.contract.Payloads;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.FakeLink;
import io.evedge.agent.testing.ReferenceShapes;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.OutboxConfig;
import io.evedge.proto.PayloadFormat;
import io.evedge.time.VirtualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox on a real directory, with a fake link at the seam and the virtual clock. */
class OutboxTest {

  private static final String TOPIC = "evedge/cp-1/records";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private final VirtualScheduler clock = new VirtualScheduler(Instant.parse("2026-11-23T10:00:00Z"));
  private final List<Outbox> open = new ArrayList<>();

  @AfterEach
  void tearDown() {
    open.forEach(Outbox::close);
  }

  private Outbox outbox(FakeLink link, OutboxConfig config) throws IOException {
    Outbox o = Outbox.open(dir.resolve("outbox"), config, "cp-1", TOPIC, link, new Payloads(PayloadFormat.JSON),
        clock);
    open.add(o);
    return o;
  }

  private static OutboxConfig config(long maxBytes, int window) {
    return OutboxConfig.newBuilder().setMaxBytes(maxBytes).setWindow(window).setSegmentBytes(4096).build();
  }

  private static ChargeRecord record(int n) {
    return ChargeRecord.newBuilder().setId("cp-1-" + n).setEnergyAdded(n / 10.0).setChargingType("AC").build();
  }

  private static ChargeRecord parse(FakeLink.Sent s) {
    return ReferenceShapes.parse(s.text(), ChargeRecord.getDefaultInstance());
  }

  private static List<String> ids(List<FakeLink.Sent> sent) {
    return sent.stream().map(s -> parse(s).getId()).toList();
  }

  /** Acknowledges what was sent, lets the outbox record it (its flush timer) and waits for that. */
  private void ackAll(FakeLink link, Outbox o) throws IOException {
    for (FakeLink.Sent s : link.on(TOPIC)) {
      s.done().complete(null);
    }
    o.sync();
    clock.advance(Duration.ofMillis(Outbox.STATE_FLUSH_MS));
    o.sync();
  }

  @Test
  void publishesInOrderWithSequenceNumbersAndDeviceId() throws Exception {
    FakeLink link = new FakeLink();
    Outbox o = outbox(link, config(1 << 20, 64));
    for (int i = 1; i <= 5; i++) {
      o.enqueue(record(i));
    }
    o.sync();
    List<FakeLink.Sent> sent = link.on(TOPIC);
    assertEquals(List.of("cp-1-1", "cp-1-2", "cp-1-3", "cp-1-4", "cp-1-5"), ids(sent));
    for (int i = 0; i < 5; i++) {
      ChargeRecord r = parse(sent.get(i));
      assertEquals(i + 1, r.getSequence());
      assertEquals("cp-1", r.getDeviceId());
      assertEquals(1, sent.get(i).message().qos());
      assertTrue(!sent.get(i).message().retained());
      assertEquals("application/json", sent.get(i).message().contentType());
      assertTrue(!sent.get(i).message().coalesce(), "every record is sent, none replaced");
    }
  }

  @Test
  void nothingLeavesWithoutItsPuback() throws Exception {
    FakeLink link = new FakeLink();
    Outbox o = outbox(link, config(1 << 20, 64));
    o.enqueue(record(1));
    o.enqueue(record(2));
    o.sync();
    link.on(TOPIC).get(0).done().complete(null);
    o.sync();
    clock.advance(Duration.ofSeconds(5));
    o.close();
    open.clear();

    FakeLink again = new FakeLink();
    Outbox reopened = outbox(again, config(1 << 20, 64));
    reopened.sync();
    assertEquals(List.of("cp-1-2"), ids(again.on(TOPIC)), "the record without PUBACK, once more");
    assertEquals(2, parse(again.on(TOPIC).get(0)).getSequence(), "with its sequence number");
    assertEquals(1, reopened.metrics().getDepth());
  }

  @Test
  void sequenceNumbersAreNeverReusedAfterTheOutboxEmpties() throws Exception {
    FakeLink link = new FakeLink();
    Outbox o = outbox(link, config(1 << 20, 64));
    for (int i = 1; i <= 40; i++) {
      o.enqueue(record(i));
    }
    ackAll(link, o);
    assertEquals(0, o.metrics().getDepth());
    o.close();
    open.clear();
    try (Stream<Path> files = Files.list(dir.resolve("outbox"))) {
      assertTrue(files.filter(f -> f.getFileName().toString().startsWith("seg-")).count() <= 1,
          "acknowledged segments are deleted");
    }
    FakeLink again = new FakeLink();
    Outbox reopened = outbox(again, config(1 << 20, 64));
    reopened.sync();
    assertEquals(List.of(), again.on(TOPIC), "nothing acknowledged is sent again");
    reopened.enqueue(record(41));
    reopened.sync();
    assertEquals(41, parse(again.on(TOPIC).get(0)).getSequence());
  }

  @Test
  void enqueueIsIdempotentByRecordId() throws Exception {
    FakeLink link = new FakeLink();
    Outbox o = outbox(link, config(1 << 20, 64));
    o.enqueue(record(1));
    o.enqueue(record(1));
    o.sync();
    assertEquals(1, link.on(TOPIC).size(), "queued once");
    ackAll(link, o);
    o.enqueue(record(1));
    o.sync();
    assertEquals(1, link.on(TOPIC).size(), "an acknowledged id is not queued again");
    o.close();
    open.clear();
    FakeLink again = new FakeLink();
    Outbox reopened = outbox(again, config(1 << 20, 64));
    reopened.enqueue(record(1));
    reopened.sync();
    assertEquals(List.of(), again.on(TOPIC), "not after a restart either");
  }

  @Test
  void aFullOutboxRefusesLoudlyAndDropsNothing() throws Exception {
    FakeLink link = new FakeLink();
    int size = OutboxLog.HEADER + 60;
    Outbox o = outbox(link, config(65536, 64));
    int accepted = 0;
    OutboxFullException full = null;
    for (int i = 1; i <= 5000 && full == null; i++) {
      try {
        o.enqueue(record(i));
        accepted++;
      } catch (OutboxFullException e) {
        full = e;
      }
    }
    assertTrue(full != null && full.getMessage().contains("outbox full"), "refused when full");
    assertTrue(accepted > 65536 / (size * 2), "accepted " + accepted);
    assertEquals(1, o.metrics().getRejected());
    assertEquals(accepted, o.metrics().getDepth(), "every accepted record still waits");
    assertTrue(o.metrics().getBytes() <= 65536);
    // room again once the broker acknowledges
    ackAll(link, o);
    o.enqueue(record(9999));
    o.sync();
    List<String> ids = ids(link.on(TOPIC));
    assertEquals("cp-1-1", ids.get(0), "the oldest was never dropped");
  }

  @Test
  void neverMoreThanTheWindowInFlight() throws Exception {
    FakeLink link = new FakeLink();
    Outbox o = outbox(link, config(1 << 20, 3));
    for (int i = 1; i <= 10; i++) {
      o.enqueue(record(i));
    }
    o.sync();
    assertEquals(3, link.on(TOPIC).size());
    link.on(TOPIC).get(0).done().complete(null);
    o.sync();
    assertEquals(4, link.on(TOPIC).size());
    assertEquals(List.of("cp-1-1", "cp-1-2", "cp-1-3", "cp-1-4"), ids(link.on(TOPIC)));
  }

  @Test
  void aTornTailIsCutOffAndWhatCameBeforeIsKept() throws Exception {
    FakeLink link = new FakeLink();
    Outbox o = outbox(link, config(1 << 20, 64));
    o.enqueue(record(1));
    o.enqueue(record(2));
    o.close();
    open.clear();
    Path seg;
    try (Stream<Path> files = Files.list(dir.resolve("outbox"))) {
      seg = files.filter(f -> f.getFileName().toString().startsWith("seg-")).findFirst().orElseThrow();
    }
    long good = Files.size(seg);
    // a crash in the middle of the third append: a header promising more than was written
    Files.write(seg, new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 9, 9, 9}, StandardOpenOption.APPEND);

    FakeLink again = new FakeLink();
    Outbox reopened = outbox(again, config(1 << 20, 64));
    reopened.enqueue(record(3));
    reopened.sync();
    assertEquals(List.of("cp-1-1", "cp-1-2", "cp-1-3"), ids(again.on(TOPIC)));
    assertEquals(3, parse(again.on(TOPIC).get(2)).getSequence());
    assertTrue(Files.size(seg) > good, "the third record was appended where the torn one was cut");
  }

  @Test
  void aRecordTheBrokerRefusesIsOfferedAgainLater() throws Exception {
    FakeLink link = new FakeLink();
    Outbox o = outbox(link, config(1 << 20, 64));
    o.enqueue(record(1));
    o.sync();
    link.on(TOPIC).get(0).done().completeExceptionally(new IllegalStateException("refused"));
    o.sync();
    clock.advance(Duration.ofSeconds(Outbox.REFUSED_RETRY_S - 1));
    o.sync();
    assertEquals(1, link.on(TOPIC).size());
    clock.advance(Duration.ofSeconds(1));
    Await.until(WAIT, () -> link.on(TOPIC).size() == 2, "the retry");
    assertEquals(List.of("cp-1-1", "cp-1-1"), ids(link.on(TOPIC)));
    assertEquals(1, o.metrics().getDepth());
  }
}
