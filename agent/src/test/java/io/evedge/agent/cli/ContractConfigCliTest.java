package io.evedge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check-config} on the MQTT contract's settings: signals, TLS, passwords, outbox, requests. */
class ContractConfigCliTest {

  @TempDir
  Path dir;

  private CliRun check(String yaml) throws IOException {
    return CliRun.checkConfig(dir, yaml);
  }

  private static final String BASE = """
      device_id: cp-1
      state_dir: /var/lib/evedge
      mqtt:
        uri: tcp://127.0.0.1:1883
      modbus:
        - name: meter
          profile: eastron-sdm630
          tcp: {host: 127.0.0.1, port: 1502}
      """;

  @Test
  void listsEverySignalWithItsSourceAndThoseNotPublished() throws IOException {
    CliRun r = check(BASE + """
        signals:
          connector_type: IEC_62196_T2
          consumption_wh_per_km: 160
          per_signal:
            charge-voltage: {deadband: 1, min_interval_ms: 5000, max_interval_s: 300}
        """);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("charge-ischarging"), r.out());
    assertTrue(r.out().matches("(?s).*charge-chargerate\\s+<- derived from signal charge-wattage, config "
        + "signals.consumption_wh_per_km = 160.*"), r.out());
    assertTrue(r.out().contains("charge-chargingconnectortype"), r.out());
    assertTrue(r.out().contains("not published (no source in this configuration): "), r.out());
    assertTrue(r.out().contains("tractionbattery-stateofcharge"), "listed as not published: " + r.out());
    assertTrue(r.out().contains("evedge/cp-1/records"), r.out());
    assertTrue(r.out().contains("evedge/cp-1/schema"), r.out());
    assertTrue(r.out().contains("evedge/cp-1/req/#"), r.out());
    assertTrue(r.out().contains("Outbox:     /var/lib/evedge/outbox, at most 67108864 bytes"), r.out());
  }

  @Test
  void passwordFromAFileOrTheEnvironmentIsNeverPrinted() throws IOException {
    Files.writeString(dir.resolve("mqtt.pass"), "f1le-s3cret\n");
    CliRun r = check(BASE.replace("uri: tcp://127.0.0.1:1883", "uri: tcp://127.0.0.1:1883\n  username: cp-1\n"
        + "  password_file: mqtt.pass"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("password from " + dir.resolve("mqtt.pass")), r.out());
    assertFalse(r.out().contains("f1le-s3cret"));
    CliRun env = check(BASE.replace("uri: tcp://127.0.0.1:1883", "uri: tcp://127.0.0.1:1883\n  password_env: "
        + "EVEDGE_TEST_SURELY_UNSET"));
    assertEquals(0, env.code(), env.err());
    assertTrue(env.out().contains("password from $EVEDGE_TEST_SURELY_UNSET (not set here)"), env.out());
  }

  @Test
  void twoPasswordSourcesAreRejected() throws IOException {
    Files.writeString(dir.resolve("mqtt.pass"), "x\n");
    CliRun r = check(BASE.replace("uri: tcp://127.0.0.1:1883", "uri: tcp://127.0.0.1:1883\n  password: inline-s3cret\n"
        + "  password_file: mqtt.pass"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("mqtt: give the password one way"), r.err());
    assertFalse(r.err().contains("inline-s3cret"));
  }

  @Test
  void missingPasswordFileIsNamed() throws IOException {
    CliRun r = check(BASE.replace("uri: tcp://127.0.0.1:1883", "uri: tcp://127.0.0.1:1883\n  password_file: nope.pass"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("mqtt.password_file: cannot read " + dir.resolve("nope.pass")), r.err());
  }

  @Test
  void tlsNeedsATlsUriAndReadableFiles() throws IOException {
    CliRun r = check(BASE.replace("uri: tcp://127.0.0.1:1883", "uri: tcp://127.0.0.1:1883\n  tls: {ca_file: ca.pem}"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("mqtt.tls: TLS settings need a TLS broker uri"), r.err());
    assertTrue(r.err().contains("ca_file " + dir.resolve("ca.pem") + ": cannot read"), r.err());
    CliRun half = check(BASE.replace("uri: tcp://127.0.0.1:1883", "uri: ssl://127.0.0.1:8883\n  tls: {cert_file: c.pem}"));
    assertEquals(2, half.code());
    assertTrue(half.err().contains("mutual TLS needs both cert_file and key_file"), half.err());
  }

  @Test
  void unknownSignalAndDoubleDeadbandAreNamed() throws IOException {
    CliRun r = check(BASE + """
        signals:
          per_signal:
            charge-voltag: {deadband: 1}
            charge-wattage: {deadband: 10, deadband_percent: 5}
        """);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("signals.per_signal[charge-voltag]: unknown signal; expected one of: charge-amperage"),
        r.err());
    assertTrue(r.err().contains("signals.per_signal[charge-wattage]: give one deadband"), r.err());
  }

  @Test
  void outOfRangeOutboxAndRequestSettingsAreNamed() throws IOException {
    CliRun r = check(BASE + """
        outbox: {max_bytes: 10}
        """);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("outbox.max_bytes: expected a number from 65536"), r.err());
  }
}
