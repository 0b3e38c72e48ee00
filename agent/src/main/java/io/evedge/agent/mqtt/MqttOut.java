package io.evedge.agent.mqtt;

/**
 * A message to publish.
 *
 * @param coalesce when true, a newer message on the same topic that is queued before this one is
 *     sent replaces it (latest value wins: live signals); when false every message is sent, in order
 * @param correlationData MQTT v5 Correlation Data of a response, or null
 */
public record MqttOut(String topic, byte[] payload, int qos, boolean retained, String contentType,
    boolean coalesce, byte[] correlationData) {

  public MqttOut {
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + qos);
    }
  }

  /** A retained latest-value-wins message such as a signal body. */
  public static MqttOut latest(String topic, byte[] payload, int qos, String contentType) {
    return new MqttOut(topic, payload, qos, true, contentType, true, null);
  }

  /** A message every copy of which must be delivered, in order. */
  public static MqttOut each(String topic, byte[] payload, int qos, boolean retained, String contentType) {
    return new MqttOut(topic, payload, qos, retained, contentType, false, null);
  }
}
