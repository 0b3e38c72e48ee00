package io.evedge.agent.mqtt;

/**
 * A message received on a subscription, with the MQTT v5 request/response properties.
 *
 * @param responseTopic where a reply goes, or null
 * @param correlationData to be echoed in the reply, or null
 */
public record MqttIn(String topic, byte[] payload, String contentType, String responseTopic,
    byte[] correlationData) {}
