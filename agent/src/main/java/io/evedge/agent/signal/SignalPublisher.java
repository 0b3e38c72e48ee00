package io.evedge.agent.signal;

import io.evedge.agent.Topics;
import io.evedge.agent.contract.Payloads;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.proto.PayloadFormat;
import io.evedge.proto.SignalValue;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Publishes signal bodies, retained, on {@code <p>/signals/<name>} in the configured payload format,
 * with the MQTT v5 Content Type saying which. A latest-value update replaces one of the same signal
 * still queued while the link is busy or down; a discrete transition never does.
 */
public final class SignalPublisher implements Consumer<SignalTable.Update>, ReportByException.Sink {

  /** Content Type of JSON bodies. */
  public static final String JSON = Payloads.JSON;
  /** Content Type of protobuf signal bodies. */
  public static final String PROTOBUF = Payloads.PROTOBUF + "; proto=evedge.v1.SignalValue";

  private final MqttLink link;
  private final Topics topics;
  // every catalog signal's topic, built once: a body goes out at every poll that changes it
  private final Map<String, String> topicOf;
  private final Payloads payloads;
  private final int qos;
  private final AtomicLong published = new AtomicLong();

  public SignalPublisher(MqttLink link, Topics topics, PayloadFormat format, int qos) {
    this.link = link;
    this.topics = topics;
    Map<String, String> t = new HashMap<>();
    for (String name : SignalCatalog.all().keySet()) {
      t.put(name, topics.signal(name));
    }
    this.topicOf = Map.copyOf(t);
    this.payloads = new Payloads(format);
    this.qos = qos;
  }

  /** Publishes every change, latest value wins (without report-by-exception). */
  @Override
  public void accept(SignalTable.Update update) {
    publish(update.def(), update.body(), false);
  }

  @Override
  public void publish(SignalCatalog.Def def, SignalValue body, boolean every) {
    Payloads.Encoded e = SignalBodies.encode(payloads.format(), def, body);
    String topic = topicOf.get(def.name());
    if (topic == null) {
      topic = topics.signal(def.name());
    }
    link.publish(every ? MqttOut.each(topic, e.bytes(), qos, true, e.contentType())
        : MqttOut.latest(topic, e.bytes(), qos, e.contentType()));
    published.incrementAndGet();
  }

  /** Signal bodies handed to the link so far. */
  public long published() {
    return published.get();
  }
}
