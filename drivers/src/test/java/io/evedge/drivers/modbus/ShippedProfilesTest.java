package io.evedge.drivers.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.proto.DeviceProfile;
import io.evedge.proto.PointSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped profile loads, cites its source, keeps to the reading-key vocabulary and plans few reads. */
class ShippedProfilesTest {

  /** The reading keys (and their canonical units) the agent's signal derivations know. */
  static final Map<String, String> VOCABULARY = Map.ofEntries(
      Map.entry("voltage_l1", "V"), Map.entry("voltage_l2", "V"), Map.entry("voltage_l3", "V"),
      Map.entry("current_l1", "A"), Map.entry("current_l2", "A"), Map.entry("current_l3", "A"),
      Map.entry("power_l1", "W"), Map.entry("power_l2", "W"), Map.entry("power_l3", "W"),
      Map.entry("power_total", "W"), Map.entry("frequency", "Hz"),
      Map.entry("energy_import", "kWh"), Map.entry("energy_export", "kWh"), Map.entry("energy_total", "kWh"),
      Map.entry("cp_state", ""), Map.entry("offered_current", "A"), Map.entry("cable_capacity", "A"),
      Map.entry("cable_locked", ""), Map.entry("charging_enabled", ""), Map.entry("error_code", ""),
      Map.entry("session_energy", "kWh"));

  static List<String> shipped() {
    return Profiles.SHIPPED;
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void loadsAndKeepsToTheVocabulary(String name) throws Exception {
    DeviceProfile p = Profiles.load(name);
    assertEquals(name, p.getName());
    assertFalse(p.getSource().isBlank(), "source");
    for (PointSpec s : p.getPointsList()) {
      assertTrue(VOCABULARY.containsKey(s.getKey()), name + ": unknown reading key " + s.getKey());
      assertEquals(VOCABULARY.get(s.getKey()), s.getUnit(), name + ": unit of " + s.getKey());
    }
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void fileCitesItsSourceAtTheTop(String name) throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("profiles/" + name + ".yaml")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(text.startsWith("# "), name + " starts with a comment naming its source");
      assertTrue(text.lines().limit(4).anyMatch(l -> l.contains("Register map")), name);
    }
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void readPlanRespectsTheDeviceLimit(String name) throws Exception {
    DeviceProfile p = Profiles.load(name);
    for (ReadBlock b : Profiles.plan(p)) {
      assertTrue(b.bits() || b.count() <= p.getDefaults().getMaxRegistersPerRead(), name + " " + b);
    }
  }

  @org.junit.jupiter.api.Test
  void transactionsPerPoll() throws Exception {
    Map<String, Integer> expected = Map.of("eastron-sdm630", 1, "eastron-sdm120", 1, "eastron-sdm72d", 1,
        "abb-b23", 2, "phoenix-charx", 1, "evedge-sim-evse", 3);
    assertEquals(Set.copyOf(Profiles.SHIPPED), expected.keySet());
    for (String name : Profiles.SHIPPED) {
      assertEquals(expected.get(name), Profiles.plan(Profiles.load(name)).size(), name);
    }
  }
}
