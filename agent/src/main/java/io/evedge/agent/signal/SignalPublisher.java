package io.evedge.agent.signal;

import io.evedge.agent.Topics;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.proto.PayloadFormat;
import io.evedge.proto.json.ProtoJson;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Publishes each changed signal, retained, on {@code <p>/signals/<name>} in the configured payload
 * format, with the MQTT v5 Content Type saying which. Latest value wins while the link is down.
 */
public final class SignalPublisher implements Consumer<SignalTable.Update> {

  /** Content Type of JSON bodies. */
  public static final String JSON = "application/json";
  /** Content Type of protobuf signal bodies. */
  public static final String PROTOBUF = "application/x-protobuf; proto=evedge.v1.SignalValue";

  private final MqttLink link;
  private final Topics topics;
  private final PayloadFormat format;
  private final int qos;

  public SignalPublisher(MqttLink link, Topics topics, PayloadFormat format, int qos) {
    this.link = link;
    this.topics = topics;
    this.format = format;
    this.qos = qos;
  }

  @Override
  public void accept(SignalTable.Update update) {
    byte[] payload;
    String contentType;
    if (format == PayloadFormat.PROTOBUF) {
      payload = update.body().toByteArray();
      contentType = PROTOBUF;
    } else {
      payload = ProtoJson.print(update.body()).getBytes(StandardCharsets.UTF_8);
      contentType = JSON;
    }
    link.publish(MqttOut.latest(topics.signal(update.def().name()), payload, qos, contentType));
  }
}
