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
import io.evedge.drivers.testing.Fuzz;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated payloads, content types and API names to every request API: each request with
 * a response topic gets exactly one reply, which is either a well-formed answer of its API or
 * {@code {"error":{"code":…,"message":…}}}; nothing escapes the server and it keeps answering.
 * Each try draws a fresh seed; a failure names its seed, which replays it ({@link Fuzz}).
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

  @BeforeAll
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

  @AfterAll
  static void stop() {
    server.close();
  }

  record Request(String api, byte[] payload, String contentType) {}

  private static final List<String> APIS =
      List.of("charge-records", "charge-records-daily", "signals/charge-voltage", "signals/charge-wattage");
  private static final List<String> ODD = List.of("{\"page\":1e309}", "{\"page\":9223372036854775808}",
      "{\"page\":-9223372036854775808}", "{\"page\":null}", "{\"startDate\":null}", "{\"startDate\":1}",
      "{\"page\":1.5}", "{\"page\":true}", "{\"startDate\":\"2026-13-01\"}",
      "{\"startDate\":\"0000-01-01\",\"endDate\":\"9999-12-31\"}", "{\"startDate\":\"-999999999-01-01\"}",
      "\u0000", "{\"\u0000\":1}", "{\"page\":1}{\"page\":2}", "{\"page\":1,\"page\":2}", "{'page':1}",
      "{\"startDate\":\"2026-11-01\\u0000\"}");
  private static final List<String> CONTENT_TYPES = List.of("application/json", "application/x-protobuf",
      "application/x-protobuf; proto=evedge.v1.ChargeRecordsRequest", "text/plain", "application/xml", "");

  /** A request drawn from {@code r}: a known or random API, one of eight kinds of payload, any content type. */
  private static Request request(SplittableRandom r) {
    String api = switch (r.nextInt(3)) {
      case 0 -> pick(r, APIS);
      case 1 -> printable(r, 40).replace("+", "").replace("#", "");
      default -> "signals/" + anyText(r, 20).replace("+", "").replace("#", "");
    };
    byte[] payload = switch (r.nextInt(8)) {
      case 0 -> utf8(pick(r, VALID));
      case 1 -> mutated(r);
      case 2 -> utf8(anyText(r, 300));
      case 3 -> {
        byte[] b = new byte[r.nextInt(301)];
        r.nextBytes(b);
        yield b;
      }
      case 4 -> {
        int n = r.nextInt(1, 3001);
        yield utf8("[".repeat(n) + "]".repeat(n));
      }
      case 5 -> {
        int n = r.nextInt(1, 3001);
        yield utf8("{\"a\":".repeat(n) + "1" + "}".repeat(n));
      }
      case 6 -> utf8("{\"startDate\":\"" + "9".repeat(r.nextInt(2000, 5001)) + "\"}");
      default -> utf8(pick(r, ODD));
    };
    String contentType = r.nextInt(10) < 3 ? null : r.nextBoolean() ? pick(r, CONTENT_TYPES) : anyText(r, 30);
    return new Request(api, payload, contentType);
  }

  /** A valid payload with one character inserted, deleted or replaced. */
  private static byte[] mutated(SplittableRandom r) {
    StringBuilder s = new StringBuilder(pick(r, VALID));
    int at = r.nextInt(61);
    char c = anyChar(r);
    int i = s.length() == 0 ? 0 : at % (s.length() + 1);
    switch (r.nextInt(3)) {
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
  }

  private static <T> T pick(SplittableRandom r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  private static String printable(SplittableRandom r, int maxLength) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(maxLength + 1); i > 0; i--) {
      s.append((char) r.nextInt('!', '~' + 1));
    }
    return s.toString();
  }

  /**
   * Any text an MQTT string can carry (it arrives as UTF-8, so no lone surrogate halves): printable
   * ASCII, controls, the rest of the BMP and now and then a supplementary code point. Malformed
   * UTF-8 comes in as raw byte payloads.
   */
  private static String anyText(SplittableRandom r, int maxLength) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(maxLength + 1); i > 0; i--) {
      if (r.nextInt(16) == 0) {
        s.appendCodePoint(r.nextInt(Character.MIN_SUPPLEMENTARY_CODE_POINT, Character.MAX_CODE_POINT + 1));
      } else {
        s.append(anyChar(r));
      }
    }
    return s.toString();
  }

  private static char anyChar(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> (char) r.nextInt(' ', '~' + 1);
      case 1 -> (char) r.nextInt(0, ' ');
      default -> {
        char c = (char) r.nextInt(Character.MAX_VALUE + 1);
        yield Character.isSurrogate(c) ? '\uFFFD' : c;
      }
    };
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyRequestGetsOneWellFormedReply() {
    Fuzz.tries(1500, random -> oneWellFormedReply(request(random)));
  }

  private static void oneWellFormedReply(Request r) throws Exception {
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

  @Test
  void withoutAResponseTopicNothingIsSent() {
    Fuzz.tries(200, random -> nothingSentWithoutResponseTopic(request(random)));
  }

  private static void nothingSentWithoutResponseTopic(Request r) {
    long dropped = server.metrics().getDropped();
    int sent = link.sent().size();
    link.deliver(new MqttIn(TOPICS.request(r.api()), r.payload(), r.contentType(), null, null));
    assertEquals(dropped + 1, server.metrics().getDropped());
    assertEquals(sent, link.sent().size());
  }
}
