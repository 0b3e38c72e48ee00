package io.evedge.agent.record;

import io.evedge.agent.Topics;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.PayloadFormat;
import io.evedge.proto.json.ProtoJson;
import java.nio.charset.StandardCharsets;
import org.tinylog.Logger;

/**
 * An interim {@link RecordPublisher} until the durable outbox is wired in: publishes each record at
 * once on {@code <p>/records}, QoS 1, not retained, as JSON (the record's reference-shaped fields and
 * the rest) or protobuf, with the MQTT v5 Content Type saying which. The link queues it while the
 * broker is away, but only in memory: a record whose PUBACK has not come when the agent dies is
 * still in the record store, not re-sent. The outbox closes that gap.
 */
public final class LinkRecordPublisher implements RecordPublisher {

  /** Content Type of a protobuf record. */
  public static final String PROTOBUF = "application/x-protobuf; proto=evedge.v1.ChargeRecord";

  private final MqttLink link;
  private final Topics topics;
  private final PayloadFormat format;

  public LinkRecordPublisher(MqttLink link, Topics topics, PayloadFormat format) {
    this.link = link;
    this.topics = topics;
    this.format = format;
  }

  @Override
  public void enqueue(ChargeRecord record) {
    byte[] payload;
    String contentType;
    if (format == PayloadFormat.PROTOBUF) {
      payload = record.toByteArray();
      contentType = PROTOBUF;
    } else {
      payload = ProtoJson.print(record).getBytes(StandardCharsets.UTF_8);
      contentType = "application/json";
    }
    link.publish(MqttOut.each(topics.records(), payload, 1, false, contentType)).whenComplete((ok, e) -> {
      if (e != null) {
        Logger.warn("Record {} not acknowledged by the broker: {}", record.getId(), e.getMessage());
      } else {
        Logger.debug("Record {} acknowledged", record.getId());
      }
    });
  }
}
