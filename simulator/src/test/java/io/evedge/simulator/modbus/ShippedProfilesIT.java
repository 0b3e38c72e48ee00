package io.evedge.simulator.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.PointSpec;
import io.evedge.proto.TcpEndpointConfig;
import io.evedge.time.SystemScheduler;
import io.evedge.yaml.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each shipped profile served by the simulator's slave over Modbus TCP and read back by the agent's
 * client and poller: every point arrives with the value served, to the register's resolution.
 */
class ShippedProfilesIT {

  /** Values served for every reading key of the vocabulary, in canonical units. */
  static final Map<String, Object> VALUES = Map.ofEntries(
      Map.entry("voltage_l1", 230.4), Map.entry("voltage_l2", 231.2), Map.entry("voltage_l3", 229.8),
      Map.entry("current_l1", 15.87), Map.entry("current_l2", 16.02), Map.entry("current_l3", 15.5),
      Map.entry("power_l1", 3650.5), Map.entry("power_l2", 3700.25), Map.entry("power_l3", 3562.75),
      Map.entry("power_total", 10913.5), Map.entry("frequency", 49.98),
      Map.entry("energy_import", 12345.67), Map.entry("energy_export", 3.21), Map.entry("energy_total", 12348.88),
      Map.entry("cp_state", "C"), Map.entry("offered_current", 16.0), Map.entry("cable_capacity", 32.0),
      Map.entry("cable_locked", true), Map.entry("charging_enabled", true), Map.entry("error_code", 5.0),
      Map.entry("session_energy", 7.25));

  private static final SystemScheduler SCHEDULER = new SystemScheduler("test-scheduler");

  @AfterAll
  static void stop() {
    SCHEDULER.close();
  }

  /** A slave answering {@code unit} with {@code profile}'s registers holding {@link #VALUES}. */
  static ModbusSlave slave(DeviceProfile profile, int unit) {
    return new ModbusSlave(new ProfileImage(profile, () -> VALUES), Set.of(unit));
  }

  /** The same for a shipped profile, e.g. {@code eastron-sdm630} at unit 1. */
  static ModbusSlave slave(String shippedProfile, int unit) {
    try {
      return slave(Profiles.load(shippedProfile), unit);
    } catch (ConfigException e) {
      throw new IllegalStateException("the shipped profile " + shippedProfile + ": " + e.getMessage(), e);
    }
  }

  static List<String> shipped() {
    return Profiles.SHIPPED;
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void everyPointReadsBackAsServed(String name) throws Exception {
    DeviceProfile profile = Profiles.load(name);
    int unit = profile.getDefaults().getUnitId();
    try (ModbusSlaveServer slave = ModbusSlaveServer.tcp("127.0.0.1", 0, Framing.TCP,
            slave(profile, unit));
        PolledDevice device = new PolledDevice(name, SCHEDULER, b -> b.setTcp(
            TcpEndpointConfig.newBuilder().setHost("127.0.0.1").setPort(slave.port())))) {
      device.awaitState(DeviceState.ONLINE, 0, Duration.ofSeconds(5));
      device.awaitBatches(1, Duration.ofSeconds(5));
      for (PointSpec p : profile.getPointsList()) {
        Reading r = device.latest.get(p.getKey());
        assertTrue(r != null, name + ": no reading " + p.getKey());
        Object expected = VALUES.get(p.getKey());
        if (expected instanceof Double d) {
          double tolerance = Math.max(Math.abs(d) * 1e-6, p.getScale() / 2);
          assertEquals(d, r.asDouble(), tolerance, name + " " + p.getKey());
          assertEquals(p.getUnit(), r.unit(), name + " " + p.getKey());
        } else {
          assertEquals(expected, r.value(), name + " " + p.getKey());
        }
      }
      assertEquals(0, device.stats.frameErrors() + device.stats.timeouts.sum(), device.stats.summary());
    }
  }
}
