package io.evedge.agent.bench;

import io.evedge.agent.mqtt.LinkEvent;
import io.evedge.agent.signal.ChargeDerivations;
import io.evedge.agent.signal.Derivation;
import io.evedge.agent.signal.MeterDerivations;
import io.evedge.agent.signal.ReportByException;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.signal.SignalRouter;
import io.evedge.agent.signal.SignalTable;
import io.evedge.drivers.Reading;
import io.evedge.proto.LocationConfig;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalPolicy;
import io.evedge.proto.SignalsConfig;
import io.evedge.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The signal path on the scheduler thread, with report-by-exception deciding what goes out and a
 * {@link Blackhole} at the publisher seam ({@link ReportByException.Sink}) instead of the MQTT link.
 * Policies are those of the example in {@code docs/mqtt.md}: {@code charge-voltage} deadband 1 V with a
 * 300 s heartbeat, {@code charge-wattage} deadband 2 % at most every 2 s with a 60 s heartbeat.
 *
 * <ul>
 *   <li>{@link #tableSet}: one {@link SignalTable#set} of {@code charge-voltage}, the noisy value of a
 *       float32 register; of every eight values two move a full volt from the last published one
 *       (published) and six stay within the deadband (suppressed).
 *   <li>{@link #routerPoll}: one poll of an SDM630 handed to the {@link SignalRouter} as the poller
 *       does (fourteen readings, a 3 × 16 A charge with noise), then the virtual clock moves on by the
 *       poll interval (1 s), which runs the routing and any report-by-exception timer that falls due:
 *       the meter derivations (voltage, amperage, wattage) and the derived signals
 *       (charging, phases) recomputed, set and filtered. No session recorder is attached.
 * </ul>
 *
 * <p>The {@code published} counter is bodies handed to the publisher per second. Readings and
 * instants are prepared in the setup; the clock is a {@link VirtualScheduler}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignalUpdateBenchmark {

  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final Duration POLL = Duration.ofSeconds(1);
  static final String DEVICE = "meter";
  /** Polls prepared; a power of two. */
  static final int POLLS = 1024;

  /** One cycle of voltages: 230.0 and 231.0 are a volt from the last published value, the rest not. */
  static final double[] VOLTS = {230.0, 230.2, 230.4, 230.6, 231.0, 230.8, 230.6, 230.4};

  /** Bodies that reach the publisher seam, per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Published {
    public long published;

    @Setup(Level.Iteration)
    public void clear() {
      published = 0;
    }
  }

  private VirtualScheduler clock;
  private SignalTable table;
  private SignalRouter router;
  private Instant[] times;
  private List<List<Reading>> polls;
  private int i;
  private Published counter;
  private Blackhole sink;

  @Setup
  public void setUp(Published published, Blackhole blackhole) {
    this.counter = published;
    this.sink = blackhole;
    clock = new VirtualScheduler(T0);
    SignalsConfig config = SignalsConfig.newBuilder()
        .putPerSignal(SignalCatalog.VOLTAGE.name(), SignalPolicy.newBuilder().setDeadband(1).setMaxIntervalS(300).build())
        .putPerSignal(SignalCatalog.WATTAGE.name(), SignalPolicy.newBuilder().setDeadbandPercent(2)
            .setMinIntervalMs(2000).setMaxIntervalS(60).build())
        .build();
    ReportByException rbe = new ReportByException(clock, config, (def, body, every) -> {
      counter.published++;
      sink.consume(body);
    });
    table = new SignalTable(rbe);
    rbe.onLink(new LinkEvent(true, true));
    clock.runDue();

    Set<String> keys = new HashSet<>(List.of("voltage_l1", "voltage_l2", "voltage_l3", "current_l1", "current_l2",
        "current_l3", "power_l1", "power_l2", "power_l3", "power_total", "frequency", "energy_import",
        "energy_export"));
    List<Derivation> derivations = new ArrayList<>(MeterDerivations.forDevice(DEVICE, keys));
    derivations.addAll(ChargeDerivations.forDevice(DEVICE, keys));
    Set<String> direct = new HashSet<>();
    derivations.forEach(d -> direct.add(d.signal().name()));
    Map<String, Set<String>> keysByDevice = new LinkedHashMap<>();
    keysByDevice.put(DEVICE, keys);
    router = new SignalRouter(clock, table, derivations,
        ChargeDerivations.derived(keysByDevice, direct, config, LocationConfig.getDefaultInstance()));
    router.start();
    clock.runDue();

    times = new Instant[POLLS];
    polls = new ArrayList<>(POLLS);
    SplittableRandom random = new SplittableRandom(1);
    double energy = 1234.5;
    for (int p = 0; p < POLLS; p++) {
      Instant at = T0.plus(POLL.multipliedBy(p));
      times[p] = at;
      double amps = 15.9 + random.nextDouble() * 0.2;
      double volts = 229.5 + random.nextDouble() * 2;
      double watts = 3 * amps * volts * (0.98 + random.nextDouble() * 0.04);
      energy += watts / 3.6e6;
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("voltage_l1", volts);
      v.put("voltage_l2", volts - 1.1);
      v.put("voltage_l3", volts + 0.7);
      v.put("current_l1", amps);
      v.put("current_l2", amps + 0.05);
      v.put("current_l3", amps - 0.04);
      v.put("power_l1", watts / 3);
      v.put("power_l2", watts / 3);
      v.put("power_l3", watts / 3);
      v.put("power_total", watts);
      v.put("frequency", 49.95 + random.nextDouble() * 0.1);
      v.put("energy_import", energy);
      v.put("energy_export", 0.012);
      List<Reading> readings = new ArrayList<>();
      v.forEach((k, x) -> readings.add(new Reading(DEVICE, k, (double) x.floatValue(), unit(k), at)));
      polls.add(List.copyOf(readings));
    }
  }

  @Benchmark
  public void tableSet() {
    int k = i++;
    table.set(SignalCatalog.VOLTAGE, VOLTS[k & (VOLTS.length - 1)], times[k & (POLLS - 1)], Quality.GOOD);
  }

  @Benchmark
  public void routerPoll() {
    router.onReadings(DEVICE, polls.get(i++ & (POLLS - 1)));
    clock.advance(POLL);
  }

  private static String unit(String key) {
    if (key.startsWith("voltage")) {
      return "V";
    }
    if (key.startsWith("current")) {
      return "A";
    }
    if (key.startsWith("power")) {
      return "W";
    }
    return key.startsWith("energy") ? "kWh" : "Hz";
  }
}
