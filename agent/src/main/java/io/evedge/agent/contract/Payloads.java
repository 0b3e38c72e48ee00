package io.evedge.agent.contract;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.evedge.proto.PayloadFormat;
import io.evedge.proto.json.ProtoJson;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The payload of a message in the configured format, JSON (the reference shapes, via
 * {@link ProtoJson}) or protobuf (the same message's binary form), with the MQTT v5 Content Type that
 * says which: {@value #JSON} or {@code application/x-protobuf; proto=<full message name>}.
 */
public final class Payloads {

  /** Content Type of JSON payloads. */
  public static final String JSON = "application/json";
  /** Content Type prefix of protobuf payloads; the {@code proto} parameter names the message. */
  public static final String PROTOBUF = "application/x-protobuf";

  private final PayloadFormat format;

  public Payloads(PayloadFormat format) {
    this.format = format == PayloadFormat.PROTOBUF ? PayloadFormat.PROTOBUF : PayloadFormat.JSON;
  }

  public PayloadFormat format() {
    return format;
  }

  /** A payload and its Content Type. */
  public record Encoded(byte[] bytes, String contentType) {}

  /** {@code message} in the configured format. */
  public Encoded encode(Message message) {
    return format == PayloadFormat.PROTOBUF ? protobuf(message) : json(message, null);
  }

  /** {@code message} as JSON, whatever the configured format. */
  public static Encoded json(Message message, Predicate<FieldDescriptor> alwaysEmit) {
    String text = alwaysEmit == null ? ProtoJson.print(message) : ProtoJson.print(message, alwaysEmit);
    return new Encoded(text.getBytes(StandardCharsets.UTF_8), JSON);
  }

  /** {@code message} as protobuf, whatever the configured format. */
  public static Encoded protobuf(Message message) {
    return new Encoded(message.toByteArray(), contentType(message));
  }

  /** The protobuf Content Type of {@code message}'s type. */
  public static String contentType(Message message) {
    return PROTOBUF + "; proto=" + message.getDescriptorForType().getFullName();
  }
}
