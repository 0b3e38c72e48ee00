package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.can.DbcSignal.ByteOrder;
import io.evedge.drivers.can.DbcSignal.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code can/everything.dbc} (UTF-8, CRLF) holds one of each syntax item the parser must read or
 * skip; {@code can/cp1252.dbc} is not valid UTF-8.
 */
class DbcParserTest {

  private static DbcDatabase db;

  @BeforeAll
  static void load() throws IOException {
    db = load("everything.dbc");
  }

  private static DbcDatabase load(String name) throws IOException {
    try (InputStream in = DbcParserTest.class.getResourceAsStream("/can/" + name)) {
      return DbcParser.parse(in);
    }
  }

  private static DbcMessage message(String name) {
    return db.message(name).orElseThrow();
  }

  private static DbcSignal signal(String message, String name) {
    return message(message).signal(name).orElseThrow();
  }

  private static List<Integer> warningLines(DbcDatabase d) {
    return d.warnings().stream().map(DbcWarning::line).toList();
  }

  private static String warningAt(int line) {
    return db.warnings().stream().filter(w -> w.line() == line).findFirst().orElseThrow().message();
  }

  @Test
  void warnsExactlyAboutTheUnusableLines() {
    assertEquals(List.of(24, 25, 26, 47, 59, 67, 80, 83, 84, 85, 86, 87), warningLines(db),
        db.warnings().toString());
    assertTrue(warningAt(24).startsWith("malformed signal in ID21DCP_evseStatus"));
    assertTrue(warningAt(25).contains("does not fit the 8-byte message"));
    assertTrue(warningAt(26).contains("length 65 out of range"));
    assertTrue(warningAt(47).contains("extended multiplexing (m2M)"));
    assertTrue(warningAt(59).startsWith("malformed message"));
    assertTrue(warningAt(67).contains("_vw_meb_common.dbc"));
    assertTrue(warningAt(80).contains("unknown message 1234"));
    assertTrue(warningAt(83).contains("needs 32 bits"));
    assertTrue(warningAt(84).contains("SG_MUL_VAL_"));
    assertTrue(warningAt(85).contains("SIG_MUL_VAL_"));
    assertTrue(warningAt(86).contains("SIG_GROUP_"));
    assertTrue(warningAt(87).contains("unknown statement FOO_"));
  }

  @Test
  void loadsEveryWellFormedMessageAndSkipsThePseudoMessage() {
    assertEquals(List.of("ID21DCP_evseStatus", "ID132HVBattAmpVolt", "HVBatBlkSOC",
        "Charging_Dynamics", "LB_5BC", "FloatMsg", "DoubleMsg", "FdMsg"),
        db.messages().stream().map(DbcMessage::name).toList());
    assertFalse(db.message("VECTOR__INDEPENDENT_SIG_MSG").isPresent());
    assertFalse(db.message("BrokenMessage").isPresent());
    // the comment's third line starts with BO_ but is inside the string
    assertFalse(db.message("NotAMessage").isPresent());
  }

  @Test
  void standardMessageWithIntelSignalsReceiversAndValues() {
    DbcMessage m = db.find(541, false);
    assertEquals("ID21DCP_evseStatus", m.name());
    assertEquals(8, m.dlc());
    assertEquals("CP", m.transmitter());
    assertEquals(List.of("CP_pilot", "CP_proximity", "CP_pilotCurrent", "CP_fullFlag"),
        m.signals().stream().map(DbcSignal::name).toList());

    DbcSignal pilot = signal("ID21DCP_evseStatus", "CP_pilot");
    assertEquals(0, pilot.startBit());
    assertEquals(4, pilot.length());
    assertEquals(ByteOrder.INTEL, pilot.byteOrder());
    assertFalse(pilot.signed());
    assertEquals(List.of("BMS", "OBC"), pilot.receivers());
    assertEquals(List.of("BMS", "OBC"), signal("ID21DCP_evseStatus", "CP_proximity").receivers());
    // VAL_ keys come unsorted in the file and sorted here
    assertEquals(List.of(0L, 2L, 3L, 4L), List.copyOf(pilot.values().keySet()));
    assertEquals("LineCharge", pilot.values().get(2L));
    // a 1-bit signal may name value 2 (Leaf files do)
    assertEquals(Map.of(0L, "NotFull", 1L, "Full", 2L, "Invalid"),
        signal("ID21DCP_evseStatus", "CP_fullFlag").values());
    assertEquals(0.5, signal("ID21DCP_evseStatus", "CP_pilotCurrent").factor());
    assertEquals(127.5, signal("ID21DCP_evseStatus", "CP_pilotCurrent").max());
    assertEquals("A", signal("ID21DCP_evseStatus", "CP_pilotCurrent").unit());
  }

