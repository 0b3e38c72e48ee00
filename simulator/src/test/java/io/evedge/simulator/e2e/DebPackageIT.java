package io.evedge.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.TestSubscriber;
import io.evedge.simulator.SimulatedMeter;
import io.evedge.simulator.Simulation;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.time.SystemScheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as an operator meets it: {@code dpkg -i}, the launcher run as the service user
 * against the simulator and Mosquitto, an upgrade that keeps the state, then remove and purge.
 *
 * <p>It installs into the machine, so it runs only as root with dpkg present and when asked:
 * under {@code CI=true} (CI machines are throw-away) or with {@code -Devedge.test.deb=true}.
 */
class DebPackageIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  @TempDir
  Path dir;

  private static boolean enabled() {
    boolean asked = "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("evedge.test.deb");
    return asked && "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/dpkg"));
  }

  /** The package this build made: the newest evedge_*_all.deb (earlier builds leave theirs). */
  private static Path deb() throws IOException {
    Path target = Path.of(System.getProperty("evedge.deb.dir", "../agent/target")).toAbsolutePath().normalize();
    try (Stream<Path> s = Files.list(target)) {
      return s.filter(p -> p.getFileName().toString().matches("evedge_.*_all\\.deb"))
          .max(Comparator.comparing(p -> p.toFile().lastModified()))
          .orElseThrow(() -> new IllegalStateException("no evedge_*_all.deb in " + target));
    }
  }

  private record Run(int code, String out) {}

  private static Run sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", cmd));
    }
    return new Run(p.exitValue(), out);
  }

  private static Run ok(String... cmd) throws Exception {
    Run r = sh(cmd);
    assertEquals(0, r.code(), String.join(" ", cmd) + "\n" + r.out());
    return r;
  }

  /** The same package with a higher version, to exercise an upgrade. */
  private Path nextVersion(Path deb) throws Exception {
    Path tree = dir.resolve("deb-tree");
    ok("dpkg-deb", "-R", deb.toString(), tree.toString());
    Path control = tree.resolve("DEBIAN/control");
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(control)) {
      lines.add(l.startsWith("Version: ") ? l + "+upgrade1" : l);
    }
    Files.write(control, lines);
    Path out = dir.resolve("evedge-next_all.deb");
    ok("dpkg-deb", "--root-owner-group", "-b", tree.toString(), out.toString());
    return out;
  }

  @Test
  void installRunUpgradeRemoveAndPurge() throws Exception {
    assumeTrue(enabled(), "installs a package into the machine: runs as root under CI=true or -Devedge.test.deb=true");
    Path deb = deb();
    sh("dpkg", "--purge", "evedge");
    try {
      ok("dpkg", "-i", deb.toString());

      // what the package put in place
      assertTrue(Files.isExecutable(Path.of("/usr/bin/evedge-agent")));
      assertTrue(Files.exists(Path.of("/usr/share/evedge/evedge-agent.jar")));
      assertTrue(Files.exists(Path.of("/etc/evedge/evedge.yaml")));
      assertTrue(Files.exists(Path.of("/lib/systemd/system/evedge.service")));
      for (String doc : new String[] {"operations.md", "modbus.md", "can.md", "mqtt.md", "sessions.md"}) {
        assertTrue(Files.exists(Path.of("/usr/share/doc/evedge", doc)), "the guides the operations guide links to");
      }
      assertTrue(ok("id", "-nG", "evedge").out().contains("dialout"), "the service user is in dialout");
      assertTrue(Files.isDirectory(Path.of("/var/lib/evedge")));
      // the default config is valid as shipped, as ExecStartPre checks it
      ok("runuser", "-u", "evedge", "--", "/usr/bin/evedge-agent", "check-config", "--config",
          "/etc/evedge/evedge.yaml");
      if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
        Run verify = sh("systemd-analyze", "verify", "/lib/systemd/system/evedge.service");
        assertFalse(verify.out().contains("evedge.service:"), "the unit has no errors:\n" + verify.out());
      }

      // the launcher, as the service user, against the simulator and Mosquitto
      runAgainstSimulator("deb-1");
      Path archive = Path.of("/var/lib/evedge/evedge-cds.jsa");
      assertTrue(Files.exists(archive), "the first clean stop wrote the agent's class-data archive");
      Path marker = Path.of("/var/lib/evedge/kept-by-upgrade");
      Files.writeString(marker, "state written before the upgrade");

      // a charge completes while the broker is down: its record waits in the outbox
      broker.stop();
      Path config = upgradeConfig();
      try (SystemScheduler clock = new SystemScheduler("sim");
          Simulation sim = Simulation.start(io.evedge.simulator.scenario.Scenarios.load(
              Path.of(DebPackageIT.class.getResource("/scenarios/deb-upgrade.yaml").toURI()).toString()), clock,
              Simulation.Options.tcp("127.0.0.1", 0, null))) {
        Files.writeString(config, Files.readString(config).replace("PORT", Integer.toString(sim.modbusPort())));
        Process agent = launcher(config, "deb-up-1");
        try {
          io.evedge.agent.testing.Await.until(Duration.ofSeconds(60),
              () -> holds(Path.of("/var/lib/evedge/outbox"), "deb-up-"),
              "the record in the outbox while the broker is down");
        } finally {
          agent.destroy();
          agent.waitFor(20, TimeUnit.SECONDS);
        }
      }

      ok("dpkg", "-i", nextVersion(deb).toString());
      assertTrue(Files.exists(marker), "an upgrade keeps /var/lib/evedge");

      // after the upgrade the waiting record is delivered, once
      broker.start();
      try (TestSubscriber sub = new TestSubscriber(broker.uri(), "evedge/deb-up/records")) {
        Process agent = launcher(config, "deb-up-2");
        try {
          sub.await("evedge/deb-up/records", r -> r.payload().contains("\"id\":\"deb-up-"), Duration.ofSeconds(30));
          java.time.Instant settle = java.time.Instant.now().plusSeconds(2);
          io.evedge.agent.testing.Await.until(Duration.ofSeconds(5), () -> java.time.Instant.now().isAfter(settle),
              "a second copy, if any, to arrive");
          assertEquals(1, sub.on("evedge/deb-up/records").size(), "the waiting record, delivered once");
        } finally {
          agent.destroy();
          agent.waitFor(20, TimeUnit.SECONDS);
        }
      }
      runAgainstSimulator("deb-2");
      assertTrue(Files.getLastModifiedTime(archive).compareTo(
          (java.nio.file.attribute.FileTime) Files.getAttribute(Path.of("/usr/share/evedge/evedge-agent.jar"), "unix:ctime")) > 0,
          "after the upgrade a clean stop wrote the archive again, for the new jar");

      ok("dpkg", "-r", "evedge");
      assertFalse(Files.exists(Path.of("/usr/bin/evedge-agent")));
      assertTrue(Files.exists(Path.of("/etc/evedge/evedge.yaml")), "remove keeps the configuration");
      assertTrue(Files.exists(marker), "remove keeps the state");

      ok("dpkg", "--purge", "evedge");
      assertFalse(Files.exists(Path.of("/etc/evedge")), "purge removes the configuration");
      assertTrue(Files.exists(marker), "purge keeps the state unless asked (EVEDGE_PURGE_STATE=yes)");
    } finally {
      sh("dpkg", "--purge", "evedge");
      sh("rm", "-rf", "/var/lib/evedge");
    }
  }

  /** The configuration of the upgrade case: the simulator's meter and EVSE (port filled in later). */
  private static Path upgradeConfig() throws IOException {
    Path config = Path.of("/var/lib/evedge/test-upgrade.yaml");
    Files.writeString(config, """
        device_id: deb-up
        state_dir: /var/lib/evedge
        mqtt: {uri: "%s"}
        modbus:
          - {name: meter, profile: eastron-sdm630, tcp: {host: 127.0.0.1, port: PORT}, unit_id: 1, poll_interval_ms: 250}
          - {name: evse, profile: evedge-sim-evse, tcp: {host: 127.0.0.1, port: PORT}, unit_id: 2, poll_interval_ms: 250}
        """.formatted(broker.uri()));
    return config;
  }

  /** The packaged launcher, run as the service user. */
  private Process launcher(Path config, String log) throws IOException {
    return new ProcessBuilder("runuser", "-u", "evedge", "--", "/usr/bin/evedge-agent", "run", "--config",
        config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve(log + ".log").toFile()).start();
  }

  /** The JVM the launcher started under {@code runuser}. */
  private static long jvmOf(Process launcher) {
    return launcher.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no java process under the launcher")).pid();
  }

  /** The CPUs process {@code pid} may run on, as Linux lists them ({@code 0-3}, {@code 1}). */
  private static String cpusAllowed(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
        .substring("Cpus_allowed_list:".length()).trim();
  }

  /** The scheduling policy of process {@code pid}: field 41 of its stat (3 is SCHED_BATCH, 0 the default). */
  private static int schedulingPolicy(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[41 - 3]);
  }

  /** Whether a file under {@code dir} holds {@code text} (a record id in the outbox's segments). */
  private static boolean holds(Path dir, String text) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).anyMatch(f -> {
        try {
          return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
          return false;
        }
      });
    } catch (IOException e) {
      return false;
    }
  }

  private void runAgainstSimulator(String deviceId) throws Exception {
    try (SystemScheduler sim = new SystemScheduler("sim");
        SimulatedMeter meter = SimulatedMeter.start("eastron-sdm630", new Meter(3, 230, 1000, 3),
            new ChargeCycle(Duration.ofSeconds(1), Duration.ofHours(1), 7400, false), sim, "127.0.0.1", 0, 1);
        TestSubscriber sub = new TestSubscriber(broker.uri(), "evedge/" + deviceId + "/#")) {
      Path config = Path.of("/var/lib/evedge/test-" + deviceId + ".yaml");
      Files.writeString(config, """
          device_id: %s
          state_dir: /var/lib/evedge
          mqtt: {uri: "%s"}
          modbus:
            - {name: meter, profile: eastron-sdm630, tcp: {host: 127.0.0.1, port: %d}, poll_interval_ms: 250}
          """.formatted(deviceId, broker.uri(), meter.port()));
      Process agent = new ProcessBuilder("runuser", "-u", "evedge", "--", "/usr/bin/evedge-agent", "run",
          "--config", config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve(deviceId + ".log").toFile())
          .start();
      try {
        sub.await("evedge/" + deviceId + "/status", r -> r.payload().contains("\"online\""), Duration.ofSeconds(30));
        assertEquals(io.evedge.simulator.bench.EndToEndBench.cpus("last"), cpusAllowed(jvmOf(agent)),
            "the launcher runs the agent on the last CPU (EVEDGE_CPUS=last in /etc/default/evedge)");
        assertEquals(3, schedulingPolicy(jvmOf(agent)),
            "the launcher runs the agent as SCHED_BATCH (EVEDGE_SCHED=batch in /etc/default/evedge)");
        sub.await("evedge/" + deviceId + "/signals/charge-wattage", r -> r.payload().startsWith("{\"value\":7400,"),
            Duration.ofSeconds(30));
      } finally {
        agent.destroy();
        agent.waitFor(20, TimeUnit.SECONDS);
        Files.deleteIfExists(config);
      }
      sub.await("evedge/" + deviceId + "/status", r -> r.payload().contains("\"offline\""), Duration.ofSeconds(20));
    }
  }
}
