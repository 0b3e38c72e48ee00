package io.evedge.simulator.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.modbus.FrameError;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.proto.TcpEndpointConfig;
import io.evedge.time.SystemScheduler;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Faults over Modbus TCP (and RTU over TCP), injected by the simulator's slave, against the agent's
 * client and poller with the configuration defaults (poll every 1 s, timeout 500 ms, one retry).
 */
class ModbusFaultsIT {

  private SystemScheduler scheduler;
  private ModbusSlaveServer slave;
  private PolledDevice device;

  @BeforeEach
  void start() throws Exception {
    scheduler = new SystemScheduler("test-scheduler");
  }

  private ModbusSlaveServer serve(Framing framing) throws Exception {
    return ModbusSlaveServer.tcp("127.0.0.1", 0, framing,
        ShippedProfilesIT.slave("eastron-sdm630", 1));
  }

  /** A device with the configuration defaults, at {@code slave}. */
  private PolledDevice defaults(ModbusSlaveServer s) throws Exception {
    return new PolledDevice("eastron-sdm630", scheduler, b -> b.setPollIntervalMs(1000).setTimeoutMs(500)
        .setMaxBackoffMs(30000).setTcp(TcpEndpointConfig.newBuilder().setHost("127.0.0.1").setPort(s.port())));
  }

  @AfterEach
  void stop() {
    if (device != null) {
      device.close();
    }
    if (slave != null) {
      slave.close();
    }
    scheduler.close();
  }

  @Test
  void deviceThatStopsAnsweringIsOfflineWithinTwoSecondsAndBackWhenItAnswers() throws Exception {
    slave = serve(Framing.TCP);
    device = defaults(slave);
    device.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    long silent = System.nanoTime();
    slave.slave().inject(SlaveFault.of(SlaveFault.Kind.NO_REPLY));
    long offline = device.awaitState(DeviceState.OFFLINE, silent, Duration.ofSeconds(5));
    assertTrue(offline - silent <= Duration.ofMillis(2100).toNanos(),
        "offline after " + (offline - silent) / 1_000_000 + " ms");
    assertTrue(device.stats.timeouts.sum() >= 2, device.stats.summary());
    assertTrue(device.stats.retries.sum() >= 1, device.stats.summary());

    long answering = System.nanoTime();
    slave.slave().inject(SlaveFault.NONE);
    device.awaitState(DeviceState.ONLINE, answering, Duration.ofSeconds(10));
  }

  @Test
  void deviceThatVanishesIsOfflineAndReturns() throws Exception {
    slave = serve(Framing.TCP);
    device = defaults(slave);
    device.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    long gone = System.nanoTime();
    slave.vanish();
    long offline = device.awaitState(DeviceState.OFFLINE, gone, Duration.ofSeconds(5));
    assertTrue(offline - gone <= Duration.ofMillis(2100).toNanos(),
        "offline after " + (offline - gone) / 1_000_000 + " ms");
    assertTrue(device.stats.connectionErrors.sum() > 0, device.stats.summary());
    long back = System.nanoTime();
    slave.reappear();
    device.awaitState(DeviceState.ONLINE, back, Duration.ofSeconds(10));
    device.awaitBatches(1, Duration.ofSeconds(5));
  }

  @Test
  void deviceThatComesBackRightAfterVanishingListensEveryTime() throws Exception {
    // a scenario on the virtual clock ends an outage a few microseconds of real time after it began
    slave = serve(Framing.TCP);
    for (int i = 0; i < 300; i++) {
      slave.vanish();
      slave.reappear();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", slave.port()), 2000);
      }
    }
  }

  @Test
  void slowRepliesWithinTheTimeoutAreFineBeyondItAreTimeouts() throws Exception {
    slave = serve(Framing.TCP);
    device = defaults(slave);
    device.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    slave.slave().inject(SlaveFault.slow(150));
    device.awaitBatches(2, Duration.ofSeconds(5));
    assertEquals(0, device.stats.timeouts.sum(), device.stats.summary());
    long slow = System.nanoTime();
    slave.slave().inject(SlaveFault.slow(800));
    device.awaitState(DeviceState.OFFLINE, slow, Duration.ofSeconds(5));
    assertTrue(device.stats.timeouts.sum() >= 2, device.stats.summary());
  }

  @ParameterizedTest
  @CsvSource({"TCP, wrong-unit-id, UNIT_ID", "TCP, wrong-function, FUNCTION", "TCP, wrong-byte-count, BYTE_COUNT",
      "TCP, corrupt-crc, PROTOCOL_ID", "TCP, short-frame, SHORT_FRAME", "RTU, corrupt-crc, CRC",
      "RTU, wrong-unit-id, UNIT_ID"})
  void wrongRepliesAreCountedNeverACrashNorAStall(Framing framing, String fault, FrameError counted)
      throws Exception {
    slave = serve(framing);
    TcpEndpointConfig at = endpoint(slave);
    device = new PolledDevice("eastron-sdm630", scheduler, b -> {
      b.setPollIntervalMs(200).setTimeoutMs(200).setMaxBackoffMs(400);
      return framing == Framing.TCP ? b.setTcp(at) : b.setRtuOverTcp(at);
    });
    device.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
    long injected = System.nanoTime();
    slave.slave().inject(SlaveFault.parse(fault));
    device.awaitState(DeviceState.OFFLINE, injected, Duration.ofSeconds(5));
    long polls = device.stats.polls.sum();
    long cleared = System.nanoTime();
    slave.slave().inject(SlaveFault.NONE);
    device.awaitState(DeviceState.ONLINE, cleared, Duration.ofSeconds(5));
    assertTrue(device.stats.frameErrors(counted) >= 2, device.stats.summary());
    assertTrue(device.stats.polls.sum() > polls, "polled on: " + device.stats.summary());
  }

  private static TcpEndpointConfig endpoint(ModbusSlaveServer s) {
    return TcpEndpointConfig.newBuilder().setHost("127.0.0.1").setPort(s.port()).build();
  }

  @Test
  void oneDeadDeviceNeverStallsAnother() throws Exception {
    slave = serve(Framing.TCP);
    try (ModbusSlaveServer dead = serve(Framing.TCP)) {
      dead.slave().inject(SlaveFault.of(SlaveFault.Kind.NO_REPLY));
      PolledDevice deadDevice = new PolledDevice("eastron-sdm630", scheduler, b -> b.setPollIntervalMs(100)
          .setTimeoutMs(500).setMaxBackoffMs(100).setTcp(endpoint(dead)));
      device = new PolledDevice("eastron-sdm630", scheduler, b -> b.setPollIntervalMs(100).setTcp(endpoint(slave)));
      try {
        device.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
        long start = System.nanoTime();
        long polls = device.stats.polls.sum();
        // the dead device's polls take 1 s each (two 500 ms timeouts) and overrun its 100 ms ticks
        long deadline = start + Duration.ofSeconds(10).toNanos();
        while (deadDevice.stats.timeouts.sum() < 4 && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        long done = device.stats.polls.sum() - polls;
        assertTrue(deadDevice.stats.timeouts.sum() >= 4, deadDevice.stats.summary());
        assertTrue(deadDevice.stats.overruns.sum() > 0, deadDevice.stats.summary());
        assertTrue(done >= elapsedMs / 100 * 8 / 10,
            "the live device polled " + done + " times in " + elapsedMs + " ms at 100 ms");
        assertEquals(0, device.stats.overruns.sum() + device.stats.timeouts.sum(), device.stats.summary());
        assertEquals(DeviceState.ONLINE, device.poller.state());
      } finally {
        deadDevice.close();
      }
    }
  }
}
