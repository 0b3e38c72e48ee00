package io.evedge.simulator.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.testing.Ports;
import io.evedge.drivers.testing.SocatPair;
import io.evedge.proto.ModbusSerialConfig;
import io.evedge.proto.TcpEndpointConfig;
import io.evedge.time.SystemScheduler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evedge-simulator serve} as a user runs it: a process serving a profile over TCP or on a
 * pseudo-terminal, faults typed on its standard input, read by the agent's client and poller.
 */
class ServeCommandIT {

  @TempDir
  Path dir;

  private SystemScheduler scheduler;
  private Process serve;
  private OutputStream console;
  private Path log;

  @BeforeEach
  void start() {
    scheduler = new SystemScheduler("test-scheduler");
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (serve != null) {
      serve.destroy();
      if (!serve.waitFor(10, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    scheduler.close();
  }

  /** A scenario of the test resources, as a file path for the serve process. */
  private static String scenario(String name) throws java.net.URISyntaxException {
    return Path.of(ServeCommandIT.class.getResource("/scenarios/" + name + ".yaml").toURI()).toString();
  }

  private static Path jar() {
    return Path.of(System.getProperty("evedge.simulator.jar", "target/evedge-simulator.jar")).toAbsolutePath();
  }

  private void serve(String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString(), "serve"));
    cmd.addAll(List.of(args));
    log = dir.resolve("serve.log");
    serve = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    console = serve.getOutputStream();
    awaitLog("Ctrl-C stops");
  }

  private void type(String line) throws IOException {
    console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    console.flush();
  }

  private String awaitLog(String text) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      String s = Files.exists(log) ? Files.readString(log) : "";
      if (s.contains(text)) {
        return s;
      }
      if (!serve.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("serve did not print '" + text + "':\n" + s);
      }
      LockSupport.parkNanos(20_000_000L);
    }
  }

  @Test
  void simulatorEvseOnAPseudoTerminalWithFaultsOnCommand() throws Exception {
    try (SocatPair pair = SocatPair.start(dir)) {
      serve("--rtu", pair.b(), "--profile", "evedge-sim-evse", "--speed", "1", "--scenario", scenario("plugged-full"));
      try (PolledDevice d = new PolledDevice("evedge-sim-evse", scheduler,
          b -> b.setSerial(ModbusSerialConfig.newBuilder().setPort(pair.a())))) {
        d.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(10));
        d.awaitBatches(1, Duration.ofSeconds(5));
        assertEquals("B", d.latest.get("cp_state").value(), "plugged in, not charging: the battery is above its limit");
        assertEquals(16.0, d.latest.get("offered_current").asDouble(), 1e-9);
        assertEquals(32.0, d.latest.get("cable_capacity").asDouble(), 1e-9);
        assertEquals(true, d.latest.get("cable_locked").value());
        assertEquals(true, d.latest.get("charging_enabled").value());
        assertEquals(230, d.latest.get("voltage_l1").asDouble(), 2);
        assertEquals(1000, d.latest.get("energy_import").asDouble(), 1);

        type("fault exception 0x06");
        awaitLog("fault: exception 0x06 SERVER DEVICE BUSY");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (d.stats.exceptionReplies(0x06) < 3 && System.nanoTime() < deadline) {
          LockSupport.parkNanos(10_000_000L);
        }
        assertTrue(d.stats.exceptionReplies(0x06) >= 3, d.stats.summary());
        long silent = System.nanoTime();
        type("fault no-reply");
        d.awaitState(DeviceState.OFFLINE, silent, Duration.ofSeconds(5));
        long back = System.nanoTime();
        type("fault none");
        d.awaitState(DeviceState.ONLINE, back, Duration.ofSeconds(10));
      }
    }
  }

  @Test
  void phoenixCharxOverTcpVanishesAndReturnsOnCommand() throws Exception {
    int port = Ports.freePort();
    serve("--port", String.valueOf(port), "--profile", "phoenix-charx", "--speed", "1", "--scenario",
        scenario("charging-now"));
    try (PolledDevice d = new PolledDevice("phoenix-charx", scheduler,
        b -> b.setTcp(TcpEndpointConfig.newBuilder().setHost("127.0.0.1").setPort(port)))) {
      d.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(10));
      d.awaitBatches(1, Duration.ofSeconds(5));
      assertEquals("C", d.latest.get("cp_state").value(), "charging at once");
      assertTrue(d.latest.get("power_total").asDouble() > 10_000, "11 kW: " + d.latest.get("power_total"));
      long gone = System.nanoTime();
      type("vanish");
      long offline = d.awaitState(DeviceState.OFFLINE, gone, Duration.ofSeconds(5));
      assertTrue(offline - gone < Duration.ofMillis(2500).toNanos(), "offline after " + (offline - gone) / 1e6 + " ms");
      long back = System.nanoTime();
      type("return");
      d.awaitState(DeviceState.ONLINE, back, Duration.ofSeconds(10));
    }
  }
}