  @Test
  void motorolaSignalsWithNegativeFactorsExponentsAndOddUnits() {
    DbcSignal current = signal("ID132HVBattAmpVolt", "SmoothBattCurrent132");
    assertEquals(ByteOrder.MOTOROLA, current.byteOrder());
    assertTrue(current.signed());
    assertEquals(-0.1, current.factor());
    assertEquals(-3276.7, current.min());
    DbcSignal cell = signal("ID132HVBattAmpVolt", "CellSense");
    assertEquals(2e-08, cell.factor());
    assertEquals("mV 5000/1024", cell.unit());
    assertFalse(cell.hasRange());
    assertEquals("°C", signal("ID132HVBattAmpVolt", "BattTemp").unit());
    DbcSignal target = signal("ID132HVBattAmpVolt", "TargetVoltage");
    assertEquals(-0.05, target.factor());
    assertEquals(500, target.offset());
    assertEquals("0.05 V/bit", target.unit());
    assertEquals(3.05e-5, signal("Charging_Dynamics", "Max_Charge_Power").factor());
  }

  @Test
  void decodesAFrameThroughTheParsedDefinitions() {
    CanFrame f = new CanFrame(306, false, false, 8, 0x9C40_FF38_4164_07D0L, CanFrame.NO_TIMESTAMP);
    DbcMessage m = db.find(f);
    // 7|16@0+ (0.01,0): bytes 0, 1 = 0x9C40 = 40000 -> 400.00 V
    assertEquals(400.0, m.signal("BattVoltage132").orElseThrow().decode(f), 1e-9);
    // 23|16@0- (-0.1,0): bytes 2, 3 = 0xFF38 = 65336 -> -200 signed -> 20.0 A
    assertEquals(20.0, m.signal("SmoothBattCurrent132").orElseThrow().decode(f), 1e-9);
    // 39|8@0- (1,-40): byte 4 = 0x41 = 65 -> 25 °C
    assertEquals(25.0, m.signal("BattTemp").orElseThrow().decode(f), 1e-9);
    // 47|8@0+ (2e-08,0): byte 5 = 0x64 = 100 -> 2e-06
    assertEquals(2e-06, m.signal("CellSense").orElseThrow().decode(f), 1e-15);
    // 55|16@0+ (-0.05,500): bytes 6, 7 = 0x07D0 = 2000 -> -100 + 500 = 400
    assertEquals(400.0, m.signal("TargetVoltage").orElseThrow().decode(f), 1e-9);
  }

  @Test
  void extendedIdsWithAndWithoutTheBit31Flag() {
    // 2156314624 = 0x8086C000: flag bit 31 + id 0x86C000
    DbcMessage gm = db.find(0x86C000, true);
    assertEquals("HVBatBlkSOC", gm.name());
    assertTrue(gm.extended());
    assertEquals(0x86C000, gm.id());
    assertNull(db.find(0x86C000 & 0x7FF, false));
    // 316495056 = 0x12DD54D0, above 0x7FF, no flag
    DbcMessage vw = db.find(0x12DD54D0, true);
    assertEquals("Charging_Dynamics", vw.name());
    assertTrue(vw.matches(CanFrame.of(0x12DD54D0, true)));
    assertFalse(vw.matches(CanFrame.of(0x4D0, false)));
    assertFalse(db.find(541, false).extended());
    assertNull(db.find(541, true));
  }

