package io.evedge.drivers.modbus.bench;

import io.evedge.drivers.Reading;
import io.evedge.drivers.modbus.Point;
import io.evedge.drivers.modbus.PointDecoder;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.ReadBlock;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.codec.Pdu;
import io.evedge.drivers.modbus.codec.ReadRequest;
import io.evedge.drivers.modbus.codec.Reply;
import io.evedge.drivers.modbus.codec.ResponseParser;
import io.evedge.proto.DeviceProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding one block read of the shipped {@code eastron-sdm630} profile into readings, as
 * {@code ModbusPoller.pollOnce} does per block: the largest block of the profile's read plan (input
 * registers 0x0000+76, the thirteen live values, float32 ABCD), with a meter's values of a 3 × 16 A
 * charge in the registers.
 *
 * <ul>
 *   <li>{@link #wordsToReadings}: register words → one {@link Reading} per point (the poller's loop).
 *   <li>{@link #frameToReadings}: the reply frame as it comes off the line (RTU with CRC, or TCP with
 *       its MBAP header), fed in one chunk to a fresh {@link ResponseParser} as the client does per
 *       transaction, then words and readings as above.
 * </ul>
 *
 * <p>The score is blocks per second; the {@code points} counter is points (readings) per second.
 * Run: {@code ./mvnw -B -Pbench verify} (all benchmarks), or see {@code docs/modbus.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RegisterBlockBenchmark {

  /** A fixed poll time: the decoder never reads the clock, the poller stamps its scheduler's time. */
  static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");
  static final String DEVICE = "meter";
  static final int UNIT_ID = 1;

  ReadBlock block;
  int[] words;

  /** Points decoded, reported per second next to the blocks per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Points {
    public long points;

    @Setup(Level.Iteration)
    public void clear() {
      points = 0;
    }
  }

  /** The reply frame of {@link #block} in one framing. */
  @State(Scope.Thread)
  public static class Wire {
    @Param({"RTU", "TCP"})
    public String framing;

    Framing f;
    ReadRequest request;
    byte[] reply;
    int transactionId = 7;

    @Setup
    public void setUp(RegisterBlockBenchmark b) {
      f = Framing.valueOf(framing);
      request = new ReadRequest(UNIT_ID, b.block.function(), b.block.address(), b.block.count());
      reply = f.frame(UNIT_ID, transactionId, Pdu.registers(b.block.function(), b.words));
    }
  }

  @Setup
  public void setUp() throws Exception {
    DeviceProfile profile = Profiles.load("eastron-sdm630");
    block = Profiles.plan(profile).stream().max(Comparator.comparingInt(r -> r.points().size())).orElseThrow();
    words = new int[block.count()];
    for (Point p : block.points()) {
      int bits = Float.floatToIntBits(value(p.key()));
      int at = p.address() - block.address();
      words[at] = bits >>> 16;
      words[at + 1] = bits & 0xFFFF;
    }
    List<Reading> check = readings(words);
    for (Reading r : check) {
      if (!(r.value() instanceof Double)) {
        throw new IllegalStateException("point " + r.key() + " did not decode to a number: " + r.value());
      }
    }
  }

  @Benchmark
  public List<Reading> wordsToReadings(Points counter) {
    counter.points += block.points().size();
    return readings(words);
  }

  @Benchmark
  public void frameToReadings(Wire wire, Points counter, Blackhole bh) {
    byte[] adu = wire.f.frame(UNIT_ID, wire.transactionId, wire.request.pdu());
    ResponseParser parser = new ResponseParser(wire.f, wire.request, wire.transactionId, null);
    parser.feed(wire.reply, 0, wire.reply.length);
    if (!(parser.state() instanceof ResponseParser.Done done) || !(done.reply() instanceof Reply.Data data)) {
      throw new IllegalStateException("reply not parsed: " + parser.state());
    }
    counter.points += block.points().size();
    bh.consume(adu);
    bh.consume(readings(data.words()));
  }

  /** The poller's loop over one register block. */
  private List<Reading> readings(int[] w) {
    List<Reading> out = new ArrayList<>();
    for (Point p : block.points()) {
      out.add(new Reading(DEVICE, p.key(), PointDecoder.decode(p, w, p.address() - block.address()), p.unit(), AT));
    }
    return out;
  }

  /** A meter's values while a car charges at 16 A on three phases. */
  private static float value(String key) {
    return switch (key) {
      case "voltage_l1" -> 231.4f;
      case "voltage_l2" -> 229.8f;
      case "voltage_l3" -> 230.6f;
      case "current_l1", "current_l2", "current_l3" -> 15.97f;
      case "power_l1", "power_l2", "power_l3" -> 3684.2f;
      case "power_total" -> 11052.6f;
      case "frequency" -> 49.98f;
      case "energy_import" -> 1234.567f;
      case "energy_export" -> 0.012f;
      default -> 1.0f;
    };
  }
}
