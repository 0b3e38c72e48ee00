package io.evedge.agent.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.evedge.agent.Topics;
import io.evedge.agent.mqtt.MqttIn;
import io.evedge.agent.record.RecordStore;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.signal.SignalTable;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.FakeLink;
import io.evedge.agent.testing.MemoryRecordStore;
import io.evedge.agent.testing.ReferenceShapes;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.ChargeRecordsReply;
import io.evedge.proto.ChargeRecordsRequest;
import io.evedge.proto.DailyChargeSummary;
import io.evedge.proto.ErrorReply;
import io.evedge.proto.Quality;
import io.evedge.proto.RecordLocation;
import io.evedge.time.VirtualScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each request API and each kind of bad request, at the link seam. */
class RequestServerTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Topics TOPICS = new Topics("evedge", "cp-1");
  private static final String REPLY = "backend/replies/1";

  private final VirtualScheduler clock = new VirtualScheduler(NOW);
  private final FakeLink link = new FakeLink();
  private final MemoryRecordStore store = new MemoryRecordStore(ZoneOffset.UTC);
  private final SignalTable table = new SignalTable(u -> { });
  private RequestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private void start(RecordStore s, int queue) {
    server = new RequestServer(TOPICS, link, s, table::get, Set.of("charge-voltage", "charge-wattage"),
        new RequestServer.Options(4096, 2, queue), ZoneOffset.UTC, clock);
    server.start();
  }

  private static ChargeRecord record(String id, String startIso, double kwh) {
    Instant t = Instant.parse(startIso);
    return ChargeRecord.newBuilder().setId(id).setStartTime(Timestamp.newBuilder().setSeconds(t.getEpochSecond()))
        .setEndTime(Timestamp.newBuilder().setSeconds(t.getEpochSecond() + 3600)).setEnergyAdded(kwh)
        .setChargingType("AC").setLocation(RecordLocation.newBuilder().setName("Home")).build();
  }

  /** Sends a request and returns the reply's text. */
  private FakeLink.Sent ask(String api, String payload, String contentType, byte[] correlation) {
    int before = link.on(REPLY).size();
    link.deliver(new MqttIn(TOPICS.request(api), payload == null ? null : payload.getBytes(StandardCharsets.UTF_8),
        contentType, REPLY, correlation));
    Await.until(WAIT, () -> link.on(REPLY).size() > before, "a reply to " + api + " " + payload);
    return link.on(REPLY).get(before);
  }

  private String ask(String api, String payload) {
    return ask(api, payload, "application/json", null).text();
  }

  private static String code(String reply) {
    return ReferenceShapes.parse(reply).getFieldsOrThrow("error").getStructValue().getFieldsOrThrow("code")
        .getStringValue();
  }

  @Test
  void subscribesToItsOwnRequestsOnly() {
    start(store, 8);
    assertEquals(List.of("evedge/cp-1/req/#"), link.filters());
  }

  @Test
  void chargeRecordsPagesMostRecentFirstWithHasMoreData() {
    store.append(record("a", "2026-11-01T10:00:00Z", 10));
    store.append(record("b", "2026-11-10T10:00:00Z", 20));
    store.append(record("c", "2026-11-20T10:00:00Z", 30));
    store.append(record("old", "2026-09-01T10:00:00Z", 5));
    start(store, 8);
    byte[] corr = {1, 2, 3};
    FakeLink.Sent first = ask("charge-records", "{}", "application/json", corr);
    assertArrayEquals(corr, first.message().correlationData(), "the correlation data comes back");
    assertEquals(1, first.message().qos());
    assertFalse(first.message().retained());
    assertEquals("application/json", first.message().contentType());
    assertTrue(first.text().startsWith("{\"records\":[{\"id\":\"c\""), first.text());
    assertTrue(first.text().contains("{\"id\":\"b\""), first.text());
    assertTrue(first.text().endsWith("\"hasMoreData\":true}"), first.text());
    String second = ask("charge-records", "{\"page\":2}");
    assertTrue(second.startsWith("{\"records\":[{\"id\":\"a\""), second);
    assertTrue(second.endsWith("\"hasMoreData\":false}"), second);
    String range = ask("charge-records", "{\"startDate\":\"2026-08-01\",\"endDate\":\"2026-09-30\"}");
    assertTrue(range.startsWith("{\"records\":[{\"id\":\"old\""), range);
    assertEquals("{\"records\":[],\"hasMoreData\":false}", ask("charge-records", "{\"page\":3}"),
        "an empty page still has its list");
    assertEquals(first.text(), ask("charge-records", ""), "an empty payload is {}");
  }

  @Test
  void chargeRecordsDailyHasTheReferenceShape() {
    store.append(record("a", "2026-11-10T10:00:00Z", 10));
    store.append(record("b", "2026-11-10T18:00:00Z", 15));
    start(store, 8);
    String reply = ask("charge-records-daily", "{\"startDate\":\"2026-11-01\"}");
    assertEquals("{\"records\":[{\"date\":\"2026-11-10T00:00:00Z\",\"home\":25,\"other\":0,\"superCharger\":0,"
        + "\"total\":25}]}", reply, "as charge-records-daily-tesla.md, zeros included");
  }

  @Test
  void signalRequestRepliesTheCurrentBody() {
    table.set(SignalCatalog.VOLTAGE, 231.5, NOW, Quality.GOOD);
    start(store, 8);
    String reply = ask("signals/charge-voltage", null, null, null).text();
    assertEquals("{\"value\":231.5,\"unit\":\"volts\",\"timestamp\":\"2026-11-23T10:00:00Z\",\"quality\":\"GOOD\"}",
        reply);
    assertEquals("NOT_FOUND", code(ask("signals/charge-wattage", "")), "configured but no value yet");
    assertTrue(ask("signals/charge-ischarging", "").contains("has no source in this agent's configuration"));
    assertTrue(ask("signals/charge-nonsense", "").contains("no signal 'charge-nonsense'"));
  }

  @Test
  void everyBadRequestGetsAnErrorWithCodeAndMessage() {
    start(store, 8);
    assertEquals("INVALID_JSON", code(ask("charge-records", "{\"startDate\":")));
    assertEquals("INVALID_JSON", code(ask("charge-records", "[1,2]")));
    assertEquals("INVALID_ARGUMENT", code(ask("charge-records", "{\"startDate\":\"2026-02-30\"}")));
    assertTrue(ask("charge-records", "{\"startDate\":\"23/11/2026\"}")
        .contains("startDate '23/11/2026' is not a date; expected YYYY-MM-DD"));
    assertTrue(ask("charge-records", "{\"startDate\":\"2026-11-20\",\"endDate\":\"2026-11-01\"}")
        .contains("endDate 2026-11-01 is before startDate 2026-11-20"));
    assertTrue(ask("charge-records", "{\"page\":0}").contains("page must be a whole number from 1"));
    assertEquals("INVALID_ARGUMENT", code(ask("charge-records", "{\"page\":-4}")));
    assertEquals("INVALID_ARGUMENT", code(ask("charge-records", "{\"page\":\"two\"}")));
    assertEquals("INVALID_ARGUMENT", code(ask("charge-records", "{\"pages\":2}")));
    assertEquals("UNKNOWN_API", code(ask("charge-sessions", "{}")));
    assertEquals("INVALID_ARGUMENT", code(ask("charge-records-daily",
        "{\"startDate\":\"2020-01-01\",\"endDate\":\"2026-01-01\"}")), "range too long");
    assertEquals("PAYLOAD_TOO_LARGE", code(ask("charge-records", "{\"x\":\"" + "a".repeat(5000) + "\"}")));
    assertEquals("UNSUPPORTED_CONTENT_TYPE", code(ask("charge-records", "{}", "application/xml", null).text()));
    link.deliver(new MqttIn(TOPICS.request("charge-records"), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'},
        null, REPLY, null));
    Await.until(WAIT, () -> link.on(REPLY).size() == 14, "the reply to bad UTF-8");
    assertEquals("INVALID_JSON", code(link.on(REPLY).get(13).text()));
    String reply = ask("charge-records", "{\"startDate\":");
    assertTrue(reply.matches("\\{\"error\":\\{\"code\":\"INVALID_JSON\",\"message\":\"[^\"]+\"}}"), reply);
    assertEquals(15, server.metrics().getErrors());
  }

  @Test
  void protobufRequestsGetProtobufReplies() throws Exception {
    store.append(record("a", "2026-11-10T10:00:00Z", 10));
    start(store, 8);
    FakeLink.Sent sent = ask("charge-records", null, "application/x-protobuf; proto=evedge.v1.ChargeRecordsRequest",
        null);
    int before = link.on(REPLY).size();
    link.deliver(new MqttIn(TOPICS.request("charge-records"),
        ChargeRecordsRequest.newBuilder().setStartDate("2026-11-01").build().toByteArray(),
        "application/x-protobuf", REPLY, null));
    Await.until(WAIT, () -> link.on(REPLY).size() > before, "reply");
    FakeLink.Sent pb = link.on(REPLY).get(before);
    assertEquals("application/x-protobuf; proto=evedge.v1.ChargeRecordsReply", pb.message().contentType());
    ChargeRecordsReply r = ChargeRecordsReply.parseFrom(pb.message().payload());
    assertEquals("a", r.getRecords(0).getId());
    assertTrue(sent.message().contentType().startsWith("application/x-protobuf"));
    link.deliver(new MqttIn(TOPICS.request("charge-records"), new byte[] {(byte) 0xFF, 0x01},
        "application/x-protobuf", REPLY, null));
    Await.until(WAIT, () -> link.on(REPLY).size() > before + 1, "reply to garbage");
    ErrorReply e = ErrorReply.parseFrom(link.on(REPLY).get(before + 1).message().payload());
    assertEquals("INVALID_ARGUMENT", e.getError().getCode());
  }

  @Test
  void aRequestWithoutResponseTopicIsDroppedAndCounted() throws Exception {
    start(store, 8);
    link.deliver(new MqttIn(TOPICS.request("charge-records"), "{}".getBytes(StandardCharsets.UTF_8), null, null,
        null));
    link.deliver(new MqttIn(TOPICS.request("charge-records"), "{}".getBytes(StandardCharsets.UTF_8), null,
        "backend/+/x", null));
    ask("signals/charge-voltage", "");
    assertEquals(1, link.sent().size(), "only the answerable request got a reply");
    assertEquals(2, server.metrics().getDropped());
  }

  @Test
  void aFullQueueAnswersBusy() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordStore slow = new MemoryRecordStore(ZoneOffset.UTC) {
      @Override
      public synchronized RecordPage query(LocalDate s, LocalDate e, int page, int size) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
        return new RecordPage(List.of(), false);
      }
    };
    start(slow, 1);
    for (int i = 0; i < 3; i++) {
      link.deliver(new MqttIn(TOPICS.request("charge-records"), "{}".getBytes(StandardCharsets.UTF_8), null, REPLY,
          null));
    }
    Await.until(WAIT, () -> link.on(REPLY).size() >= 1, "the busy reply");
    assertEquals("BUSY", code(link.on(REPLY).get(0).text()));
    release.countDown();
    Await.until(WAIT, () -> link.on(REPLY).size() == 3, "the two served");
  }

  @Test
  void withoutARecordStoreTheRecordApisSayUnavailable() {
    start(null, 8);
    assertEquals("UNAVAILABLE", code(ask("charge-records", "{}")));
    assertEquals("UNAVAILABLE", code(ask("charge-records-daily", "{}")));
  }

  @Test
  void defaultsAreTheLastThirtyDaysUpToToday() {
    store.append(record("today", "2026-11-23T08:00:00Z", 1));
    store.append(record("d30", "2026-10-24T08:00:00Z", 1));
    store.append(record("d31", "2026-10-23T08:00:00Z", 1));
    start(store, 8);
    String p1 = ask("charge-records", "{}");
    assertTrue(p1.contains("\"today\"") && p1.contains("\"d30\""), p1);
    assertTrue(ask("charge-records", "{\"page\":2}").contains("\"records\":[]"));
    assertEquals(List.of(), DailyChargeSummary.getDescriptor().getFields().stream()
        .filter(f -> f.hasPresence() && !f.getName().equals("date")).toList());
  }
}
