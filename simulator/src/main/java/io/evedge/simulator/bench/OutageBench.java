package io.evedge.simulator.bench;

import io.evedge.agent.mqtt.LinkOptions;
import io.evedge.agent.mqtt.MqttIn;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.proto.DeviceProfile;
import io.evedge.simulator.TempDirs;
import io.evedge.simulator.modbus.ModbusSlave;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.simulator.modbus.ProfileImage;
import io.evedge.time.SystemScheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outage run: a simulated EVSE (the {@code evedge-sim-evse} map, its built-in meter) plugs in,
 * charges and unplugs a car once a {@value #CYCLE_MS} ms, so the agent closes a charge session and
 * queues its record about as often; the broker then stops for the outage while the sessions go on,
 * and comes back. Measured: how soon the agent is back online, and the rate at which the records
 * that waited in its outbox reach a subscriber (first to last backlog record), with every sequence
 * number checked: none lost, none twice.
 *
 * <p>The subscriber keeps a persistent session on a Mosquitto with persistence, and is back before
 * the agent (its reconnect is capped at 1 s, the agent's at 30 s), so records reach it as the agent
 * sends them.
 */
final class OutageBench {

  static final long CYCLE_MS = 1000;
  private static final Pattern SEQUENCE = Pattern.compile("\"sequence\":\"?(\\d+)");
  private static final String DEVICE = "bench-outage";

  /** The outage run's figures. */
  record Result(Duration outage, int backlog, int delivered, int lost, int duplicated, double backToOnlineMs,
      double drainSeconds, double drainRate) {}

  private OutageBench() {}

  static Result run(EndToEndBench.Options o, Duration outage) throws Exception {
    Path dir = Files.createTempDirectory("evedge-bench-outage-");
    Result r = EndToEndBench.keptOnFailure(dir, () -> run(dir, o, outage));
    TempDirs.delete(dir);
    return r;
  }

  private static Result run(Path dir, EndToEndBench.Options o, Duration outage) throws Exception {
    DeviceProfile evse = Profiles.load("evedge-sim-evse");
    long t0 = System.nanoTime();
    boolean[] cycling = {true};
    double[] energy = {100.0};
    long[] lastNanos = {t0};
    ProfileImage image = new ProfileImage(evse, () -> values(t0, cycling[0], energy, lastNanos));
    Map<Long, Integer> seen = new TreeMap<>();
    Map<Long, Long> arrival = new HashMap<>();
    long[] online = {0};
    int port = ModbusSlaveServer.freePort("127.0.0.1");
    Mosquitto broker = Mosquitto.start(dir, port, true);
    try (ModbusSlaveServer slave = ModbusSlaveServer.tcp("127.0.0.1", 0, Framing.TCP, new ModbusSlave(image, Set.of(1)));
        SystemScheduler clock = new SystemScheduler("bench-outage")) {
      Path config = dir.resolve("evedge.yaml");
      Files.writeString(config, """
          device_id: %s
          state_dir: %s
          mqtt: {uri: "%s"}
          session: {replug_debounce_s: 0}
          modbus:
            - {name: evse, profile: evedge-sim-evse, tcp: {host: 127.0.0.1, port: %d}, poll_interval_ms: 100}
          """.formatted(DEVICE, dir.resolve("state"), broker.uri(), slave.port()));
      PahoMqttLink sub = new PahoMqttLink(new LinkOptions(broker.uri(), "bench-outage-sub", null, null,
          Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofMillis(100),
          Duration.ofSeconds(1), null, "bench"), clock);
      sub.subscribe("evedge/" + DEVICE + "/records", 1, (MqttIn in) -> {
        long now = System.nanoTime();
        Matcher m = SEQUENCE.matcher(new String(in.payload(), StandardCharsets.UTF_8));
        if (m.find()) {
          long seq = Long.parseLong(m.group(1));
          synchronized (seen) {
            seen.merge(seq, 1, Integer::sum);
            arrival.putIfAbsent(seq, now);
          }
        }
      });
      sub.subscribe("evedge/" + DEVICE + "/status", 1, (MqttIn in) -> {
        if (new String(in.payload(), StandardCharsets.UTF_8).contains("\"online\"")) {
          synchronized (online) {
            online[0] = System.nanoTime();
          }
        }
      });
      sub.start();
      Process agent = EndToEndBench.startAgent(o, config, dir.resolve("agent.log"));
      try {
        await(Duration.ofSeconds(60), () -> count(seen) >= 3, "the first records", dir);
        broker.close();
        long down = System.nanoTime();
        System.out.printf("  broker stopped after %d records; outage of %d s ...%n", count(seen), outage.toSeconds());
        LockSupport.parkNanos(outage.toNanos());
        cycling[0] = false; // no new sessions from here: the backlog is what the outage left
        long lastBefore;
        synchronized (seen) {
          lastBefore = seen.isEmpty() ? 0 : ((TreeMap<Long, Integer>) seen).lastKey();
        }
        broker = Mosquitto.start(dir, port, true);
        long back = System.nanoTime();
        await(Duration.ofSeconds(120), () -> {
          synchronized (online) {
            return online[0] > back;
          }
        }, "the agent to come back online", dir);
        double backToOnline = (online[0] - back) / 1e6;
        // the backlog is complete once nothing new has arrived for 5 s
        long quietSince = System.nanoTime();
        int last = count(seen);
        while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(5)) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
          int now = count(seen);
          if (now != last) {
            last = now;
            quietSince = System.nanoTime();
          }
        }
        synchronized (seen) {
          long max = seen.isEmpty() ? 0 : ((TreeMap<Long, Integer>) seen).lastKey();
          int lost = 0;
          int duplicated = 0;
          for (long s = 1; s <= max; s++) {
            Integer n = seen.get(s);
            if (n == null) {
              lost++;
            } else if (n > 1) {
              duplicated += n - 1;
            }
          }
          List<Long> drained = new ArrayList<>();
          for (long s = lastBefore + 1; s <= max; s++) {
            Long t = arrival.get(s);
            if (t != null) {
              drained.add(t);
            }
          }
          drained.sort(Long::compare);
          double seconds = drained.size() < 2 ? Double.NaN : (drained.get(drained.size() - 1) - drained.get(0)) / 1e9;
          System.out.printf("  outage lasted %.0f s%n", (back - down) / 1e9);
          return new Result(outage, (int) (max - lastBefore), drained.size(), lost, duplicated, backToOnline, seconds,
              drained.size() < 2 ? Double.NaN : (drained.size() - 1) / seconds);
        }
      } finally {
        agent.destroy();
        agent.waitFor(15, TimeUnit.SECONDS);
        sub.close();
      }
    } finally {
      broker.close();
    }
  }

  /**
   * The EVSE's values at this moment: once a cycle, 20 % unplugged (A), 20 % plugged (B), 40 %
   * charging at 7.4 kW (C), 20 % plugged (B); the import register counts the energy of state C.
   */
  private static Map<String, Object> values(long t0, boolean cycling, double[] energy, long[] lastNanos) {
    long now = System.nanoTime();
    long phase = cycling ? (now - t0) / 1_000_000 % CYCLE_MS : 0;
    String state = phase < CYCLE_MS / 5 ? "A" : phase < 2 * CYCLE_MS / 5 ? "B" : phase < 4 * CYCLE_MS / 5 ? "C" : "B";
    boolean charging = state.equals("C");
    synchronized (energy) {
      if (charging) {
        energy[0] += 7.4 * (now - lastNanos[0]) / 3.6e12;
      }
      lastNanos[0] = now;
    }
    Map<String, Object> v = new HashMap<>();
    v.put("cp_state", state);
    v.put("charging_enabled", true);
    v.put("cable_locked", !state.equals("A"));
    v.put("offered_current", 32.0);
    v.put("cable_capacity", 32.0);
    v.put("error_code", 0.0);
    v.put("frequency", 50.0);
    for (int l = 1; l <= 3; l++) {
      v.put("voltage_l" + l, 230.0);
      v.put("current_l" + l, charging ? 10.7 : 0.0);
    }
    v.put("power_total", charging ? 7400.0 : 0.0);
    v.put("energy_import", energy[0]);
    v.put("energy_export", 0.0);
    v.put("energy_total", energy[0]);
    v.put("session_energy", 0.0);
    return v;
  }

  private static int count(Map<Long, Integer> seen) {
    synchronized (seen) {
      return seen.size();
    }
  }

  private static void await(Duration deadline, BooleanSupplier condition, String what, Path dir) throws IOException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IOException("no " + what + " within " + deadline.toSeconds() + " s; see " + dir.resolve("agent.log"));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
