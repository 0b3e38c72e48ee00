package io.evedge.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.proto.AgentConfig;
import io.evedge.proto.PayloadFormat;
import org.junit.jupiter.api.Test;

class ProtoYamlTest {

  private static final String MINIMAL = """
      device_id: cp-garage-01
      mqtt:
        uri: tcp://127.0.0.1:1883
      """;

  private static AgentConfig read(String yaml) throws ConfigException {
    return ProtoYaml.read("cp.yaml", yaml, AgentConfig.newBuilder()).build();
  }

  private static String problem(String yaml) {
    return assertThrows(ConfigException.class, () -> read(yaml)).getMessage();
  }

  @Test
  void readsTheDesignExampleAndAppliesDefaults() throws Exception {
    AgentConfig c = read("""
        device_id: cp-garage-01
        state_dir: /var/lib/evedge
        mqtt:
          uri: tcp://127.0.0.1:1883
          topic_prefix: evedge
          payload_format: protobuf
        modbus:
          - name: meter
            profile: eastron-sdm630
            tcp: {host: 127.0.0.1, port: 1502}
            unit_id: 0x01
            poll_interval_ms: 1000
        location: {name: Home, latitude: 51.5014, longitude: -0.1419, is_public: false}
        tariff: {currency: EUR, energy_price_per_kwh: 0.30}
        """);
    assertEquals("cp-garage-01", c.getDeviceId());
    assertEquals(PayloadFormat.PROTOBUF, c.getMqtt().getPayloadFormat());
    assertEquals(1502, c.getModbus(0).getTcp().getPort());
    assertEquals(1, c.getModbus(0).getUnitId());
    assertEquals(500, c.getModbus(0).getTimeoutMs(), "default from the schema");
    assertEquals(86400, c.getMqtt().getSessionExpiryS(), "default from the schema");
    assertEquals(51.5014, c.getLocation().getLatitude());
    assertEquals(0.30, c.getTariff().getEnergyPricePerKwh());
  }

  @Test
  void defaultsFillWhatIsLeftOut() throws Exception {
    AgentConfig c = read(MINIMAL);
    assertEquals("evedge", c.getMqtt().getTopicPrefix());
    assertEquals("/var/lib/evedge", c.getStateDir());
    assertEquals(PayloadFormat.JSON, c.getMqtt().getPayloadFormat());
  }

  @Test
  void misspeltKeyIsNamedWithItsPathLineAndASuggestion() {
    String m = problem("""
        device_id: cp-1
        mqtt:
          uri: tcp://127.0.0.1:1883
          topic_prefx: evedge
        """);
    assertTrue(m.startsWith("cp.yaml:4: mqtt.topic_prefx: unknown key (did you mean 'topic_prefix'?)"), m);
  }

  @Test
  void wrongTypeNamesWhatWasExpected() {
    String m = problem(MINIMAL + """
        modbus:
          - name: meter
            profile: eastron-sdm630
            tcp: {host: 127.0.0.1, port: fifteen}
        """);
    assertTrue(m.contains("cp.yaml:7: modbus[0].tcp.port: expected a whole number ≥ 0 from 1 to 65535, got 'fifteen'"), m);
  }

  @Test
  void outOfRangeNamesTheRange() {
    String m = problem(MINIMAL + """
        location: {latitude: 91}
        """);
    assertTrue(m.contains("cp.yaml:4: location.latitude: expected a number from -90 to 90, got 91"), m);
  }

  @Test
  void missingRequiredKeyIsNamed() {
    String m = problem("""
        device_id: cp-1
        mqtt:
          topic_prefix: x
        """);
    assertTrue(m.contains("cp.yaml:3: mqtt.uri: missing required key"), m);
  }

  @Test
  void badEnumListsTheChoices() {
    String m = problem("""
        device_id: cp-1
        mqtt: {uri: "tcp://h:1", payload_format: xml}
        """);
    assertTrue(m.contains("mqtt.payload_format: expected one of JSON, PROTOBUF, got 'xml'"), m);
  }

  @Test
  void patternViolationUsesTheDocumentedExpectation() {
    String m = problem("""
        device_id: "cp/1#"
        mqtt: {uri: "tcp://h:1"}
        """);
    assertTrue(m.contains("device_id: expected letters, digits"), m);
  }

  @Test
  void allProblemsAreReportedTogether() {
    ConfigException e = assertThrows(ConfigException.class, () -> read("""
        device_idd: cp-1
        mqtt: {uri: "tcp://h:1", keep_alive_s: 1}
        extra: 1
        """));
    assertEquals(4, e.problems().size(), e.getMessage()); // device_idd, extra, keep_alive_s, missing device_id
  }

  @Test
  void syntaxErrorGivesTheLine() {
    String m = problem("device_id: cp-1\nmqtt: [unclosed\n");
    assertTrue(m.startsWith("cp.yaml:3: not valid YAML"), m);
  }

  @Test
  void duplicateKeyIsAProblem() {
    String m = problem(MINIMAL + "device_id: again\n");
    assertTrue(m.contains("cp.yaml:4: device_id: duplicate key"), m);
  }

  @Test
  void emptyFileIsAProblem() {
    assertEquals("cp.yaml: the file is empty", problem(""));
  }

  @Test
  void secretsAreNotEchoed() {
    // password carries no pattern; a pattern-violating secret would print "(secret)"
    String m = problem(MINIMAL.replace("uri:", "password: hunter2\n  urx:"));
    assertTrue(!m.contains("hunter2"), m);
  }
}
