package io.evedge.agent.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.Topics;
import io.evedge.agent.mqtt.LinkOptions;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.signal.SignalTable;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.Backend;
import io.evedge.agent.testing.MemoryRecordStore;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.ReferenceShapes;
import io.evedge.agent.testing.SignalSamples;
import io.evedge.proto.Quality;
import io.evedge.time.SystemScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each request API and each bad request through a real Mosquitto, MQTT v5 request/response. */
class RequestIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Topics TOPICS = new Topics("evedge", "cp-req");

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String code(Backend.Received r) {
    return ReferenceShapes.parse(r.text()).getFieldsOrThrow("error").getStructValue().getFieldsOrThrow("code")
        .getStringValue();
  }

  @Test
  void everyApiAndEveryBadRequest() throws Exception {
    SystemScheduler scheduler = new SystemScheduler("req-it");
    MemoryRecordStore store = new MemoryRecordStore(ZoneOffset.UTC);
    store.append(SignalSamples.referenceRecord().toBuilder()
        .setStartTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 3600))
        .build());
    SignalTable table = new SignalTable(u -> { });
    table.set(SignalCatalog.VOLTAGE, 229.9, Instant.now(), Quality.GOOD);
    PahoMqttLink link = new PahoMqttLink(new LinkOptions(broker.uri(), "evedge-cp-req", null, null,
        Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMillis(50),
        Duration.ofMillis(400), TOPICS.status(), "test"), scheduler);
    RequestServer server = new RequestServer(TOPICS, link, store, table::get, Set.of("charge-voltage"),
        new RequestServer.Options(4096, 20, 32), ZoneOffset.UTC, scheduler);
    try (Backend backend = new Backend(broker.uri(), "be-req")) {
      server.start();
      link.start();
      Await.until(WAIT, link::isConnected, "the agent's link");
      String req = TOPICS.request("");
      // the agent subscribes right after it connects: wait until its subscription is in place
      Await.until(WAIT, () -> {
        try {
          backend.request(req + "signals/charge-voltage", new byte[0], null, Duration.ofMillis(300));
          return true;
        } catch (AssertionError | Exception e) {
          return false;
        }
      }, "the request server to answer");

      Backend.Received records = backend.request(req + "charge-records", utf8("{}"), "application/json", WAIT);
      assertEquals("application/json", records.contentType());
      assertTrue(records.text().startsWith("{\"records\":[{\"id\":\"CHG-20231015-A39B\""), records.text());
      assertTrue(records.text().endsWith("\"hasMoreData\":false}"), records.text());

      Backend.Received daily = backend.request(req + "charge-records-daily", utf8(""), null, WAIT);
      assertTrue(daily.text().matches("\\{\"records\":\\[\\{\"date\":\"[^\"]+\",\"home\":65.2,\"other\":0,"
          + "\"superCharger\":0,\"total\":65.2}]}"), daily.text());

      Backend.Received signal = backend.request(req + "signals/charge-voltage", new byte[0], null, WAIT);
      assertTrue(signal.text().startsWith("{\"value\":229.9,\"unit\":\"volts\""), signal.text());

      assertEquals("INVALID_JSON", code(backend.request(req + "charge-records", utf8("{nope"), null, WAIT)));
      assertEquals("INVALID_ARGUMENT", code(backend.request(req + "charge-records",
          utf8("{\"startDate\":\"2026-02-31\"}"), null, WAIT)));
      assertEquals("INVALID_ARGUMENT", code(backend.request(req + "charge-records",
          utf8("{\"startDate\":\"2026-03-01\",\"endDate\":\"2026-02-01\"}"), null, WAIT)));
      assertEquals("INVALID_ARGUMENT", code(backend.request(req + "charge-records", utf8("{\"page\":0}"), null,
          WAIT)));
      assertEquals("UNKNOWN_API", code(backend.request(req + "charge-history", utf8("{}"), null, WAIT)));
      assertEquals("PAYLOAD_TOO_LARGE", code(backend.request(req + "charge-records",
          utf8("{\"startDate\":\"" + "x".repeat(10_000) + "\"}"), null, WAIT)));
      assertEquals("NOT_FOUND", code(backend.request(req + "signals/charge-wattage", new byte[0], null, WAIT)));

      // no response topic: dropped, logged, counted; the server goes on answering
      backend.publish(req + "charge-records", utf8("{}"));
      Await.until(WAIT, () -> server.metrics().getDropped() == 1, "the drop to be counted");
      assertEquals("application/json", backend.request(req + "signals/charge-voltage", new byte[0], null, WAIT)
          .contentType());
      assertEquals(7, server.metrics().getErrors());
      assertTrue(server.metrics().getHandled() >= 4);
    } finally {
      server.close();
      link.close();
      scheduler.close();
    }
  }
}
