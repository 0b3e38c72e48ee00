package io.evedge.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.testing.AgentHarness;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with a CA file and hostname verification, mutual TLS and password authentication against
 * Mosquitto configured for them, with certificates the test makes; and the clear error of each way
 * it can go wrong: a wrong password, an untrusted certificate, a certificate for another host, no
 * client certificate.
 */
class TlsIT {

  static final Path CERTS = TestCerts.generate();
  static final Path PASSWORDS = passwords();

  /** TLS, server certificate for 127.0.0.1, password required. */
  @RegisterExtension
  static final MqttBroker tls = new MqttBroker().withConfig(
      "cafile " + CERTS.resolve("ca.pem"),
      "certfile " + CERTS.resolve("server.pem"),
      "keyfile " + CERTS.resolve("server.key"),
      "password_file " + PASSWORDS,
      "allow_anonymous false");

  /** TLS with a certificate that names another host. */
  @RegisterExtension
  static final MqttBroker wrongName = new MqttBroker().withConfig(
      "cafile " + CERTS.resolve("ca.pem"),
      "certfile " + CERTS.resolve("wrong-name.pem"),
      "keyfile " + CERTS.resolve("wrong-name.key"));

  /** Mutual TLS: a client certificate from our CA is required. */
  @RegisterExtension
  static final MqttBroker mutual = new MqttBroker().withConfig(
      "cafile " + CERTS.resolve("ca.pem"),
      "certfile " + CERTS.resolve("server.pem"),
      "keyfile " + CERTS.resolve("server.key"),
      "require_certificate true");

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private static Path passwords() {
    Path f = CERTS.resolve("passwd");
    MqttBroker.addPassword(f, "cp-tls", "c0rrect-h0rse");
    return f;
  }

  private String config(String device, MqttBroker broker, String extra) {
    return """
        device_id: %s
        state_dir: %s
        mqtt:
          uri: ssl://127.0.0.1:%d
          reconnect_min_ms: 100
          reconnect_max_ms: 500
        %s""".formatted(device, dir.resolve(device), broker.port(), extra.indent(2));
  }

  private static PahoMqttLink link(AgentHarness h) {
    return (PahoMqttLink) h.agent().link();
  }

  @Test
  void tlsWithCaFileAndPasswordFromAFile() throws Exception {
    Path pass = dir.resolve("mqtt.pass");
    Files.writeString(pass, "c0rrect-h0rse\n");
    try (AgentHarness h = new AgentHarness(dir, config("cp-tls", tls, """
        username: cp-tls
        password_file: %s
        tls: {ca_file: %s}
        """.formatted(pass, CERTS.resolve("ca.pem")))).start()) {
      Await.until(WAIT, () -> link(h).isConnected(), "a TLS connection; last error: " + link(h).lastError());
      assertEquals("", link(h).lastError());
    }
  }

  @Test
  void aWrongPasswordIsSaidPlainly() throws Exception {
    try (AgentHarness h = new AgentHarness(dir, config("cp-tls", tls, """
        username: cp-tls
        password: wr0ng
        tls: {ca_file: %s}
        """.formatted(CERTS.resolve("ca.pem")))).start()) {
      // MQTT v5 has 0x86 bad user name or password; Mosquitto 2.0 answers 0x87 not authorized
      Await.until(WAIT, () -> link(h).lastError().contains("rejected the username or password")
          || link(h).lastError().contains("check the username and password"), "the refusal");
      assertFalse(link(h).isConnected());
      assertFalse(link(h).lastError().contains("wr0ng"), "the password is not in the error");
    }
  }

  @Test
  void anUntrustedCertificateIsSaidPlainly() throws Exception {
    try (AgentHarness h = new AgentHarness(dir, config("cp-tls", tls, """
        username: cp-tls
        password: c0rrect-h0rse
        tls: {ca_file: %s}
        """.formatted(CERTS.resolve("other-ca.pem")))).start()) {
      Await.until(WAIT, () -> link(h).lastError().contains("certificate is not trusted"),
          "the TLS error; last error: '" + link(h).lastError() + "'");
    }
  }

  @Test
  void aCertificateForAnotherHostFailsHostnameVerification() throws Exception {
    try (AgentHarness h = new AgentHarness(dir, config("cp-name", wrongName, """
        tls: {ca_file: %s}
        """.formatted(CERTS.resolve("ca.pem")))).start()) {
      Await.until(WAIT, () -> link(h).lastError().contains("does not name the host 127.0.0.1"),
          "the hostname error; last error: '" + link(h).lastError() + "'");
    }
    try (AgentHarness h = new AgentHarness(dir, config("cp-name2", wrongName, """
        tls: {ca_file: %s, verify_hostname: false}
        """.formatted(CERTS.resolve("ca.pem")))).start()) {
      Await.until(WAIT, () -> link(h).isConnected(), "a connection without hostname verification");
    }
  }

  @Test
  void mutualTlsWithAClientCertificateAndWithout() throws Exception {
    try (AgentHarness h = new AgentHarness(dir, config("cp-mtls", mutual, """
        tls: {ca_file: %s, cert_file: %s, key_file: %s}
        """.formatted(CERTS.resolve("ca.pem"), CERTS.resolve("client.pem"), CERTS.resolve("client.key")))).start()) {
      Await.until(WAIT, () -> link(h).isConnected(), "a mutual TLS connection; last error: " + link(h).lastError());
    }
    try (AgentHarness h = new AgentHarness(dir, config("cp-nocert", mutual, """
        tls: {ca_file: %s}
        """.formatted(CERTS.resolve("ca.pem")))).start()) {
      Await.until(WAIT, () -> !link(h).lastError().isEmpty(), "an error");
      Await.until(WAIT, () -> link(h).lastError().contains("client certificate")
          || link(h).lastError().contains("TLS"), "a TLS error; last error: '" + link(h).lastError() + "'");
      assertTrue(!link(h).isConnected());
    }
  }
}
