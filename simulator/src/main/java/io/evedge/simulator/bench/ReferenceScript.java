package io.evedge.simulator.bench;

import io.evedge.drivers.modbus.Point;
import io.evedge.drivers.modbus.Profiles;
import io.evedge.drivers.modbus.ReadBlock;
import io.evedge.proto.DataType;
import io.evedge.proto.DeviceProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The budget's reference, run on this machine beside the agent: a bare pymodbus + paho-mqtt script
 * ({@code bench/reference.py}) that reads the same register blocks as the agent, at the same rate,
 * and publishes each changed value as JSON, at the same QoS, to the same topics for the harness's
 * subscriber. It needs Debian's {@code python3-pymodbus} and {@code python3-paho-mqtt}.
 */
final class ReferenceScript {

  static final String LOG = "script.log";
  /** Debian's Python, where {@code apt-get install python3-pymodbus python3-paho-mqtt} puts them. */
  private static final List<String> PYTHONS = List.of("/usr/bin/python3", "python3");
  /** The profile's total power is published under the agent's name for it, so one subscriber serves both. */
  private static final String POWER_KEY = "power_total";

  private ReferenceScript() {}

  /** The Python that has pymodbus and paho-mqtt, or null (then the reference is not run). */
  static String python() {
    return python(PYTHONS);
  }

  /** The first of {@code candidates} that runs and imports what the script imports, or null. */
  static String python(List<String> candidates) {
    for (String python : candidates) {
      try {
        if (Children.check(List.of(python, "-c", "from pymodbus.client import ModbusTcpClient; import paho.mqtt.client")).ok()) {
          return python;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  /** Starts the script against the slave on {@code modbusPort} (unit 1) and the broker on {@code brokerPort}. */
  static Process start(Path dir, int modbusPort, int brokerPort, double hz, int qos, String prefix,
      DeviceProfile profile) throws IOException {
    String python = python();
    if (python == null) {
      throw new IOException("the reference script needs python3 with pymodbus and paho-mqtt "
          + "(apt-get install python3-pymodbus python3-paho-mqtt)");
    }
    Path script = dir.resolve("reference.py");
    try (InputStream in = ReferenceScript.class.getResourceAsStream("/bench/reference.py")) {
      if (in == null) {
        throw new IOException("bench/reference.py is missing from the simulator jar");
      }
      Files.copy(in, script);
    }
    List<String> cmd = List.of(python, script.toString(), "127.0.0.1", String.valueOf(modbusPort), "1", "127.0.0.1",
        String.valueOf(brokerPort), String.format(Locale.ROOT, "%s", hz), String.valueOf(qos), prefix, blocks(profile));
    return Children.stoppedAtExit(new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(LOG).toFile()).start());
  }

  /** The agent's read plan of {@code profile} as the script's JSON argument: float32 input registers. */
  static String blocks(DeviceProfile profile) {
    List<String> out = new ArrayList<>();
    for (ReadBlock b : Profiles.plan(profile)) {
      if (b.function() != 4) {
        throw new IllegalArgumentException("the reference script reads input registers only, not function "
            + b.function());
      }
      List<String> points = new ArrayList<>();
      for (Point p : b.points()) {
        if (p.type() != DataType.FLOAT32) {
          throw new IllegalArgumentException("the reference script decodes float32 only, not " + p.type() + " ("
              + p.key() + ")");
        }
        String key = p.key().equals(POWER_KEY) ? "charge-wattage" : p.key();
        points.add("[\"" + key + "\"," + (p.address() - b.address()) + "]");
      }
      out.add("{\"address\":" + b.address() + ",\"count\":" + b.count() + ",\"points\":[" + String.join(",", points)
          + "]}");
    }
    return "[" + String.join(",", out) + "]";
  }
}
