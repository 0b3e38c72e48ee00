package io.evedge.simulator.modbus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Fault injection on command: reads lines such as {@code fault no-reply}, {@code fault exception 0x02},
 * {@code fault slow 800}, {@code fault none}, {@code vanish}, {@code return}, {@code status} from a
 * stream (the terminal of {@code evedge-simulator serve}) and applies them to a slave.
 */
public final class FaultConsole {

  static final String HELP = """
      commands:
        fault none | exception CODE | no-reply | corrupt-crc | slow MS
            | wrong-byte-count | wrong-unit-id | wrong-function | short-frame
        vanish        the device disappears (TCP: port closed; serial: silent)
        return        the device is back
        status        fault in force and requests served
        help""";

  private final ModbusSlaveServer server;
  private final PrintStream out;

  public FaultConsole(ModbusSlaveServer server, PrintStream out) {
    this.server = server;
    this.out = out;
  }

  /** Reads and applies commands until the stream ends. */
  public void run(InputStream in) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      out.println(apply(line));
    }
  }

  /** Applies one command; returns what to tell the user. */
  public String apply(String line) {
    String cmd = line.trim();
    if (cmd.isEmpty()) {
      return "";
    }
    try {
      if (cmd.startsWith("fault")) {
        SlaveFault f = SlaveFault.parse(cmd.substring(5).isBlank() ? "none" : cmd.substring(5));
        server.slave().inject(f);
        return "fault: " + f;
      }
      switch (cmd) {
        case "vanish" -> {
          server.vanish();
          return "vanished";
        }
        case "return" -> {
          server.reappear();
          return "back at " + server.endpoint();
        }
        case "status" -> {
          return server.endpoint() + ", fault: " + server.slave().fault() + ", requests served: "
              + server.slave().served();
        }
        case "help" -> {
          return HELP;
        }
        default -> {
          return "unknown command '" + cmd + "'\n" + HELP;
        }
      }
    } catch (IllegalArgumentException | IOException e) {
      return "error: " + e.getMessage();
    }
  }
}
