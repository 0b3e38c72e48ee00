package io.evedge.agent.contract;

import com.google.protobuf.ByteString;
import io.evedge.agent.Topics;
import io.evedge.agent.mqtt.LinkEvent;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.proto.AgentMetrics;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.ChargeRecordsDailyReply;
import io.evedge.proto.ChargeRecordsDailyRequest;
import io.evedge.proto.ChargeRecordsReply;
import io.evedge.proto.ChargeRecordsRequest;
import io.evedge.proto.ErrorReply;
import io.evedge.proto.PayloadFormat;
import io.evedge.proto.SchemaInfo;
import io.evedge.proto.SignalValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The retained {@code <p>/schema} topic: the protobuf descriptor set of the whole contract (every
 * {@code evedge/v1} .proto and its imports, as the build writes it into the proto jar), its version
 * and fingerprint, and which message each topic carries, so a backend decodes our protobuf payloads
 * with nothing but this. Always JSON, whatever the payload format, so it can be read first.
 * Published on the first connect and again on every reconnect the broker did not resume a session
 * for (it may have lost its retained messages).
 */
public final class Schema {

  /** The contract's major version: the {@code v1} of {@code evedge.v1}. */
  public static final String VERSION = "1";
  /** Where the build puts the descriptor set, on the class path. */
  public static final String DESCRIPTOR_RESOURCE = "/evedge/v1/evedge.desc";

  private Schema() {}

  /** The descriptor set bytes (a serialized {@code google.protobuf.FileDescriptorSet}). */
  public static byte[] descriptorSet() {
    try (InputStream in = Schema.class.getResourceAsStream(DESCRIPTOR_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no " + DESCRIPTOR_RESOURCE + " on the class path: the proto module "
            + "writes it at build time");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Topic (relative to {@code <p>/}) to the full name of its message. */
  public static Map<String, String> messages() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("signals/+", SignalValue.getDescriptor().getFullName());
    m.put("records", ChargeRecord.getDescriptor().getFullName());
    m.put("metrics", AgentMetrics.getDescriptor().getFullName());
    m.put("req/charge-records", ChargeRecordsRequest.getDescriptor().getFullName());
    m.put("req/charge-records (reply)", ChargeRecordsReply.getDescriptor().getFullName());
    m.put("req/charge-records-daily", ChargeRecordsDailyRequest.getDescriptor().getFullName());
    m.put("req/charge-records-daily (reply)", ChargeRecordsDailyReply.getDescriptor().getFullName());
    m.put("req/signals/+ (reply)", SignalValue.getDescriptor().getFullName());
    m.put("req/+ (error reply)", ErrorReply.getDescriptor().getFullName());
    return m;
  }

  /** The body of {@code <p>/schema}. */
  public static SchemaInfo info(PayloadFormat format, String agentVersion) {
    byte[] set = descriptorSet();
    String fingerprint;
    try {
      fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(set));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return SchemaInfo.newBuilder()
        .setSchemaVersion(VERSION)
        .setFingerprint(fingerprint)
        .setPayloadFormat(format == PayloadFormat.PROTOBUF ? "PROTOBUF" : "JSON")
        .setDescriptorSet(ByteString.copyFrom(set))
        .putAllMessages(messages())
        .setAgentVersion(agentVersion)
        .build();
  }

  /** Publishes the schema on {@code link} whenever it (re)connects without a resumed session. */
  public static void publishOn(MqttLink link, Topics topics, PayloadFormat format, String agentVersion) {
    byte[] body = Payloads.json(info(format, agentVersion), null).bytes();
    String topic = topics.base() + "/schema";
    boolean[] sent = {false};
    link.onLinkEvent((LinkEvent e) -> {
      if (e.connected() && (!sent[0] || !e.sessionPresent())) {
        sent[0] = true;
        link.publish(MqttOut.latest(topic, body, 1, Payloads.JSON));
      }
    });
  }
}
