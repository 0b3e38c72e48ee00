package io.evedge.agent;

/** The MQTT topics of one agent: {@code <topic_prefix>/<device_id>/...}. */
public record Topics(String prefix, String deviceId) {

  public String base() {
    return prefix + "/" + deviceId;
  }

  /** Retained {@code online}/{@code offline}; {@code offline} is the will. */
  public String status() {
    return base() + "/status";
  }

  /** Retained signal body. */
  public String signal(String name) {
    return base() + "/signals/" + name;
  }

  /** Completed charge records, QoS 1, not retained. */
  public String records() {
    return base() + "/records";
  }

  /** Requests of one API, MQTT v5 request/response. */
  public String request(String api) {
    return base() + "/req/" + api;
  }
}
