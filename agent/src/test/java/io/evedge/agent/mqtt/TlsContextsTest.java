package io.evedge.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.config.ContractConfig;
import io.evedge.agent.testing.TestCerts;
import io.evedge.proto.MqttConfig;
import io.evedge.yaml.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM keys in each form OpenSSL writes; password sources. */
class TlsContextsTest {

  static Path certs;

  @TempDir
  Path dir;

  @BeforeAll
  static void makeCerts() {
    certs = TestCerts.generate();
  }

  @Test
  void readsPkcs8Pkcs1AndSec1Keys() throws Exception {
    assertEquals("RSA", TlsContexts.privateKey(certs.resolve("server.key")).getAlgorithm(), "PKCS#8");
    assertTrue(Files.readString(certs.resolve("rsa-pkcs1.key")).contains("BEGIN RSA PRIVATE KEY"));
    assertEquals("RSA", TlsContexts.privateKey(certs.resolve("rsa-pkcs1.key")).getAlgorithm(), "PKCS#1");
    assertTrue(Files.readString(certs.resolve("client.key")).contains("BEGIN EC PRIVATE KEY"));
    assertEquals("EC", TlsContexts.privateKey(certs.resolve("client.key")).getAlgorithm(), "SEC1");
    assertNotNull(TlsContexts.socketFactory(certs.resolve("ca.pem"), certs.resolve("client.pem"),
        certs.resolve("client.key")));
  }

  @Test
  void unusableFilesAreNamed() throws Exception {
    Path enc = dir.resolve("enc.key");
    Files.writeString(enc, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    TlsContexts.TlsConfigException e = assertThrows(TlsContexts.TlsConfigException.class,
        () -> TlsContexts.privateKey(enc));
    assertTrue(e.getMessage().contains("the key is encrypted"), e.getMessage());
    Path notPem = dir.resolve("ca.txt");
    Files.writeString(notPem, "hello");
    e = assertThrows(TlsContexts.TlsConfigException.class, () -> TlsContexts.certificates(notPem, "ca_file"));
    assertTrue(e.getMessage().startsWith("ca_file " + notPem), e.getMessage());
    e = assertThrows(TlsContexts.TlsConfigException.class, () -> TlsContexts.privateKey(certs.resolve("ca.pem")));
    assertTrue(e.getMessage().contains("no private key in it"), e.getMessage());
  }

  @Test
  void passwordFromEachSource() throws Exception {
    Map<String, String> env = Map.of("MQTT_PASS", "fr0m-env");
    assertArrayEquals("inline".getBytes(StandardCharsets.UTF_8),
        ContractConfig.password(MqttConfig.newBuilder().setPassword("inline").build(), env::get));
    Path f = dir.resolve("p");
    Files.writeString(f, "fr0m-file\r\nsecond line ignored\n");
    assertArrayEquals("fr0m-file".getBytes(StandardCharsets.UTF_8),
        ContractConfig.password(MqttConfig.newBuilder().setPasswordFile(f.toString()).build(), env::get));
    assertArrayEquals("fr0m-env".getBytes(StandardCharsets.UTF_8),
        ContractConfig.password(MqttConfig.newBuilder().setPasswordEnv("MQTT_PASS").build(), env::get));
    ConfigException missing = assertThrows(ConfigException.class,
        () -> ContractConfig.password(MqttConfig.newBuilder().setPasswordEnv("NOPE").build(), env::get));
    assertTrue(missing.getMessage().contains("the environment variable NOPE is not set"), missing.getMessage());
    assertEquals(0, ContractConfig.password(MqttConfig.getDefaultInstance(), env::get).length);
  }

  @Test
  void linkOptionsNeverPrintThePassword() {
    LinkOptions o = new LinkOptions("tcp://h:1", "c", "u", "s3cret".getBytes(StandardCharsets.UTF_8), null, null,
        null, null, null, null, "v");
    assertTrue(!o.toString().contains("s3cret") && o.toString().contains("password=set"), o.toString());
  }
}
