package io.evedge.simulator.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.modbus.FrameError;
import io.evedge.drivers.modbus.transport.SerialSettings;
import io.evedge.drivers.testing.SocatPair;
import io.evedge.proto.ModbusSerialConfig;
import io.evedge.proto.Parity;
import io.evedge.time.SystemScheduler;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Modbus RTU for real through jSerialComm on both ends of a socat pseudo-terminal pair: the agent's
 * client on ttyA, the simulator's slave serving the SDM630 on ttyB. Faults are injected by the slave.
 */
class RtuSerialIT {

  @TempDir
  Path dir;

  private SocatPair pair;
  private SystemScheduler scheduler;
  private ModbusSlaveServer slave;
  private PolledDevice device;

  @BeforeEach
  void start() throws Exception {
    pair = SocatPair.start(dir);
    scheduler = new SystemScheduler("test-scheduler");
    slave = serveOn(pair.b());
  }

  private ModbusSlaveServer serveOn(String port) throws Exception {
    return ModbusSlaveServer.serial(new SerialSettings(port, 9600, 8, Parity.PARITY_NONE, 1, false),
        ShippedProfilesIT.slave("eastron-sdm630", 1));
  }

  private PolledDevice poll(boolean echo) throws Exception {
    device = new PolledDevice("eastron-sdm630", scheduler,
        b -> b.setSerial(ModbusSerialConfig.newBuilder().setPort(pair.a()).setEcho(echo)));
    return device;
  }

  @AfterEach
  void stop() throws Exception {
    if (device != null) {
      device.close();
    }
    slave.close();
    scheduler.close();
    pair.close();
  }

  @Test
  void fullSdm630SetInOneTransaction() throws Exception {
    PolledDevice d = poll(false);
    d.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    d.awaitBatches(3, Duration.ofSeconds(5));
    assertEquals(230.4, d.latest.get("voltage_l1").asDouble(), 1e-4);
    assertEquals(12345.67, d.latest.get("energy_import").asDouble(), 1e-2);
    assertEquals(13, d.latest.size());
    long polls = d.stats.polls.sum();
    long requests = d.stats.requests.sum();
    assertTrue(requests <= polls && requests >= polls - 1, d.stats.summary());
    assertEquals(0, d.stats.frameErrors() + d.stats.timeouts.sum() + d.stats.unexpectedBytes.sum(),
        d.stats.summary());
  }

  @Test
  void echoOfA2WireAdapterIsSkippedWhenConfigured() throws Exception {
    slave.echo(true);
    PolledDevice d = poll(true);
    d.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    d.awaitBatches(3, Duration.ofSeconds(5));
    assertEquals(0, d.stats.frameErrors(), d.stats.summary());
  }

  @Test
  void unexpectedEchoIsCountedNeverACrash() throws Exception {
    slave.echo(true);
    PolledDevice d = poll(false);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (d.stats.polls.sum() < 4 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
    }
    assertTrue(d.stats.polls.sum() >= 4, "the poller keeps polling: " + d.stats.summary());
    // the echoed request reads as a reply whose byte count is the high byte of the address
    assertTrue(d.stats.frameErrors(FrameError.BYTE_COUNT) > 0, d.stats.summary());
  }

  @ParameterizedTest
  @CsvSource({"corrupt-crc, CRC", "wrong-unit-id, UNIT_ID", "wrong-function, FUNCTION",
      "wrong-byte-count, BYTE_COUNT", "short-frame, SHORT_FRAME"})
  void wrongRepliesAreCountedAndThePollerCarriesOn(String fault, FrameError counted) throws Exception {
    PolledDevice d = poll(false);
    d.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    long injected = System.nanoTime();
    slave.slave().inject(SlaveFault.parse(fault));
    d.awaitState(DeviceState.OFFLINE, injected, Duration.ofSeconds(5));
    long polls = d.stats.polls.sum();
    long cleared = System.nanoTime();
    slave.slave().inject(SlaveFault.NONE);
    d.awaitState(DeviceState.ONLINE, cleared, Duration.ofSeconds(5));
    d.awaitBatches(1, Duration.ofSeconds(5));
    assertTrue(d.stats.frameErrors(counted) >= 2, d.stats.summary());
    assertTrue(d.stats.polls.sum() > polls, "polled on");
  }

  @Test
  void exceptionReplyIsCountedWithItsCode() throws Exception {
    PolledDevice d = poll(false);
    d.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    slave.slave().inject(SlaveFault.exception(0x04));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (d.stats.exceptionReplies(0x04) < 4 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
    }
    assertTrue(d.stats.exceptionReplies(0x04) >= 4, d.stats.summary());
    assertTrue(d.stats.summary().contains("exception 0x04 SERVER DEVICE FAILURE"), d.stats.summary());
    assertEquals(DeviceState.ONLINE, d.poller.state(), "an exception reply is an answer");
  }

  @Test
  void adapterUnpluggedAndPluggedBackIsReopened() throws Exception {
    PolledDevice d = poll(false);
    d.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    long unplugged = System.nanoTime();
    slave.close();
    pair.unplug();
    long offline = d.awaitState(DeviceState.OFFLINE, unplugged, Duration.ofSeconds(5));
    assertTrue(offline - unplugged < Duration.ofSeconds(2).toNanos(), "offline within 2 s");
    assertTrue(d.stats.connectionErrors.sum() > 0, d.stats.summary());

    long pluggedIn = System.nanoTime();
    pair.plugIn();
    slave = serveOn(pair.b());
    d.awaitState(DeviceState.ONLINE, pluggedIn, Duration.ofSeconds(5));
    d.awaitBatches(2, Duration.ofSeconds(5));
  }
}
