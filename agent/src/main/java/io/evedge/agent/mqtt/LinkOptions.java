package io.evedge.agent.mqtt;

import java.time.Duration;
import javax.net.SocketFactory;

/**
 * How to reach the broker.
 *
 * @param statusTopic retained {@code online}/{@code offline} topic; {@code offline} is the will;
 *     null for a client without status (a console subscriber)
 * @param version the agent version carried in status messages
 * @param socketFactory the TLS socket factory of an {@code ssl://} broker (trust and client key, see
 *     {@link TlsContexts}), or null for the JVM's default
 * @param verifyHostname whether the broker's certificate must name the host of {@code uri}
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
    String version,
    SocketFactory socketFactory,
    boolean verifyHostname) {

  /** Options without TLS settings of our own (plain TCP, or TLS with the JVM's trust store). */
  public LinkOptions(String uri, String clientId, String username, byte[] password, Duration keepAlive,
      Duration sessionExpiry, Duration connectTimeout, Duration reconnectMin, Duration reconnectMax,
      String statusTopic, String version) {
    this(uri, clientId, username, password, keepAlive, sessionExpiry, connectTimeout, reconnectMin, reconnectMax,
        statusTopic, version, null, true);
  }

  /** These options with TLS settings. */
  public LinkOptions withTls(SocketFactory factory, boolean verify) {
    return new LinkOptions(uri, clientId, username, password, keepAlive, sessionExpiry, connectTimeout, reconnectMin,
        reconnectMax, statusTopic, version, factory, verify);
  }

  @Override
  public String toString() {
    // never print the password
    return "LinkOptions[uri=" + uri + ", clientId=" + clientId + ", username=" + username
        + ", password=" + (password == null || password.length == 0 ? "none" : "set")
        + ", keepAlive=" + keepAlive + ", sessionExpiry=" + sessionExpiry + "]";
  }
}
