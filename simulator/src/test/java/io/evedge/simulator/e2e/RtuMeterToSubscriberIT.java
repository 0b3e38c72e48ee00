package io.evedge.simulator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.TestSubscriber;
import io.evedge.drivers.modbus.transport.SerialSettings;
import io.evedge.drivers.testing.SocatPair;
import io.evedge.proto.Parity;
import io.evedge.proto.Quality;
import io.evedge.simulator.SimulatedMeter;
import io.evedge.simulator.modbus.ModbusSlaveServer;
import io.evedge.simulator.modbus.SlaveFault;
import io.evedge.simulator.model.ChargeCycle;
import io.evedge.simulator.model.Meter;
import io.evedge.time.SystemScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Eastron SDM120 on RS-485, as a user wires it, end to end: the simulator serves the profile on
 * one end of a socat pseudo-terminal pair, the agent (its own process, the shaded jar with
 * jSerialComm) reads the other end as {@code serial: {port: ...}}, a subscriber sees the signals; the
 * meter stops answering and the signals turn {@code UNAVAILABLE}, then {@code GOOD} again.
 */
class RtuMeterToSubscriberIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void sdm120OnASerialLineToASubscriberAndBackFromSilence() throws Exception {
    try (SocatPair pair = SocatPair.start(dir)) {
      SystemScheduler sim = new SystemScheduler("sim", 60);
      SerialSettings line = new SerialSettings(pair.b(), 2400, 8, Parity.PARITY_NONE, 1, false);
      SimulatedMeter meter = SimulatedMeter.start("eastron-sdm120", new Meter(1, 230, 1000, 7),
          new ChargeCycle(Duration.ZERO, Duration.ofHours(2), 7360, false), sim, 1,
          slave -> ModbusSlaveServer.serial(line, slave));
      Path config = dir.resolve("evedge.yaml");
      Files.writeString(config, """
          device_id: rtu-1
          state_dir: %s
          mqtt:
            uri: %s
          modbus:
            - name: meter
              profile: eastron-sdm120
              serial: {port: %s}
              poll_interval_ms: 500
          """.formatted(dir.resolve("state"), broker.uri(), pair.a()));
      String p = "evedge/rtu-1";
      try (TestSubscriber sub = new TestSubscriber(broker.uri(), p + "/signals/#");
          AgentProcess agent = AgentProcess.start(config, dir, "-Xmx64m")) {
        TestSubscriber.Received watts = sub.await(p + "/signals/charge-wattage",
            r -> r.signal().getValue().getNumberValue() > 0, WAIT);
        assertEquals(7360, watts.signal().getValue().getNumberValue(), 1, "2400 baud, 7.36 kW on one phase");
        assertEquals(Quality.GOOD, watts.signal().getQuality());
        TestSubscriber.Received amps = sub.await(p + "/signals/charge-amperage", r -> true, WAIT);
        assertEquals(32.0, amps.signal().getValue().getNumberValue(), 0.2);

        meter.slave().slave().inject(SlaveFault.of(SlaveFault.Kind.NO_REPLY));
        sub.await(p + "/signals/charge-wattage", r -> r.signal().getQuality() == Quality.UNAVAILABLE, WAIT);

        meter.slave().slave().inject(SlaveFault.NONE);
        sub.await(p + "/signals/charge-wattage", r -> r.signal().getQuality() == Quality.GOOD, Duration.ofSeconds(40));
      } finally {
        meter.close();
        sim.close();
      }
    }
  }
}
