package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.evedge.drivers.Reading;
import io.evedge.drivers.can.CanResources.LoadedDbc;
import io.evedge.drivers.can.CanResources.LoadedMapping;
import io.evedge.proto.CanMapping;
import io.evedge.yaml.ProtoYaml;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Frames to readings: the shipped vehicle's frames decoded against values worked out by hand, then
 * the order of change detection and throttling, staleness and timestamps on a small mapping.
 */
class CanSignalMapperTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final long MS = 1_000_000L;

  private final List<Reading> readings = new ArrayList<>();

  private CanSignalMapper mapper(CanMappings.Compiled mapping) {
    return new CanSignalMapper("car", mapping, new FrameClock(T0, 0), 0, readings::add);
  }

  private static CanMappings.Compiled small(String signals) throws Exception {
    String dbc = """
        BO_ 256 Fast: 8 ECU
         SG_ Power : 0|16@1+ (1,0) [0|0] "W" X
         SG_ Flap : 16|1@1+ (1,0) [0|1] "" X
         SG_ Mode : 20|2@1+ (1,0) [0|3] "" X
        BO_ 512 Muxed: 8 ECU
         SG_ Page M : 0|8@1+ (1,0) [0|0] "" X
         SG_ Temp m1 : 8|8@1- (1,0) [0|0] "degC" X
         SG_ Volts m2 : 8|16@1+ (0.1,0) [0|0] "V" X
        BA_ "GenMsgCycleTime" BO_ 256 100;
        BA_ "GenMsgCycleTime" BO_ 512 100;
        """;
    String yaml = "name: small\nsignals:\n" + signals;
    CanMapping m = ProtoYaml.read("small.yaml", yaml, CanMapping.newBuilder()).build();
    return CanMappings.compile(new LoadedMapping("small.yaml", m, null),
        new LoadedDbc("small.dbc", DbcParser.parse(dbc)));
  }

  private static CanFrame frame(int id, int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return CanFrame.of(id, id > CanFrame.MAX_STANDARD_ID, b);
  }

  /** Fast frame with power (W, 16-bit Intel), flap bit and 2-bit mode. */
  private static CanFrame fast(int watts, boolean flap, int mode) {
    return frame(0x100, watts & 0xFF, watts >> 8, (flap ? 1 : 0) | mode << 4, 0, 0, 0, 0, 0);
  }

  private Map<String, Object> values() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Reading r : readings) {
      out.put(r.key(), r.value());
    }
    return out;
  }

  private List<Object> valuesOf(String key) {
    return readings.stream().filter(r -> r.key().equals(key)).map(Reading::value).toList();
  }

  @Test
  void goldenFramesOfTheShippedVehicle() throws Exception {
    CanSignalMapper m = mapper(CanMappings.load("evedge-generic-ev", "", null));
    // BMS_PackStatus 0x102, Motorola: voltage 7|16 = 0x0FA0 = 4000 x 0.1 = 400.0 V;
    // current 23|16 signed = 0xFF06 = -250 x 0.1 = -25.0 A (discharging)
    m.onFrame(frame(0x102, 0x0F, 0xA0, 0xFF, 0x06, 0x41, 0, 0x05, 0), 0);
    // BMS_SOC 0x3D2, Intel: 0|10 = 0x325 = 805 x 0.1 = 80.5 %: byte 0 = 0x25, byte 1 bits 0-1 = 3
    m.onFrame(frame(0x3D2, 0x25, 0x03, 0, 0, 0, 0, 0, 0), 0);
    // CP_Status 0x25D: byte 0 = flap (bit 0) | cable 2 << 1 | latch 2 << 3 = 0x15;
    // byte 1 = connector 4 (CCS2) | LED 3 (Green) << 4 = 0x34; pilot 0x40 = 64 x 0.5 = 32 A
    m.onFrame(frame(0x25D, 0x15, 0x34, 0x40, 0x20, 0, 0, 0, 0), 0);
    // OBC_ChargeStatus 0x38A: byte 0 = state 2 | charging bit 4 = 0x12, fast charger absent;
    // limit byte 2 = 0x50 = 80 %; time 24|12 = 0x05F = 95 min; requested 40|10 = 0xA0 = 16.0 A
    m.onFrame(frame(0x38A, 0x12, 0x00, 0x50, 0x5F, 0x00, 0xA0, 0x00, 0), 0);
    // CHG_InputStatus 0x18FF50E5 (29-bit), Motorola: 0x08FC = 2300 -> 230.0 V,
    // 0x00A0 = 160 -> 16.0 A, 0x0450 = 1104 x 0.01 = 11.04 kW -> 11040 W
    m.onFrame(frame(0x18FF50E5, 0x08, 0xFC, 0x00, 0xA0, 0x04, 0x50, 0, 0), 0);
    // VCU_Range 0x5F0: 0|10 = 0x138 = 312 km
    m.onFrame(frame(0x5F0, 0x38, 0x01, 0, 0, 0, 0, 0, 0), 0);

    Map<String, Object> v = values();
    assertEquals(400.0, (Double) v.get("tractionbattery-voltage"), 1e-9);
    assertEquals(-25.0, (Double) v.get("tractionbattery-current"), 1e-9);
    assertEquals(80.5, (Double) v.get("tractionbattery-stateofcharge"), 1e-9);
    assertEquals(true, v.get("charge-ischargingportflapopen"));
    assertEquals(true, v.get("charge-ischargingcableconnected"));
    assertEquals(true, v.get("charge-ischargingcablelatched"));
    assertEquals("CCS2", v.get("charge-chargingconnectortype"));
    assertEquals("Green", v.get("charge-chargeportstatuscolor"));
    assertEquals(32.0, (Double) v.get("charge-amperagemax"), 1e-9);
    assertEquals("CHARGING", v.get("charge-detailedchargingstatus"));
    assertEquals(true, v.get("charge-ischarging"));
    assertEquals(false, v.get("charge-isfastchargerpresent"));
    assertNull(v.get("charge-fastchargertype"), "type 0 (none) has no value");
    assertTrue(v.containsKey("charge-fastchargertype"));
    assertEquals(80.0, (Double) v.get("charge-chargelimits"), 1e-9);
    assertEquals(95.0, (Double) v.get("charge-timetocomplete"), 1e-9);
    assertEquals(16.0, (Double) v.get("charge-amperagerequested"), 1e-9);
    assertEquals(230.0, (Double) v.get("charge-voltage"), 1e-9);
    assertEquals(16.0, (Double) v.get("charge-amperage"), 1e-9);
    assertEquals(11040.0, (Double) v.get("charge-wattage"), 1e-6);
    assertEquals(312.0, (Double) v.get("tractionbattery-range"), 1e-9);
    assertEquals(20, v.size(), "every mapped signal read once: " + v.keySet());
    assertTrue(readings.stream().allMatch(r -> r.device().equals("car") && r.time().equals(T0)));
  }

  @Test
  void changeDetectionComesBeforeThrottling() throws Exception {
    CanSignalMapper m = mapper(small("  - {signal: power, source: Fast.Power, min_interval_ms: 1000}\n"));
    m.onFrame(fast(10, false, 0), 0);          // first value: emitted
    m.onFrame(fast(11, false, 0), 100 * MS);   // changed, throttled
    m.onFrame(fast(12, false, 0), 500 * MS);   // changed, throttled
    m.onFrame(fast(10, false, 0), 900 * MS);   // back to the last emitted value: no change
    m.onFrame(fast(12, false, 0), 1000 * MS);  // changed and the interval has passed: emitted
    m.onFrame(fast(12, false, 0), 2500 * MS);  // unchanged: nothing, however late

    assertEquals(List.of(10.0, 12.0), valuesOf("power"));
    assertEquals(2, m.stats().throttled.sum());
    assertEquals(2, m.stats().emitted.sum());
    assertEquals(T0.plusMillis(1000), readings.get(1).time());
  }

  @Test
  void booleanAndTextTransitionsAreNeverThrottled() throws Exception {
    CanSignalMapper m = mapper(small("""
          - {signal: flap, source: Fast.Flap, min_interval_ms: 1000}
          - {signal: mode, source: Fast.Mode, min_interval_ms: 1000, value_map: {0: IDLE, 1: RUN}}
        """));
    // a flap that opens and closes twice within 300 ms, a mode that flips: every transition out
    m.onFrame(fast(0, false, 0), 0);
    m.onFrame(fast(0, true, 1), 100 * MS);
    m.onFrame(fast(0, true, 1), 150 * MS);
    m.onFrame(fast(0, false, 0), 200 * MS);
    m.onFrame(fast(0, true, 2), 300 * MS);

    assertEquals(List.of(false, true, false, true), valuesOf("flap"));
    assertEquals(java.util.Arrays.asList("IDLE", "RUN", "IDLE", null), valuesOf("mode"),
        "2 is not in the value map: no value");
    assertEquals(0, m.stats().throttled.sum());
  }

  @Test
  void withoutOnChangeEveryFrameCountsButNumbersAreStillThrottled() throws Exception {
    CanSignalMapper m = mapper(small("""
          - {signal: power, source: Fast.Power, on_change: false, min_interval_ms: 250}
          - {signal: flap, source: Fast.Flap, on_change: false, min_interval_ms: 250}
        """));
    for (int i = 0; i < 10; i++) {
      m.onFrame(fast(7, false, 0), i * 100 * MS);
    }
    // frames at 0, 300, 600, 900 ms pass the 250 ms interval
    assertEquals(List.of(7.0, 7.0, 7.0, 7.0), valuesOf("power"));
    assertEquals(List.of(false, false, false, false), valuesOf("flap"));
  }

  @Test
  void deadbandIgnoresNoise() throws Exception {
    CanSignalMapper m = mapper(small("  - {signal: power, source: Fast.Power, deadband: 5}\n"));
    for (int w : new int[] {100, 104, 96, 105, 106, 100, 99}) {
      m.onFrame(fast(w, false, 0), 0);
    }
    // 104, 96, 105 are within 5 of 100, 106 is not; 100 is 6 from 106; 99 is within 5 of 100
    assertEquals(List.of(100.0, 106.0, 100.0), valuesOf("power"));
  }

  @Test
  void signalsGoStaleAfterTheirCyclesAndComeBackWithTheNextFrame() throws Exception {
    CanSignalMapper m = mapper(small("""
          - {signal: power, source: Fast.Power, stale_after_cycles: 3}
          - {signal: flap, source: Fast.Flap, stale_after_cycles: 10}
          - {signal: temp, source: Muxed.Temp, stale_after_cycles: 0}
        """));
    m.onFrame(fast(50, true, 0), 0);
    assertEquals(List.of(), m.expire(300 * MS), "3 cycles of 100 ms is not yet over");
    List<CanSignalMapper.Stale> stale = m.expire(301 * MS);
    assertEquals(List.of(new CanSignalMapper.Stale("Fast", List.of("power"), 301)), stale);
    assertEquals(List.of(), m.expire(500 * MS), "once per episode");
    assertEquals(List.of(new CanSignalMapper.Stale("Fast", List.of("flap"), 1001)),
        m.expire(1001 * MS));
    assertEquals(List.of(), m.expire(3_600_000 * MS), "stale_after_cycles 0: never stale");

    // the same values again: emitted, so the signals turn good again
    readings.clear();
    m.onFrame(fast(50, true, 0), 1100 * MS);
    assertEquals(List.of(50.0), valuesOf("power"));
    assertEquals(List.of(true), valuesOf("flap"));
    assertEquals(List.of(), m.expire(1300 * MS));
  }

  @Test
  void aMessageNeverReceivedGoesStaleCountedFromTheStartOrTheLastRestart() throws Exception {
    CanSignalMapper m = mapper(small("  - {signal: power, source: Fast.Power}\n"));
    assertEquals(List.of(new CanSignalMapper.Stale("Fast", List.of("power"), 501)),
        m.expire(501 * MS));

    CanSignalMapper reopened = mapper(small("  - {signal: power, source: Fast.Power}\n"));
    reopened.restart(1000 * MS);
    assertEquals(List.of(), reopened.expire(1500 * MS), "5 cycles from the restart");
    assertEquals(List.of(new CanSignalMapper.Stale("Fast", List.of("power"), 501)),
        reopened.expire(1501 * MS));
  }

  @Test
  void whileSuspendedNothingIsEmittedAndAfterwardsEverySignalReports() throws Exception {
    CanSignalMapper m = mapper(small("""
          - {signal: power, source: Fast.Power}
          - {signal: flap, source: Fast.Flap}
        """));
    m.onFrame(fast(50, true, 0), 0);
    m.suspend(true);
    assertEquals(List.of("power", "flap"), m.markAllStale());
    assertEquals(List.of(), m.markAllStale(), "already stale");
    m.onFrame(fast(60, false, 0), 100 * MS);
    assertEquals(2, readings.size(), "nothing while suspended");
    m.suspend(false);
    m.onFrame(fast(50, true, 0), 200 * MS);
    assertEquals(List.of(50.0, 50.0), valuesOf("power"));
    assertEquals(List.of(true, true), valuesOf("flap"));
  }

  @Test
  void multiplexedSignalsAreReadFromTheirPagesOnly() throws Exception {
    CanSignalMapper m = mapper(small("""
          - {signal: temp, source: Muxed.Temp}
          - {signal: volts, source: Muxed.Volts}
        """));
    // page 1: Temp 8|8 signed = 0xF6 = -10; page 2: Volts 8|16 = 0x0960 = 2400 x 0.1 = 240 V
    m.onFrame(frame(0x200, 1, 0xF6, 0x09, 0, 0, 0, 0, 0), 0);
    m.onFrame(frame(0x200, 2, 0x60, 0x09, 0, 0, 0, 0, 0), 0);
    m.onFrame(frame(0x200, 3, 0x60, 0x09, 0, 0, 0, 0, 0), 0);
    assertEquals(List.of(-10.0), valuesOf("temp"));
    assertEquals(List.of(240.0), valuesOf("volts"));
  }

  @Test
  void unmappedIdsAndShortOrRemoteFramesEmitNothing() throws Exception {
    CanSignalMapper m = mapper(small("  - {signal: power, source: Fast.Power}\n"));
    m.onFrame(frame(0x101, 1, 2), 0);
    m.onFrame(frame(0x100, 1), 0);
    m.onFrame(CanFrame.remoteRequest(0x100, false, 8), 0);
    // the extended id 0x100 is another frame than the standard 0x100
    m.onFrame(CanFrame.of(0x100, true, new byte[8]), 0);
    assertEquals(List.of(), readings);
    assertEquals(2, m.stats().framesIgnored.sum());
    assertEquals(2, m.stats().framesMapped.sum());
  }

  @Test
  void readingsCarryTheAdapterTimeWhenThereIsOne() throws Exception {
    CanSignalMapper m = mapper(small("  - {signal: power, source: Fast.Power, on_change: false}\n"));
    // the adapter stamps 5000 and 5100 ms; the host reads them 20 ms and 3 ms late: the first
    // anchors the adapter's clock, the second (less delayed) moves the anchor forward
    m.onFrame(fast(1, false, 0).withTimestamp(5000), 20 * MS);
    m.onFrame(fast(1, false, 0).withTimestamp(5100), 103 * MS);
    m.onFrame(fast(1, false, 0).withTimestamp(5150), 160 * MS);
    // no timestamp: the host's receive time
    m.onFrame(fast(1, false, 0), 170 * MS);
    assertEquals(List.of(T0.plusMillis(20), T0.plusMillis(103), T0.plusMillis(153),
        T0.plusMillis(170)), readings.stream().map(Reading::time).toList());
  }

  @Test
  void framesThatChangeNothingAllocateNothing() throws Exception {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    CanSignalMapper m = mapper(CanMappings.load("evedge-generic-ev", "", null));
    CanFrame[] frames = {
        frame(0x102, 0x0F, 0xA0, 0xFF, 0x06, 0x41, 0, 0x05, 0),
        frame(0x25D, 0x15, 0x34, 0x40, 0x20, 0, 0, 0, 0),
        frame(0x38A, 0x12, 0x00, 0x50, 0x5F, 0x00, 0xA0, 0x00, 0),
        frame(0x18FF50E5, 0x08, 0xFC, 0x00, 0xA0, 0x04, 0x50, 0, 0),
        frame(0x7DF, 2, 1, 0x0C, 0, 0, 0, 0, 0)};
    for (int i = 0; i < 10_000; i++) {
      CanFrame f = frames[i % frames.length];
      m.onFrame(f.id(), f.extended(), false, f.dlc(), f.data(), 1000 + i, i * MS);
    }
    int before = readings.size();
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    for (int i = 10_000; i < 110_000; i++) {
      CanFrame f = frames[i % frames.length];
      m.onFrame(f.id(), f.extended(), false, f.dlc(), f.data(), 1000 + i, i * MS);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
    assertEquals(before, readings.size(), "nothing changed, nothing emitted");
    // 100000 frames: one 16-byte object each would be 1.6 MB
    assertTrue(allocated < 100_000, allocated + " bytes allocated");
  }
}
