package io.evedge.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check-config} with CAN buses: the plan they print and each mistake's message. */
class CanConfigCliTest {

  @TempDir
  Path dir;

  private CliRun checkConfig(String yaml) throws IOException {
    // the plan aligns columns with runs of spaces: compare with single spaces
    return CliRun.checkConfig(dir, yaml).singleSpaced();
  }

  private static final String CAR = """
      device_id: car-01
      mqtt: {uri: tcp://127.0.0.1:1883}
      can:
        - name: car
          serial: {port: /dev/ttyACM0}
          mapping: evedge-generic-ev
      """;

  @Test
  void theShippedVehiclePrintsItsBusAndEverySignal() throws IOException {
    CliRun r = checkConfig(CAR);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("CAN buses:\n car: serial:///dev/ttyACM0 (115200 baud), 500 kbit/s,"
        + " listen-only, adapter timestamps, status every 1000 ms\n"), r.out());
    assertTrue(r.out().contains(" DBC can/evedge-generic-ev.dbc: 6 messages; mapping evedge-generic-ev"
        + " (can/evedge-generic-ev.yaml)\n"), r.out());
    assertTrue(r.out().contains("tractionbattery-stateofcharge <- BMS_SOC.BMS_SOC_Display, every 100 ms,"
        + " stale after 500 ms\n"), r.out());
    assertTrue(r.out().contains("charge-wattage <- CHG_InputStatus.CHG_InputPower, every 50 ms,"
        + " stale after 250 ms, at most every 1000 ms\n"), r.out());
    assertTrue(r.out().contains(" charge-ischargingcablelatched <- car CP_Status.CP_LatchState\n"),
        "the Signals section names the bus and the DBC signal:\n" + r.out());
  }

  @Test
  void aMeterFeedsItsSignalsFirstAndTheBusTheRest() throws IOException {
    CliRun r = checkConfig(CAR + """
        modbus:
          - name: meter
            profile: eastron-sdm630
            tcp: {host: 127.0.0.1, port: 1502}
        """);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("charge-voltage <- CHG_InputStatus.CHG_InputVoltage, every 50 ms,"
        + " stale after 250 ms, at most every 1000 ms (not used: another device feeds it)"), r.out());
    assertTrue(r.out().contains(" charge-voltage <- meter voltage_l1"), r.out());
  }

  @Test
  void aMappingNamingAMissingMessageOrSignalIsNamedWithFileKeyPathAndName() throws IOException {
    Path mapping = dir.resolve("my-car.yaml");
    Files.writeString(mapping, """
        name: my-car
        dbc: evedge-generic-ev
        signals:
          - {signal: tractionbattery-stateofcharge, source: BMS_SOC.BMS_SOC_Display}
          - {signal: charge-ischarging, source: OBC_Status.OBC_Charging}
          - {signal: charge-voltage, source: CHG_InputStatus.CHG_Voltage}
        """);
    CliRun r = checkConfig(CAR.replace("mapping: evedge-generic-ev", "mapping: my-car.yaml"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("evedge.yaml: can[0].mapping: " + mapping + ": signals[1].source: unknown message"
        + " 'OBC_Status': can/evedge-generic-ev.dbc has no such message; it has BMS_PackStatus, CP_Status,"
        + " BMS_SOC, OBC_ChargeStatus, CHG_InputStatus, VCU_Range"), r.err());
    assertTrue(r.err().contains("evedge.yaml: can[0].mapping: " + mapping + ": signals[2].source: unknown signal"
        + " 'CHG_Voltage': message CHG_InputStatus of can/evedge-generic-ev.dbc has no such signal"), r.err());
  }

  @Test
  void unknownAgentSignalsAndMismatchedKindsAreNamed() throws IOException {
    Files.writeString(dir.resolve("my-car.yaml"), """
        name: my-car
        dbc: evedge-generic-ev
        signals:
          - {signal: tractionbattery-soc, source: BMS_SOC.BMS_SOC_Display}
          - {signal: charge-ischarging, source: OBC_ChargeStatus.OBC_ChargeState}
        """);
    CliRun r = checkConfig(CAR.replace("mapping: evedge-generic-ev", "mapping: my-car.yaml"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("signals[0].signal: unknown agent signal 'tractionbattery-soc'; known are"
        + " charge-amperage,"), r.err());
    assertTrue(r.err().contains("signals[1].signal: 'charge-ischarging' is a BOOL signal, but"
        + " OBC_ChargeStatus.OBC_ChargeState is mapped to a NUMBER (give a value_map to true/false)"), r.err());
  }

  @Test
  void transportBitrateAndNamesAreChecked() throws IOException {
    CliRun r = checkConfig("""
        device_id: car-01
        mqtt: {uri: tcp://127.0.0.1:1883}
        modbus:
          - {name: car, profile: eastron-sdm630, tcp: {host: 127.0.0.1}}
        can:
          - {name: car, mapping: evedge-generic-ev, bitrate: 400000}
          - {name: other, mapping: evedge-generic-ev, serial: {port: /dev/ttyACM0}, tcp: {host: h, port: 3333}}
          - {name: third, mapping: no-such-car, tcp: {host: h, port: 3333}}
          - {name: fourth, mapping: evedge-generic-ev, tcp: {host: h, port: 3333}, silence_timeout_ms: 500}
        """);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("can[0].name: duplicate device name 'car'"), r.err());
    assertTrue(r.err().contains("can[0]: no transport: expected serial: {port: /dev/ttyACM0} or tcp:"), r.err());
    assertTrue(r.err().contains("can[0].bitrate: CAN bit rate 400000 bit/s is not an SLCAN standard rate;"
        + " expected one of 10000,"), r.err());
    assertTrue(r.err().contains("can[1]: both serial and tcp given"), r.err());
    assertTrue(r.err().contains("can[2].mapping: no-such-car: no shipped CAN mapping of that name; shipped are"
        + " evedge-generic-ev"), r.err());
    assertTrue(r.err().contains("can[3].silence_timeout_ms: expected more than status_poll_ms (1000)"), r.err());
  }
}
