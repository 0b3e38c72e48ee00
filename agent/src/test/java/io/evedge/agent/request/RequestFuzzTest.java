package io.evedge.agent.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import io.evedge.agent.Topics;
import io.evedge.agent.mqtt.MqttIn;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.signal.SignalTable;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.FakeLink;
import io.evedge.agent.testing.MemoryRecordStore;
import io.evedge.agent.testing.ReferenceShapes;
import io.evedge.agent.testing.SignalSamples;
import io.evedge.proto.ChargeRecordsDailyReply;
import io.evedge.proto.ChargeRecordsReply;
import io.evedge.proto.ErrorReply;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalValue;
import io.evedge.time.VirtualScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated payloads, content types and API names to every request API: each request with
 * a response topic gets exactly one reply, which is either a well-formed answer of its API or
 * {@code {"error":{"code":…,"message":…}}}; nothing escapes the server and it keeps answering.
 */
class RequestFuzzTest {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final Topics TOPICS = new Topics("evedge", "cp-fuzz");
  private static final String REPLY = "fuzz/replies";
  private static final Set<String> CODES = Set.of("INVALID_JSON", "INVALID_ARGUMENT", "UNKNOWN_API", "NOT_FOUND",
      "PAYLOAD_TOO_LARGE", "UNSUPPORTED_CONTENT_TYPE", "BUSY", "UNAVAILABLE", "INTERNAL");
  private static final List<String> VALID = List.of("{}", "{\"startDate\":\"2026-11-01\"}",
      "{\"startDate\":\"2026-10-01\",\"endDate\":\"2026-11-23\",\"page\":1}", "{\"page\":2}",
      "{\"endDate\":\"2026-11-23\"}", "");

  private static FakeLink link;
  private static RequestServer server;

