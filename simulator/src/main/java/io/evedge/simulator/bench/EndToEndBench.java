package io.evedge.simulator.bench;

import io.evedge.drivers.modbus.Point;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.slave.RegisterImage;
import io.evedge.proto.DeviceProfile;
import io.evedge.simulator.TempDirs;
import io.evedge.simulator.modbus.ModbusSlave;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.simulator.modbus.ProfileImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-to-end harness: the simulator's Modbus slave (SDM630 map), the agent as a separate JVM
 * with the small-board flags, Mosquitto on loopback, and a subscriber in this process.
 *
 * <p>Latency is measured from the moment the slave serves a changed register (the total power
 * takes a new value on every request) to the moment the subscriber's client (a bare Paho client,
 * {@link BenchSubscriber}) hands over the signal carrying that value: both ends are in this process,
 * on one clock. CPU and memory of the agent process come
 * from /proc over a steady-state window.
 */
public final class EndToEndBench {

  /** The flags the Debian package runs the agent with (/etc/default/evedge). */
  public static final List<String> SMALL_BOARD_FLAGS = List.of("-Xmx24m", "-Xmn1m", "-Xss256k",
      "-XX:MaxMetaspaceSize=48m", "-XX:ReservedCodeCacheSize=16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=0.3", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError",
      "-Xshare:auto", "-XX:+UnlockDiagnosticVMOptions", "-XX:AsyncDeflationInterval=10000",
      "-XX:GuaranteedSafepointInterval=0");

  /** The environment the Debian package gives the agent (/etc/default/evedge, /usr/bin/evedge-agent). */
  public static final Map<String, String> SMALL_BOARD_ENV = Map.of("MALLOC_ARENA_MAX", "2");

  /** The CPUs the Debian package runs the agent on ({@code EVEDGE_CPUS} of /etc/default/evedge). */
  public static final String SMALL_BOARD_CPUS = "last";

  /** util-linux's taskset, which pins the agent as the package's launcher does. */
  static final String TASKSET = "/usr/bin/taskset";

  /**
   * The Linux scheduling policy the Debian package runs the agent with ({@code EVEDGE_SCHED} of
   * /etc/default/evedge): SCHED_BATCH, under which a woken thread of the agent does not preempt the
   * one running.
   */
  public static final String SMALL_BOARD_SCHED = "batch";

  /** util-linux's chrt, which sets the agent's scheduling policy as the package's launcher does. */
  static final String CHRT = "/usr/bin/chrt";

