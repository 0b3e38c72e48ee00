package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.can.CanResources.LoadedDbc;
import io.evedge.drivers.can.CanResources.LoadedMapping;
import io.evedge.proto.CanMapping;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanMappingsTest {

  private static final String DBC = """
      BO_ 100 Battery: 8 BMS
       SG_ Soc : 0|10@1+ (0.1,0) [0|100] "%" X
       SG_ Flag : 10|1@1+ (1,0) [0|1] "" X
       SG_ State : 12|2@1+ (1,0) [0|3] "" X
      BO_ 200 Events: 8 BMS
       SG_ Door : 0|1@1+ (1,0) [0|1] "" X
      BO_ 300 Wide: 16 BMS
       SG_ W : 0|8@1+ (1,0) [0|1] "" X
      BA_ "GenMsgCycleTime" BO_ 100 100;
      BA_ "GenMsgCycleTime" BO_ 300 100;
      VAL_ 100 State 0 "Off" 1 "On" 2 "Error" ;
      """;

  private static CanMappings.Compiled compile(String yaml) throws ConfigException {
    CanMapping m = ProtoYaml.read("test-mapping.yaml", yaml, CanMapping.newBuilder()).build();
    return CanMappings.compile(new LoadedMapping("test-mapping.yaml", m, null),
        new LoadedDbc("test.dbc", DbcParser.parse(DBC)));
  }

  private static List<String> problems(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> compile(yaml));
    return e.problems().stream().map(ConfigException.Problem::toString).toList();
  }

  @Test
  void theShippedMappingCompilesAgainstTheShippedDbc() throws Exception {
    CanMappings.Compiled c = CanMappings.load("evedge-generic-ev", "", null);
    assertEquals("can/evedge-generic-ev.dbc", c.dbcSource());
    assertEquals(List.of(), c.database().warnings(), "the shipped DBC parses cleanly");
    assertEquals(List.of("tractionbattery-stateofcharge", "tractionbattery-voltage",
        "tractionbattery-current", "charge-ischargingportflapopen",
        "charge-ischargingcableconnected", "charge-ischargingcablelatched",
        "charge-chargingconnectortype", "charge-chargeportstatuscolor", "charge-amperagemax",
        "charge-detailedchargingstatus", "charge-ischarging", "charge-isfastchargerpresent",
        "charge-fastchargertype", "charge-chargelimits", "charge-timetocomplete",
        "charge-amperagerequested", "charge-voltage", "charge-amperage", "charge-wattage",
        "tractionbattery-range"), c.keys());
    MappedSignal cable = c.signals().get(4);
    assertEquals(MappedSignal.Kind.BOOL, cable.kind());
    assertEquals(Map.of(1L, false, 2L, true, 3L, false), cable.values());
    MappedSignal colour = c.signals().get(7);
    assertEquals(MappedSignal.Kind.TEXT, colour.kind());
    assertEquals("Green", colour.values().get(3L), "the DBC's VAL_ texts");
    MappedSignal flap = c.signals().get(3);
    assertEquals(MappedSignal.Kind.BOOL, flap.kind(), "an unsigned 1-bit signal is a BOOL");
    assertEquals(500, flap.staleAfterMs(), "5 cycles of 100 ms");
    MappedSignal voltage = c.signals().get(1);
    assertEquals(10, voltage.cycleMs());
    assertEquals(500, voltage.staleAfterMs());
    assertEquals(1000, voltage.minIntervalMs());
    MappedSignal wattage = c.signals().get(18);
    assertEquals(1000, wattage.scale());
    assertEquals("watts", wattage.unit());
    assertTrue(c.signals().get(17).message().extended(), "CHG_InputStatus has a 29-bit id");
  }

  @Test
  void defaultsAndInference() throws Exception {
    CanMappings.Compiled c = compile("""
        name: t
        defaults: {min_interval_ms: 250, stale_after_cycles: 3}
        signals:
          - {signal: soc, source: Battery.Soc}
          - {signal: flag, source: Battery.Flag}
          - {signal: state, source: Battery.State, kind: TEXT}
          - {signal: on, source: Battery.State, value_map: {1: "true", 0: "false"}}
          - {signal: door, source: Events.Door, stale_after_cycles: 0, on_change: false}
        """);
    MappedSignal soc = c.signals().get(0);
    assertEquals(MappedSignal.Kind.NUMBER, soc.kind());
    assertEquals(250, soc.minIntervalMs());
    assertEquals(300, soc.staleAfterMs());
    assertEquals("%", soc.unit(), "the DBC's unit");
    assertTrue(soc.onChange());
    assertEquals(MappedSignal.Kind.BOOL, c.signals().get(1).kind());
    assertEquals(Map.of(0L, "Off", 1L, "On", 2L, "Error"), c.signals().get(2).values());
    assertEquals(MappedSignal.Kind.BOOL, c.signals().get(3).kind());
    assertNull(c.signals().get(3).unmapped());
    MappedSignal door = c.signals().get(4);
    assertEquals(0, door.staleAfterMs(), "event message: never stale");
    assertEquals(false, door.onChange());
  }

  @Test
  void unknownMessagesAndSignalsAreNamedWithFileAndKeyPath() {
    List<String> p = problems("""
        name: t
        signals:
          - {signal: a, source: Battery.Soc}
          - {signal: b, source: Batery.Soc}
          - {signal: c, source: Battery.SoC}
          - {signal: d, source: Battery.Nope}
        """);
    assertEquals(List.of(
        "test-mapping.yaml: signals[1].source: unknown message 'Batery': test.dbc has no such"
            + " message; it has Battery, Events, Wide",
        "test-mapping.yaml: signals[2].source: unknown signal 'SoC': message Battery of test.dbc"
            + " has no such signal; did you mean 'Soc'?",
        "test-mapping.yaml: signals[3].source: unknown signal 'Nope': message Battery of test.dbc"
            + " has no such signal; it has Soc, Flag, State"), p);
  }

  @Test
  void everyOtherMistakeIsReportedAtOnce() {
    List<String> p = problems("""
        name: t
        signals:
          - {signal: a, source: Battery.Soc}
          - {signal: a, source: Battery.Flag}
          - {signal: b, source: Battery.State, value_map: {1: "yes", 2: "true"}, kind: BOOL}
          - {signal: c, source: Battery.Soc, kind: NUMBER, value_map: {1: x}}
          - {signal: d, source: Battery.Flag, linear: {scale: 2}, deadband: 1}
          - {signal: e, source: Events.Door}
          - {signal: f, source: Wide.W}
          - {signal: g, source: Battery.Soc, kind: TEXT}
        """);
    assertEquals(List.of(
        "test-mapping.yaml: signals[1].signal: 'a' is already fed by signals[0]; each agent"
            + " signal has one source",
        "test-mapping.yaml: signals[2].value_map[1]: a BOOL signal maps raw values to true or"
            + " false, got 'yes'",
        "test-mapping.yaml: signals[3].value_map: a value map gives text or true/false: set kind"
            + " TEXT or BOOL, or remove value_map",
        "test-mapping.yaml: signals[4].linear: a linear transform applies to NUMBER signals only,"
            + " this one is BOOL",
        "test-mapping.yaml: signals[4].deadband: a deadband applies to NUMBER signals only, this"
            + " one is BOOL",
        "test-mapping.yaml: signals[5].cycle_ms: no cycle time for Events: the DBC gives no"
            + " GenMsgCycleTime for it; set cycle_ms to its period, or stale_after_cycles: 0 if it"
            + " is sent only on events",
        "test-mapping.yaml: signals[6].source: message Wide is 16 bytes long (CAN FD); SLCAN"
            + " adapters carry classic CAN frames of at most 8 bytes",
        "test-mapping.yaml: signals[7].value_map: a TEXT signal needs a value_map, and Battery.Soc"
            + " has no VAL_ descriptions in the DBC"), p);
  }

  @Test
  void mappingFilesByPathFindTheirDbcNextToThem(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("car.dbc"), DBC);
    Files.writeString(dir.resolve("car.yaml"), """
        name: car
        dbc: car.dbc
        signals:
          - {signal: soc, source: Battery.Soc}
        """);
    CanMappings.Compiled c = CanMappings.load("car.yaml", "", dir);
    assertEquals(dir.resolve("car.dbc").toString(), c.dbcSource());
    assertEquals(List.of("soc"), c.keys());

    ConfigException missing = assertThrows(ConfigException.class,
        () -> CanMappings.load("car.yaml", "other.dbc", dir));
    assertEquals(dir.resolve("other.dbc") + ": no such DBC file", missing.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> CanMappings.load("no-such-car", "", dir));
    assertTrue(unknown.getMessage().startsWith("no-such-car: no shipped CAN mapping of that name;"
        + " shipped are evedge-generic-ev"), unknown.getMessage());
  }
}
