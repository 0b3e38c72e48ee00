package io.evedge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check-config}: each class of bad configuration gives its message and exit code 2. */
class ConfigCliTest {

  @TempDir
  Path dir;

  private CliRun checkConfig(String yaml) throws IOException {
    return CliRun.checkConfig(dir, yaml);
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static final String GOOD = """
      device_id: cp-garage-01
      state_dir: /var/lib/evedge
      mqtt:
        uri: tcp://127.0.0.1:1883
        topic_prefix: evedge
        username: cp
        password: s3cret-Pa55
      modbus:
        - name: meter
          profile: eastron-sdm630
          tcp: {host: 127.0.0.1, port: 1502}
          unit_id: 1
          poll_interval_ms: 1000
      location: {name: Home, latitude: 51.5014, longitude: -0.1419, is_public: false}
      tariff: {currency: EUR, energy_price_per_kwh: 0.30}
      """;

  @Test
  void goodConfigPrintsThePlanWithoutSecrets() throws IOException {
    CliRun r = checkConfig(GOOD);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("meter: eastron-sdm630 at tcp://127.0.0.1:1502 unit 1"), r.out());
    assertTrue(r.out().contains("1 read per poll: FC4 0x0000+76"), r.out());
    assertTrue(r.out().contains("charge-voltage"), r.out());
    assertTrue(r.out().contains("evedge/cp-garage-01/status"), r.out());
    assertTrue(r.out().contains("password set"), r.out());
    assertFalse(r.out().contains("s3cret"), "the password is never printed");
  }

  @Test
  void misspeltKeyIsNamed() throws IOException {
    CliRun r = checkConfig(GOOD.replace("poll_interval_ms", "poll_intervall_ms"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("evedge.yaml:13: modbus[0].poll_intervall_ms: unknown key (did you mean "
        + "'poll_interval_ms'?)"), r.err());
  }

  @Test
  void wrongTypeIsNamed() throws IOException {
    CliRun r = checkConfig(GOOD.replace("unit_id: 1", "unit_id: one"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("modbus[0].unit_id: expected a whole number"), r.err());
  }

  @Test
  void missingRequiredValueIsNamed() throws IOException {
    CliRun r = checkConfig(GOOD.replace("device_id: cp-garage-01\n", ""));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("device_id: missing required key"), r.err());
  }

  @Test
  void outOfRangeNumberIsNamed() throws IOException {
    CliRun r = checkConfig(GOOD.replace("port: 1502", "port: 70000"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("modbus[0].tcp.port: expected a number from 1 to 65535, got 70000"), r.err());
  }

  @Test
  void unknownProfileListsTheShippedOnes() throws IOException {
    CliRun r = checkConfig(GOOD.replace("eastron-sdm630", "eastron-sdm999"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("modbus[0].profile: profile 'eastron-sdm999': no shipped profile of that name"),
        r.err());
    assertTrue(r.err().contains("eastron-sdm630"), r.err());
  }

  @Test
  void deviceWithoutTransportIsNamed() throws IOException {
    CliRun r = checkConfig(GOOD.replace("    tcp: {host: 127.0.0.1, port: 1502}\n", ""));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("modbus[0]: no transport"), r.err());
  }

  @Test
  void serialDeviceTakesLineSettingsFromTheProfile() throws IOException {
    CliRun r = checkConfig(GOOD.replace("eastron-sdm630", "eastron-sdm120")
        .replace("tcp: {host: 127.0.0.1, port: 1502}", "serial: {port: /dev/ttyUSB0, echo: true}"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("meter: eastron-sdm120 at rtu:///dev/ttyUSB0 2400 8N1 (echo) unit 1"), r.out());
  }

  @Test
  void serialSettingsInTheConfigWin() throws IOException {
    CliRun r = checkConfig(GOOD.replace("tcp: {host: 127.0.0.1, port: 1502}",
        "serial: {port: /dev/ttyUSB0, baud: 19200, parity: even}\n    min_request_gap_ms: 20"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("at rtu:///dev/ttyUSB0 19200 8E1 unit 1"), r.out());
    assertTrue(r.out().contains("20 ms between requests"), r.out());
  }

  @Test
  void rtuOverTcpIsShown() throws IOException {
    CliRun r = checkConfig(GOOD.replace("tcp: {host", "rtu_over_tcp: {host"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("meter: eastron-sdm630 at rtu+tcp://127.0.0.1:1502 unit 1"), r.out());
  }

  @Test
  void twoTransportsAreRejected() throws IOException {
    CliRun r = checkConfig(GOOD.replace("    tcp: {host: 127.0.0.1, port: 1502}\n",
        "    tcp: {host: 127.0.0.1, port: 1502}\n    serial: {port: /dev/ttyUSB0}\n"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("modbus[0]: two transports (tcp and serial): a device has exactly one of tcp, "
        + "serial, rtu_over_tcp"), r.err());
  }

  @Test
  void broadcastUnitOnRtuIsRejected() throws IOException {
    CliRun r = checkConfig(GOOD.replace("tcp: {host: 127.0.0.1, port: 1502}", "serial: {port: /dev/ttyUSB0}")
        .replace("unit_id: 1", "unit_id: 0"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("modbus[0].unit_id: expected 1 to 247 on Modbus RTU"), r.err());
  }

  @Test
  void serialWithoutPortIsNamed() throws IOException {
    CliRun r = checkConfig(GOOD.replace("tcp: {host: 127.0.0.1, port: 1502}", "serial: {baud: 9600}"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("modbus[0].serial.port: missing required key"), r.err());
  }

  @Test
  void missingFileIsNamed() {
    CliRun r = run("check-config", "--config", dir.resolve("nope.yaml").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("nope.yaml: no such file"), r.err());
  }

  @Test
  void brokenYamlGivesTheLine() throws IOException {
    CliRun r = checkConfig("device_id: cp\nmqtt: {uri: \"tcp://h:1\"\n");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("not valid YAML"), r.err());
  }

  @Test
  void runWithABadConfigAlsoExitsWith2() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "device_id: x\n");
    CliRun r = run("run", "--config", file.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("mqtt: missing required key"), r.err());
  }

  @Test
  void usageErrorsExitWith2AndVersionWith0() {
    assertEquals(2, run("frobnicate").code());
    assertEquals(2, run("check-config").code(), "--config is required");
    CliRun v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("evedge-agent "), v.out());
  }
}
