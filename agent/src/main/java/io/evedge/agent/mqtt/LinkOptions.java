package io.evedge.agent.mqtt;

import java.time.Duration;

/**
 * How to reach the broker.
 *
 * @param statusTopic retained {@code online}/{@code offline} topic; {@code offline} is the will;
 *     null for a client without status (a console subscriber)
 * @param version the agent version carried in status messages
 */
public record LinkOptions(
    String uri,
    String clientId,
    String username,
    byte[] password,
    Duration keepAlive,
    Duration sessionExpiry,
    Duration connectTimeout,
    Duration reconnectMin,
    Duration reconnectMax,
    String statusTopic,
    String version) {

  @Override
  public String toString() {
    // never print the password
    return "LinkOptions[uri=" + uri + ", clientId=" + clientId + ", username=" + username
        + ", keepAlive=" + keepAlive + ", sessionExpiry=" + sessionExpiry + "]";
  }
}
