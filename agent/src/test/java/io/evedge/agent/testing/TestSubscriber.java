package io.evedge.agent.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * A backend's view for tests: a separate MQTT v5 client that records every message it receives,
 * with the retained flag as published (Retain As Published) and Content Type, and lets a test await one with a deadline.
 */
public final class TestSubscriber implements AutoCloseable {

  /** One received message. */
  public record Received(String topic, String payload, byte[] bytes, boolean retained, String contentType,
      int qos) {}

  private final MqttClient client;
  private final List<Received> received = new ArrayList<>();

  public TestSubscriber(String uri, String... filters) throws MqttException {
    client = new MqttClient(uri, "test-sub-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    o.setUseSubscriptionIdentifiers(false);
    client.connect(o);
    MqttSubscription[] subs = new MqttSubscription[filters.length];
    for (int i = 0; i < filters.length; i++) {
      subs[i] = new MqttSubscription(filters[i], 1);
      // so a live message shows whether it was published retained
      subs[i].setRetainAsPublished(true);
    }
    org.eclipse.paho.mqttv5.client.IMqttMessageListener[] listeners =
        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[filters.length];
    for (int i = 0; i < filters.length; i++) {
      listeners[i] = (topic, m) -> {
        String ct = m.getProperties() == null ? null : m.getProperties().getContentType();
        synchronized (received) {
          received.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getPayload(),
              m.isRetained(), ct, m.getQos()));
          received.notifyAll();
        }
      };
    }
    client.subscribe(subs, listeners);
  }

  /** Waits for a message on {@code topic} that satisfies {@code test}, returning the first such. */
  public Received await(String topic, Predicate<Received> test, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    synchronized (received) {
      while (true) {
        for (Received r : received) {
          if (r.topic().equals(topic) && test.test(r)) {
            return r;
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no message on " + topic + " matching the test within " + deadline.toMillis()
              + " ms; received " + received.stream().filter(r -> r.topic().equals(topic)).map(Received::payload)
              .toList());
        }
        try {
          received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted");
        }
      }
    }
  }

  /** Everything received on {@code topic}, in order. */
  public List<Received> on(String topic) {
    synchronized (received) {
      return received.stream().filter(r -> r.topic().equals(topic)).toList();
    }
  }

  public List<Received> all() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }

  @Override
  public void close() throws MqttException {
    try {
      if (client.isConnected()) {
        client.disconnect();
      }
    } finally {
      client.close();
    }
  }
}
