package io.evedge.drivers.can.bench;

import io.evedge.drivers.Reading;
import io.evedge.drivers.can.CanFrame;
import io.evedge.drivers.can.CanMappings;
import io.evedge.drivers.can.CanSignalMapper;
import io.evedge.drivers.can.DbcMessage;
import io.evedge.drivers.can.DbcSignal;
import io.evedge.drivers.can.FrameClock;
import io.evedge.drivers.can.SlcanListener;
import io.evedge.drivers.can.SlcanParser;
import io.evedge.drivers.can.TimestampUnwrapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The agent's CAN hot path on one core: SLCAN bytes → {@link SlcanParser} → DBC decode and mapping
 * ({@link CanSignalMapper}) → readings, over one second of a saturated 1 Mbit/s bus (8,000 frames):
 * the shipped vehicle's six messages at their cycle times with noisy battery values, and the rest of
 * the bus filled with frames of other ECUs the mapping does not read. Adapter timestamps on, as the
 * agent asks for them. Time advances 125 µs per frame, so throttled signals emit once a second.
 *
 * <p>Run (see docs/can.md): {@code java -cp ... org.openjdk.jmh.Main CanPipelineBenchmark -prof gc}.
 * The score is per frame; {@code gc.alloc.rate.norm} is bytes allocated per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class CanPipelineBenchmark {

  /** Frames in one second of a saturated 1 Mbit/s bus (8-byte standard frames, ~125 bits each). */
  public static final int FRAMES = 8_000;

  private byte[] stream;
  private SlcanParser parser;
  private CanSignalMapper mapper;
  private long nanos;
  private Blackhole sink;

  @Setup
  public void setUp(Blackhole blackhole) throws Exception {
    this.sink = blackhole;
    CanMappings.Compiled mapping = CanMappings.load("evedge-generic-ev", "", null);
    stream = busSecond(mapping);
    mapper = new CanSignalMapper("car", mapping, new FrameClock(Instant.parse("2026-11-23T10:00:00Z"), 0), 0,
        (Reading r) -> sink.consume(r));
    parser = new SlcanParser(new SlcanListener() {
      @Override
      public void onRawFrame(int id, boolean extended, boolean remote, int dlc, long data, long timestampMs) {
        nanos += 125_000;
        mapper.onFrame(id, extended, remote, dlc, data, timestampMs, nanos);
      }
    });
  }

  /** One second of traffic as the adapter sends it, in 512-byte reads as from a USB CDC endpoint. */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public void parseDecodeMap() {
    byte[] s = stream;
    for (int off = 0; off < s.length; off += 512) {
      parser.feed(s, off, Math.min(512, s.length - off));
    }
  }

  /** The SLCAN text of one second of a saturated bus. */
  static byte[] busSecond(CanMappings.Compiled mapping) {
    SplittableRandom random = new SplittableRandom(1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<DbcMessage> messages = mapping.database().messages();
    long[] nextDueUs = new long[messages.size()];
    for (int i = 0; i < FRAMES; i++) {
      int us = i * 125;
      CanFrame f = null;
      // one frame per slot: a vehicle message that is due, else another ECU's frame
      for (int m = 0; m < messages.size() && f == null; m++) {
        if (us >= nextDueUs[m]) {
          f = vehicleFrame(messages.get(m), random);
          nextDueUs[m] += messages.get(m).cycleTimeMs() * 1000L;
        }
      }
      if (f == null) {
        // another ECU's frame: an id the mapping does not read
        long data = random.nextLong();
        f = new CanFrame(0x400 + random.nextInt(0x100), false, false, 8, data, CanFrame.NO_TIMESTAMP);
      }
      StringBuilder line = new StringBuilder(f.extended() ? "T" : "t")
          .append(String.format(f.extended() ? "%08X" : "%03X", f.id())).append(f.dlc());
      for (int b = 0; b < f.dlc(); b++) {
        line.append(String.format("%02X", f.dataByte(b)));
      }
      line.append(String.format("%04X", (us / 1000) % TimestampUnwrapper.WRAP_MS)).append('\r');
      out.writeBytes(line.toString().getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  /** A frame of the shipped vehicle: charging, with a little noise on the battery values. */
  private static CanFrame vehicleFrame(DbcMessage m, SplittableRandom random) {
    long data = 0;
    for (DbcSignal s : m.signals()) {
      double v = switch (s.name()) {
        case "BMS_PackVoltage" -> 395 + random.nextDouble();
        case "BMS_PackCurrent" -> 25 + random.nextDouble() * 0.4;
        case "BMS_MaxCellTemp" -> 31;
        case "CP_FlapOpen", "OBC_Charging" -> 1;
        case "CP_CableState", "CP_LatchState", "OBC_ChargeState" -> 2;
        case "CP_ConnectorType" -> 2;
        case "CP_LedColour" -> 3;
        case "CP_PilotCurrent", "OBC_RequestedCurrent", "CHG_InputCurrent" -> 16;
        case "BMS_SOC_Display" -> 62.3;
        case "OBC_ChargeLimit" -> 90;
        case "OBC_TimeToComplete" -> 140;
        case "CHG_InputVoltage" -> 230 + random.nextDouble() * 0.4;
        case "CHG_InputPower" -> 11.04;
        case "VCU_RangeEstimate" -> 280;
        default -> 0;
      };
      data = s.encode(data, v);
    }
    return new CanFrame(m.id(), m.extended(), false, m.dlc(), data, CanFrame.NO_TIMESTAMP);
  }
}