  @BeforeContainer
  static void start() {
    link = new FakeLink();
    MemoryRecordStore store = new MemoryRecordStore(ZoneOffset.UTC);
    store.append(SignalSamples.referenceRecord());
    SignalTable table = new SignalTable(u -> { });
    table.set(SignalCatalog.VOLTAGE, 230.0, NOW, Quality.GOOD);
    server = new RequestServer(TOPICS, link, store, table::get, Set.of("charge-voltage"),
        new RequestServer.Options(2048, 5, 64), ZoneOffset.UTC, new VirtualScheduler(NOW));
    server.start();
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  record Request(String api, byte[] payload, String contentType) {}

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> api = Arbitraries.oneOf(
        Arbitraries.of("charge-records", "charge-records-daily", "signals/charge-voltage", "signals/charge-wattage"),
        Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40).map(s -> s.replace("+", "").replace("#", "")),
        Arbitraries.strings().ofMaxLength(20).map(s -> "signals/" + s.replace("+", "").replace("#", "")));
    Arbitrary<byte[]> payload = Arbitraries.oneOf(
        Arbitraries.of(VALID).map(RequestFuzzTest::utf8),
        mutated(),
        Arbitraries.strings().ofMaxLength(300).map(RequestFuzzTest::utf8),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
        Arbitraries.integers().between(1, 3000).map(n -> utf8("[".repeat(n) + "]".repeat(n))),
        Arbitraries.integers().between(1, 3000).map(n -> utf8("{\"a\":".repeat(n) + "1" + "}".repeat(n))),
        Arbitraries.integers().between(2000, 5000).map(n -> utf8("{\"startDate\":\"" + "9".repeat(n) + "\"}")),
        Arbitraries.of("{\"page\":1e309}", "{\"page\":9223372036854775808}", "{\"page\":-9223372036854775808}",
            "{\"page\":null}", "{\"startDate\":null}", "{\"startDate\":1}", "{\"page\":1.5}", "{\"page\":true}",
            "{\"startDate\":\"2026-13-01\"}", "{\"startDate\":\"0000-01-01\",\"endDate\":\"9999-12-31\"}",
            "{\"startDate\":\"-999999999-01-01\"}", "\u0000", "{\"\u0000\":1}", "{\"page\":1}{\"page\":2}",
            "{\"page\":1,\"page\":2}", "{'page':1}", "{\"startDate\":\"2026-11-01\\u0000\"}").map(RequestFuzzTest::utf8));
    Arbitrary<String> contentType = Arbitraries.oneOf(Arbitraries.of("application/json",
        "application/x-protobuf", "application/x-protobuf; proto=evedge.v1.ChargeRecordsRequest", "text/plain",
        "application/xml", ""), Arbitraries.strings().ofMaxLength(30)).injectNull(0.3);
    return Combinators.combine(api, payload, contentType).as(Request::new);
  }

  private Arbitrary<byte[]> mutated() {
    return Combinators.combine(Arbitraries.of(VALID), Arbitraries.integers().between(0, 60),
        Arbitraries.chars(), Arbitraries.integers().between(0, 2)).as((valid, at, c, op) -> {
          StringBuilder s = new StringBuilder(valid);
          int i = s.length() == 0 ? 0 : at % (s.length() + 1);
          switch (op) {
            case 0 -> s.insert(i, c);
            case 1 -> {
              if (i < s.length()) {
                s.deleteCharAt(i);
              }
            }
            default -> {
              if (i < s.length()) {
                s.setCharAt(i, c);
              }
            }
          }
          return utf8(s.toString());
        });
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Property(tries = 1500)
  void everyRequestGetsOneWellFormedReply(@ForAll("requests") Request r) throws Exception {
    int before = link.on(REPLY).size();
    byte[] corr = {(byte) before, 7};
    link.deliver(new MqttIn(TOPICS.request(r.api()), r.payload(), r.contentType(), REPLY, corr));
    Await.until(Duration.ofSeconds(10), () -> link.on(REPLY).size() > before, "a reply to " + r);
    FakeLink.Sent reply = link.on(REPLY).get(before);
    assertEquals(corr[0], reply.message().correlationData()[0]);
    String ct = reply.message().contentType();
    byte[] body = reply.message().payload();
    if (ct.startsWith("application/x-protobuf")) {
      String type = ct.substring(ct.indexOf("proto=") + 6);
      switch (type) {
        case "evedge.v1.ErrorReply" -> {
          ErrorReply e = ErrorReply.parseFrom(body);
          assertTrue(CODES.contains(e.getError().getCode()), e.toString());
          assertFalse(e.getError().getMessage().isEmpty());
        }
        case "evedge.v1.ChargeRecordsReply" -> ChargeRecordsReply.parseFrom(body);
        case "evedge.v1.ChargeRecordsDailyReply" -> ChargeRecordsDailyReply.parseFrom(body);
        case "evedge.v1.SignalValue" -> SignalValue.parseFrom(body);
        default -> throw new AssertionError("unexpected reply type " + ct);
      }
      return;
    }
    assertEquals("application/json", ct);
    Struct json = ReferenceShapes.parse(new String(body, StandardCharsets.UTF_8));
    if (json.containsFields("error")) {
      Struct e = json.getFieldsOrThrow("error").getStructValue();
      assertTrue(CODES.contains(e.getFieldsOrThrow("code").getStringValue()), json.toString());
      assertFalse(e.getFieldsOrThrow("message").getStringValue().isEmpty());
      assertEquals(1, json.getFieldsCount());
    } else if (r.api().equals("charge-records")) {
      assertTrue(json.getFieldsOrThrow("records").hasListValue());
      assertTrue(json.getFieldsOrThrow("hasMoreData").hasBoolValue());
    } else if (r.api().equals("charge-records-daily")) {
      assertTrue(json.getFieldsOrThrow("records").hasListValue());
    } else {
      assertTrue(r.api().startsWith("signals/"), r.api());
      assertTrue(json.containsFields("quality"), json.toString());
    }
  }

  @Property(tries = 200)
  void withoutAResponseTopicNothingIsSent(@ForAll("requests") Request r) {
    long dropped = server.metrics().getDropped();
    int sent = link.sent().size();
    link.deliver(new MqttIn(TOPICS.request(r.api()), r.payload(), r.contentType(), null, null));
    assertEquals(dropped + 1, server.metrics().getDropped());
    assertEquals(sent, link.sent().size());
  }
}