  /**
   * The CPU list for {@code taskset -c} that {@code spec} means, as the package's launcher reads
   * {@code EVEDGE_CPUS}: {@code last} is the highest-numbered CPU this process may run on, a list is
   * taken as it is; empty or {@code none} means not pinned (an empty result).
   */
  public static String cpus(String spec) throws IOException {
    if (spec == null || spec.isBlank() || "none".equals(spec)) {
      return "";
    }
    if (!"last".equals(spec)) {
      return spec;
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Cpus_allowed_list:")) {
        Matcher m = Pattern.compile("(\\d+)\\s*$").matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    throw new IOException("no Cpus_allowed_list in /proc/self/status: cannot find the last CPU");
  }

  /**
   * Starts the agent jar as its own JVM with the options' flags, CPUs, scheduling policy and the small-board
   * environment.
   */
  static Process startAgent(Options o, Path config, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (!o.cpus().isEmpty()) {
      cmd.addAll(List.of(TASKSET, "-c", o.cpus()));
    }
    if (!o.sched().isEmpty()) {
      cmd.addAll(List.of(CHRT, "--" + o.sched(), "0"));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(o.jvmFlags());
    cmd.addAll(List.of("-jar", o.agentJar().toString(), "run", "--config", config.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(SMALL_BOARD_ENV);
    return Children.stoppedAtExit(pb.start());
  }

  private static final Pattern VALUE = Pattern.compile("\"value\":(-?[0-9.]+)");
  private static final int POWER_ADDRESS = 0x0034;

  /**
   * What to run.
   *
   * @param cpus the agent's CPUs for {@code taskset -c} (see {@link #cpus}), empty for not pinned
   * @param sched the agent's scheduling policy for {@code chrt} ({@code batch}), empty for the default
   * @param samples where to write each run's latency samples as CSV; null for nowhere
   */
  public record Options(Path agentJar, List<String> jvmFlags, String cpus, String sched, Duration warmup,
      Duration measure, Path samples) {}

  /** One run's figures. */
  public record Result(boolean script, int devices, double hz, int signalQos, int samples, double p50Ms, double p99Ms, double maxMs,
      double cpuPercent, long rssKb, long peakRssKb, double startToOnlineMs, double startToFirstSignalMs,
      String cpuByThread) {}

  private EndToEndBench() {}

  /** One run: {@code devices} meters polled at {@code hz}, signals published with {@code signalQos}. */
  public static Result run(Options o, int devices, double hz, int signalQos) throws Exception {
    return run(o, false, devices, hz, signalQos);
  }

  /**
   * One run of the agent, or with {@code script} of the budget's reference instead: a bare pymodbus +
   * paho-mqtt script ({@link ReferenceScript}) reading the same registers at the same rate, measured
   * the same way.
   */
  public static Result run(Options o, boolean script, int devices, double hz, int signalQos) throws Exception {
    Path dir = Files.createTempDirectory("evedge-bench-");
    Result r = keptOnFailure(dir, () -> run(dir, o, script, devices, hz, signalQos));
    TempDirs.delete(dir);
    return r;
  }

  /** What a run makes in {@code dir} (logs, the agent's state, the broker's files) is kept if it fails. */
  static <T> T keptOnFailure(Path dir, java.util.concurrent.Callable<T> run) throws Exception {
    try {
      return run.call();
    } catch (Exception | Error e) {
      System.err.println("the run's files (logs, broker files, state) are kept in " + dir);
      throw e;
    }
  }

  private static Result run(Path dir, Options o, boolean script, int devices, double hz, int signalQos)
      throws Exception {
    Map<Long, Long> served = new ConcurrentHashMap<>();
    AtomicLong counter = new AtomicLong(1000);
    DeviceProfile sdm630 = Profiles.load("eastron-sdm630");
    Map<String, Object> constant = new HashMap<>();
    for (Point p : Profiles.points(sdm630)) {
      constant.put(p.key(), p.key().startsWith("voltage") ? 230.0 : p.key().startsWith("current") ? 16.0 : 0.0);
    }
    ProfileImage base = new ProfileImage(sdm630, () -> constant);
    RegisterImage image = new RegisterImage() {
      @Override
      public int[] readRegisters(int unitId, int function, int address, int count) {
        int[] words = base.readRegisters(unitId, function, address, count);
        if (unitId == 1 && function == 4 && address <= POWER_ADDRESS && address + count >= POWER_ADDRESS + 2) {
          long value = counter.incrementAndGet();
          int bits = Float.floatToIntBits(value);
          words[POWER_ADDRESS - address] = bits >>> 16;
          words[POWER_ADDRESS - address + 1] = bits & 0xFFFF;
          served.put(value, System.nanoTime());
        }
        return words;
      }

      @Override
      public boolean[] readBits(int unitId, int function, int address, int count) {
        return base.readBits(unitId, function, address, count);
      }
    };
    java.util.Set<Integer> units = new java.util.HashSet<>();
    for (int i = 1; i <= devices; i++) {
      units.add(i);
    }
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    StringBuffer csv = new StringBuffer("seconds,latency_ms\n");
    AtomicLong windowStart = new AtomicLong();
    try (Mosquitto broker = Mosquitto.start(dir, ModbusSlaveServer.freePort("127.0.0.1"));
        ModbusSlaveServer slave = ModbusSlaveServer.tcp("127.0.0.1", 0, Framing.TCP, new ModbusSlave(image, units))) {
      StringBuilder config = new StringBuilder("""
          device_id: bench
          state_dir: %s
          mqtt: {uri: "%s", signal_qos: %d}
          modbus:
          """.formatted(dir.resolve("state"), broker.uri(), signalQos));
      long pollMs = Math.round(1000 / hz);
      for (int i = 1; i <= devices; i++) {
        config.append("  - {name: m").append(i).append(", profile: eastron-sdm630, tcp: {host: 127.0.0.1, port: ")
            .append(slave.port()).append("}, unit_id: ").append(i).append(", poll_interval_ms: ").append(pollMs)
            .append("}\n");
      }
      Path configFile = dir.resolve("evedge.yaml");
      Files.writeString(configFile, config);

      CountDownLatch online = new CountDownLatch(1);
      CountDownLatch firstSignal = new CountDownLatch(1);
      long[] marks = new long[2];
      AtomicBoolean measuring = new AtomicBoolean();
      BenchSubscriber sub = BenchSubscriber.start(broker.uri(), "bench-sub", "evedge/bench/#", (topic, payload, now) -> {
        String body = new String(payload, StandardCharsets.UTF_8);
        if (topic.endsWith("/status") && body.contains("\"online\"") && online.getCount() > 0) {
          marks[0] = now;
          online.countDown();
        } else if (topic.endsWith("/signals/charge-wattage")) {
          if (firstSignal.getCount() > 0) {
            marks[1] = now;
            firstSignal.countDown();
          }
          Matcher m = VALUE.matcher(body);
          if (m.find() && measuring.get()) {
            Long t = served.remove((long) Double.parseDouble(m.group(1)));
            if (t != null) {
              latencies.add((now - t) / 1e6);
              csv.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f%n", (t - windowStart.get()) / 1e9,
                  (now - t) / 1e6));
            }
          }
        }
      });

      long start = System.nanoTime();
      Process agent = script
          ? ReferenceScript.start(dir, slave.port(), broker.port(), hz, signalQos, "evedge/bench", sdm630)
          : startAgent(o, configFile, dir.resolve("agent.log"));
      try {
        if (!online.await(30, TimeUnit.SECONDS) || !firstSignal.await(30, TimeUnit.SECONDS)) {
          throw new IOException((script ? "the reference script" : "the agent") + " did not come online; see "
              + dir.resolve(script ? ReferenceScript.LOG : "agent.log"));
        }
        LockSupport.parkNanos(o.warmup().toNanos());
        served.clear();
        windowStart.set(System.nanoTime());
        measuring.set(true);
        double cpu0 = ProcStats.cpuSeconds(agent.pid());
        Map<String, Long> threads0 = ProcStats.threadTicks(agent.pid());
        long t0 = System.nanoTime();
        LockSupport.parkNanos(o.measure().toNanos());
        double cpu1 = ProcStats.cpuSeconds(agent.pid());
        Map<String, Long> threads1 = ProcStats.threadTicks(agent.pid());
        long t1 = System.nanoTime();
        measuring.set(false);
        if (o.samples() != null) {
          Files.createDirectories(o.samples());
          Files.writeString(o.samples().resolve(String.format(java.util.Locale.ROOT, "latency-%dx%s-qos%d.csv",
              devices, hz == Math.rint(hz) ? String.valueOf((long) hz) : String.valueOf(hz), signalQos)), csv);
        }
        long rss = ProcStats.statusKb(agent.pid(), "VmRSS");
        long hwm = ProcStats.statusKb(agent.pid(), "VmHWM");
        List<Double> sorted;
        synchronized (latencies) {
          sorted = new ArrayList<>(latencies);
        }
        Collections.sort(sorted);
        double cpuPercent = (cpu1 - cpu0) / ((t1 - t0) / 1e9) * 100;
        return new Result(script, devices, hz, signalQos, sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99),
            sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1), cpuPercent, rss, hwm,
            (marks[0] - start) / 1e6, (marks[1] - start) / 1e6,
            ProcStats.topThreads(threads0, threads1, (t1 - t0) / 1e9, 6));
      } finally {
        agent.destroy();
        agent.waitFor(15, TimeUnit.SECONDS);
        sub.close();
      }
    }
  }

  private static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