  @Test
  void multiplexorDeclaredAfterItsSignals() {
    DbcMessage m = message("LB_5BC");
    DbcSignal mux = m.multiplexor().orElseThrow();
    assertEquals("LB_MuxSel", mux.name());
    DbcSignal time = m.signal("LB_Remain_Charge_Time").orElseThrow();
    DbcSignal temp = m.signal("LB_Avg_Temp").orElseThrow();
    assertSame(mux, time.selectedBy());
    assertEquals(1, time.multiplexValue());
    assertEquals(0, temp.multiplexValue());
    DbcSignal inner = m.signal("LB_Inner").orElseThrow();
    assertEquals(2, inner.multiplexValue());
    assertFalse(inner.multiplexor());
    assertFalse(m.signal("LB_Full_Flag").orElseThrow().multiplexed());

    // 7|10@0+ = 500 = 0b01_1111_0100: byte 0 = 0x7D, top two bits of byte 1 = 00;
    // 20|4@1+ (mux) = high nibble of byte 2; 32|13@1+ = 300 = 0x12C: byte 4 = 0x2C, byte 5 = 0x01
    CanFrame one = new CanFrame(1468, false, false, 8, 0x7D00_1000_2C01_0000L, -1);
    assertEquals(500, m.signal("LB_Remain_Capacity").orElseThrow().decode(one));
    assertTrue(time.isPresentIn(one));
    assertFalse(temp.isPresentIn(one));
    assertEquals(300, time.decode(one));
    // mux 0: 32|8@1- = byte 4 = 0xF6 = -10
    CanFrame zero = new CanFrame(1468, false, false, 8, 0x7D00_0000_F600_0000L, -1);
    assertFalse(time.isPresentIn(zero));
    assertTrue(temp.isPresentIn(zero));
    assertEquals(-10, temp.decode(zero));
  }

  @Test
  void sigValtypeMakesFloatSignals() {
    DbcSignal temperature = signal("FloatMsg", "Temperature");
    assertEquals(ValueType.FLOAT32, temperature.valueType());
    assertEquals(ValueType.INTEGER, signal("FloatMsg", "NotAFloat").valueType());
    // 21.5f = 0x41AC0000, little-endian bytes 00 00 AC 41; then 32|16@1+ = 0x1234
    CanFrame f = new CanFrame(1280, false, false, 8, 0x0000_AC41_3412_0000L, -1);
    assertEquals(21.5, temperature.decode(f));
    assertEquals(0x1234, signal("FloatMsg", "NotAFloat").decode(f));

    DbcSignal energy = signal("DoubleMsg", "Energy");
    assertEquals(ValueType.FLOAT64, energy.valueType());
    // 230.25 = 0x406CC80000000000, big-endian
    assertEquals(230.25, energy.decode(new byte[] {0x40, 0x6C, (byte) 0xC8, 0, 0, 0, 0, 0}, 8));
  }

  @Test
  void canFdMessageOf64Bytes() {
    DbcMessage fd = message("FdMsg");
    assertEquals(64, fd.dlc());
    DbcSignal tail = fd.signal("FdTail").orElseThrow();
    assertEquals(64, tail.bytesNeeded());
    byte[] data = new byte[64];
    data[63] = 0x5A;
    assertEquals(0x5A, tail.decode(data, 64));
  }

  @Test
  void cp1252FileIsReadAsLatin1WithOneWarning() throws IOException {
    DbcDatabase d = load("cp1252.dbc");

    // line 5 has the unit byte 0xB0 ('°' in cp1252 and Latin-1), not UTF-8
    assertEquals(List.of(5), warningLines(d), d.warnings().toString());
    assertTrue(d.warnings().get(0).message().contains("0xB0"));
    DbcMessage m = d.find(1371, false);
    assertEquals(List.of("LB_SOC", "LB_Temp"), m.signals().stream().map(DbcSignal::name).toList());
    assertEquals("°C", m.signal("LB_Temp").orElseThrow().unit());
  }

