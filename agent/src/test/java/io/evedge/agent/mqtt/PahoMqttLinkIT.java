package io.evedge.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.TestSubscriber;
import io.evedge.time.SystemScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The MQTT link against a real Mosquitto that the tests stop and restart. */
class PahoMqttLinkIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker().withConfig("max_inflight_messages 3", "log_type all");

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final SystemScheduler scheduler = new SystemScheduler("test-scheduler");
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    scheduler.close();
    broker.start();
  }

  private PahoMqttLink link(String id) throws Exception {
    PahoMqttLink link = new PahoMqttLink(new LinkOptions(broker.uri(), id, null, null, Duration.ofSeconds(10),
        Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(400),
        "it/" + id + "/status", "test"), scheduler);
    toClose.add(link);
    return link;
  }

  private TestSubscriber subscriber(String... filters) throws Exception {
    TestSubscriber s = new TestSubscriber(broker.uri(), filters);
    toClose.add(s);
    return s;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void publishesRetainedOnlineStatusAndMessagesWithContentType() throws Exception {
    PahoMqttLink link = link("a");
    link.start();
    link.publish(MqttOut.latest("it/a/signals/x", utf8("{\"value\":1}"), 1, "application/json"))
        .get(15, TimeUnit.SECONDS);

    TestSubscriber sub = subscriber("it/a/#");
    TestSubscriber.Received status = sub.await("it/a/status", r -> r.payload().contains("\"online\""), WAIT);
    assertTrue(status.retained(), "status is retained");
    assertEquals("application/json", status.contentType());
    TestSubscriber.Received x = sub.await("it/a/signals/x", r -> true, WAIT);
    assertTrue(x.retained());
    assertEquals("{\"value\":1}", x.payload());
    assertEquals("application/json", x.contentType());
  }

  @Test
  void retriesTheFirstConnectUntilTheBrokerComes() throws Exception {
    broker.stop();
    PahoMqttLink link = link("b");
    link.start();
    CompletableFuture<Void> sent = link.publish(MqttOut.each("it/b/m", utf8("queued before the broker"), 1,
        false, null));
    assertTrue(!link.isConnected());
    broker.start();
    sent.get(15, TimeUnit.SECONDS);
    assertTrue(link.isConnected());
  }

  @Test
  void reconnectsAfterTheBrokerRestartsAndSendsOnlyTheLatestValueOfASignal() throws Exception {
    PahoMqttLink link = link("c");
    link.start();
    Await.until(WAIT, link::isConnected, "the first connect");
    broker.stop();
    Await.until(WAIT, () -> !link.isConnected(), "the link to notice the broker is gone");
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      sends.add(link.publish(MqttOut.latest("it/c/signals/v", utf8("{\"value\":" + i + "}"), 1,
          "application/json")));
    }
    broker.start();
    TestSubscriber sub = subscriber("it/c/signals/v");
    TestSubscriber.Received latest = sub.await("it/c/signals/v", r -> true, WAIT);
    assertEquals("{\"value\":50}", latest.payload(), "the retained value is the latest one");
    for (CompletableFuture<Void> f : sends) {
      f.get(15, TimeUnit.SECONDS);
    }
    assertTrue(link.connects() >= 2);
  }

  @Test
  void anAcknowledgementThatFindsTheLinkBusyIsTakenOnTheLinksOwnThread() throws Exception {
    PahoMqttLink link = link("g");
    link.start();
    link.publish(MqttOut.each("it/g/m", utf8("first"), 1, false, null)).get(15, TimeUnit.SECONDS);
    TestSubscriber sub = subscriber("it/g/m");
    CompletableFuture<CompletableFuture<Void>> sent = new CompletableFuture<>();
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = new Thread(() -> {
      link.lock.lock();
      try {
        // handed to Paho on this thread, which keeps the lock while the PUBACK comes back
        sent.complete(link.publish(MqttOut.each("it/g/m", utf8("while busy"), 1, false, null)));
        release.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        link.lock.unlock();
      }
    }, "lock-holder");
    holder.start();
    CompletableFuture<Void> busy = sent.get(15, TimeUnit.SECONDS);
    sub.await("it/g/m", r -> r.payload().equals("while busy"), WAIT);
    // Paho's callback thread found the lock taken and handed the acknowledgement to the link's thread
    Await.until(WAIT, link.lock::hasQueuedThreads, "the link's thread waiting for the lock");
    assertFalse(busy.isDone(), "not completed while the lock is held");
    release.countDown();
    busy.get(15, TimeUnit.SECONDS);
    holder.join(15_000);
    // the slot in flight was given back: the next message goes out
    link.publish(MqttOut.each("it/g/m", utf8("after"), 1, false, null)).get(15, TimeUnit.SECONDS);
    sub.await("it/g/m", r -> r.payload().equals("after"), WAIT);
  }

  @Test
  void neverExceedsTheBrokersReceiveMaximum() throws Exception {
    // mosquitto advertises max_inflight_messages (3 here) as its Receive Maximum; Paho would throw
    // "too many publishes in progress" past it
    PahoMqttLink link = link("d");
    link.start();
    TestSubscriber sub = subscriber("it/d/seq");
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      sends.add(link.publish(MqttOut.each("it/d/seq", utf8(Integer.toString(i)), 1, false, null)));
    }
    for (CompletableFuture<Void> f : sends) {
      f.get(30, TimeUnit.SECONDS);
    }
    sub.await("it/d/seq", r -> r.payload().equals("299"), WAIT);
    if (broker.isMosquitto()) {
      assertEquals(3, link.receiveMaximum());
    }
    List<String> got = sub.on("it/d/seq").stream().map(TestSubscriber.Received::payload).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      expected.add(Integer.toString(i));
    }
    assertEquals(expected, got, "every message, in order");
  }

  @Test
  void closePublishesOfflineAndLeavesNoThreads() throws Exception {
    PahoMqttLink link = new PahoMqttLink(new LinkOptions(broker.uri(), "e", null, null, Duration.ofSeconds(10),
        Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(400),
        "it/e/status", "test"), scheduler);
    link.start();
    Await.until(WAIT, link::isConnected, "connect");
    for (int i = 0; i < 3; i++) {
      broker.stop();
      Await.until(WAIT, () -> !link.isConnected(), "loss " + i);
      broker.start();
      Await.until(WAIT, link::isConnected, "reconnect " + i);
    }
    assertTrue(linkThreads() <= 9, "threads after three reconnects: " + linkThreads());
    TestSubscriber sub = subscriber("it/e/status");
    link.close();
    sub.await("it/e/status", r -> r.payload().contains("\"offline\""), WAIT);
    Await.until(WAIT, () -> linkThreads() == 0, "every link thread to end");
  }

  @Test
  void whatIsInFlightAtALossIsSentAgainOnceByUsAloneAndInOrder() throws Exception {
    // Paho left to itself resends its unacknowledged publishes after a reconnect while failing their
    // tokens, so a caller resending too doubles them; the link resends alone, in order
    PahoMqttLink link = link("f");
    link.start();
    Await.until(WAIT, link::isConnected, "connect");
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      sends.add(link.publish(MqttOut.each("it/f/seq", utf8(Integer.toString(i)), 1, false, null)));
    }
    Await.until(WAIT, () -> sends.stream().filter(CompletableFuture::isDone).count() >= 60, "some acknowledged");
    broker.stop();
    broker.start();
    for (CompletableFuture<Void> f : sends) {
      f.get(30, TimeUnit.SECONDS);
    }
    long received;
    try (var lines = java.nio.file.Files.lines(broker.dir().resolve("mosquitto.log"))) {
      received = lines.filter(l -> l.contains("Received PUBLISH from f ") && l.contains("'it/f/seq'")).count();
    }
    assertTrue(received >= 300 && received <= 300 + 3, "the broker got " + received
        + " publishes for 300 messages: at most the 3 in flight at the loss may come twice");
  }

  private static long linkThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && (t.getName().startsWith("evedge-paho") || t.getName().equals("evedge-mqtt")))
        .count();
  }
}
