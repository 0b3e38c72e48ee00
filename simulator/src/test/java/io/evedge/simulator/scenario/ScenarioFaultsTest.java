package io.evedge.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.modbus.ModbusClient;
import io.evedge.drivers.modbus.ModbusClients;
import io.evedge.drivers.modbus.ModbusException;
import io.evedge.drivers.modbus.ModbusStats;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.proto.TcpEndpointConfig;
import io.evedge.simulator.Simulation;
import io.evedge.simulator.modbus.SlaveFault;
import io.evedge.time.VirtualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a scenario's timeline reach the servers: a real Modbus client (over TCP) sees the
 * exception replies and the device gone and back exactly in their windows of simulated time.
 */
class ScenarioFaultsTest {

  @TempDir
  Path dir;

  @Test
  void modbusFaultsComeAndGoOnTheTimeline() throws Exception {
    Path file = dir.resolve("faults.yaml");
    Files.writeString(file, """
        name: faults
        timeline:
          - {at: 10s, event: fault, fault: modbus_exception, value: 6, duration: 10s}
          - {at: 30s, event: fault, fault: device_offline, duration: 10s}
          - {at: 50s, event: fault, fault: slcan_bus_off, duration: 10s}
          - {at: 1m, event: plug}
        """);
    VirtualScheduler clock = new VirtualScheduler(Instant.parse("2026-11-23T10:00:00Z"));
    try (Simulation sim = Simulation.serve(Scenarios.load(file.toString()), clock,
            Simulation.Options.tcp("127.0.0.1", 0, null).withCan(new Simulation.Can("127.0.0.1", 0, null)));
        ModbusClient client = ModbusClients.create(ModbusDeviceConfig.newBuilder().setName("meter")
            .setProfile("eastron-sdm630").setTcp(TcpEndpointConfig.newBuilder().setHost("127.0.0.1")
                .setPort(sim.modbusPort())).setTimeoutMs(2000).build(),
            Profiles.load("eastron-sdm630"), new ModbusStats())) {
      sim.play();
      assertEquals(2, client.readRegisters(Simulation.METER_UNIT, 4, 0, 2).length, "answers at first");

      clock.advance(Duration.ofSeconds(10));
      assertEquals(SlaveFault.exception(6), sim.server().slave().fault());
      ModbusException.Response busy = assertThrows(ModbusException.Response.class,
          () -> client.readRegisters(Simulation.METER_UNIT, 4, 0, 2));
      assertEquals(0x06, busy.exceptionCode());

      clock.advance(Duration.ofSeconds(10));
      assertEquals(SlaveFault.NONE, sim.server().slave().fault(), "the window closed");
      assertEquals(2, client.readRegisters(Simulation.METER_UNIT, 4, 0, 2).length);

      clock.advance(Duration.ofSeconds(10));
      assertThrows(ModbusException.class, () -> client.readRegisters(Simulation.METER_UNIT, 4, 0, 2),
          "the device is gone");

      clock.advance(Duration.ofSeconds(10));
      assertEquals(2, client.readRegisters(Simulation.METER_UNIT, 4, 0, 2).length, "and back");

      clock.advance(Duration.ofSeconds(10));
      assertTrue(sim.runner().truths().isEmpty());
    }
  }
}