  @Test
  void crOnlyLineEndsAndByteOrderMark() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] text = ("BO_ 16 A: 1 X\r SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\r\rBO_ 17 B: 1 X\r")
        .getBytes(StandardCharsets.UTF_8);
    byte[] file = new byte[bom.length + text.length];
    System.arraycopy(bom, 0, file, 0, 3);
    System.arraycopy(text, 0, file, 3, text.length);

    DbcDatabase d = DbcParser.parse(file);

    assertEquals(List.of(), d.warnings());
    assertEquals(List.of("A", "B"), d.messages().stream().map(DbcMessage::name).toList());
    assertEquals(1, d.find(16, false).signals().size());
  }

  @Test
  void unterminatedStatementIsAWarningAndTheNextStatementStillLoads() {
    DbcDatabase d = DbcParser.parse(String.join("\n",
        "CM_ BO_ 16 \"no semicolon\"",
        "BO_ 16 A: 8 X",
        " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X",
        "CM_ \"open quote never closed;"));

    assertEquals(List.of(1, 4), warningLines(d), d.warnings().toString());
    assertTrue(d.warnings().get(0).message().contains("before line 2"));
    assertTrue(d.warnings().get(1).message().contains("end of the file"));
    assertEquals(1, d.find(16, false).signals().size());
  }

  @Test
  void structuralProblemsAreWarningsNotExceptions() {
    DbcDatabase d = DbcParser.parse(String.join("\n",
        " SG_ Lonely : 0|8@1+ (1,0) [0|0] \"\" X",
        "BO_ 16 A: 8 X",
        " SG_ Sub m1 : 8|8@1+ (1,0) [0|0] \"\" X",
        " SG_ M1 M : 0|4@1+ (1,0) [0|0] \"\" X",
        " SG_ M2 M : 4|4@1+ (1,0) [0|0] \"\" X",
        " SG_ M1 : 16|8@1+ (1,0) [0|0] \"\" X",
        "BO_ 16 Again: 8 X",
        "BO_ 17 NoMux: 8 X",
        " SG_ Orphaned m3 : 0|8@1+ (1,0) [0|0] \"\" X",
        "BO_ 4294967295 TooBig: 8 X",
        "BO_ 18 TooLong: 65 X",
        "VAL_ 16 Nope 1 \"x\" ;",
        "VAL_ 16 Sub 1 ;",
        "VAL_ Env 1 \"x\" ;",
        "SIG_VALTYPE_ 16 Sub : 7;"));

    assertEquals(List.of(1, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15), warningLines(d),
        d.warnings().toString());
    DbcMessage a = d.find(16, false);
    assertEquals(List.of("Sub", "M1", "M2"), a.signals().stream().map(DbcSignal::name).toList());
    assertEquals("M1", a.multiplexor().orElseThrow().name());
    assertFalse(a.signal("M2").orElseThrow().multiplexor());
    assertEquals(List.of(), d.find(17, false).signals());
    assertNull(d.find(18, false));
  }

  @Test
  void unreadableFileThrows() {
    assertThrows(IOException.class, () -> DbcParser.parse(Path.of("does/not/exist.dbc")));
  }
  @Test
  void cycleTimesComeFromGenMsgCycleTimeAndItsDefault() {
    DbcDatabase d = DbcParser.parse("""
        BO_ 100 Fast: 8 ECU
         SG_ A : 0|8@1+ (1,0) [0|0] "" Vector__XXX
        BO_ 200 Slow: 8 ECU
         SG_ B : 0|8@1+ (1,0) [0|0] "" Vector__XXX
        BO_ 300 Default: 8 ECU
         SG_ C : 0|8@1+ (1,0) [0|0] "" Vector__XXX
        BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;
        BA_DEF_DEF_ "GenMsgCycleTime" 500;
        BA_ "GenMsgCycleTime" BO_ 100 10;
        BA_ "GenMsgCycleTime" BO_ 200 1000;
        BA_ "GenMsgSendType" BO_ 200 0;
        BA_ "GenMsgCycleTime" BO_ 999 20;
        BA_ "GenMsgCycleTime" BO_ 300 fast;
        """);
    assertEquals(10, d.message("Fast").orElseThrow().cycleTimeMs());
    assertEquals(1000, d.message("Slow").orElseThrow().cycleTimeMs());
    assertEquals(500, d.message("Default").orElseThrow().cycleTimeMs());
    assertEquals(List.of(12, 13), warningLines(d), d.warnings().toString());
    assertTrue(d.warnings().get(0).message().contains("unknown message 999"));
    assertTrue(d.warnings().get(1).message().contains("not a number of milliseconds"));
    // without the attribute the cycle time is unknown
    assertEquals(0, DbcParser.parse("BO_ 1 M: 1 X\n").message("M").orElseThrow().cycleTimeMs());
  }
}
