package io.evedge.agent.testing;

import com.google.protobuf.Message;
import io.evedge.proto.SignalValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
      int qos) {

    /** The payload as a signal body; fails with the payload if it is not one. */
    public SignalValue signal() {
      return ReferenceShapes.parse(payload, SignalValue.getDefaultInstance());
    }

    /** The payload as the JSON of {@code type}'s message (a charge record, the metrics, ...). */
    public <M extends Message> M as(M type) {
      return ReferenceShapes.parse(payload, type);
    }
  }

  private final MqttClient client;
  private final ReceivedLog<Received> received = new ReceivedLog<>(Received::topic, Received::payload);

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
        received.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getPayload(),
            m.isRetained(), ct, m.getQos()));
      };
    }
    client.subscribe(subs, listeners);
  }

  /** Waits for a message on {@code topic} that satisfies {@code test}, returning the first such. */
  public Received await(String topic, Predicate<Received> test, Duration deadline) {
    return received.await(topic, test, deadline);
  }

  /** Everything received on {@code topic}, in order. */
  public List<Received> on(String topic) {
    return received.on(topic);
  }

  /** Everything received, in order. */
  public List<Received> all() {
    return received.all();
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
