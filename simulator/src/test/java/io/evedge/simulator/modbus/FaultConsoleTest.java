package io.evedge.simulator.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.slave.RegisterImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fault commands of {@code serve}: parsed, applied, and bad ones explained. */
class FaultConsoleTest {

  private static final RegisterImage EMPTY = new RegisterImage() {
    @Override
    public int[] readRegisters(int unitId, int function, int address, int count) {
      return new int[count];
    }

    @Override
    public boolean[] readBits(int unitId, int function, int address, int count) {
      return new boolean[count];
    }
  };

  @Test
  void commandsChangeTheFault() throws Exception {
    try (ModbusSlaveServer server = ModbusSlaveServer.tcp("127.0.0.1", 0, Framing.TCP,
        new ModbusSlave(EMPTY, Set.of(1)))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      FaultConsole console = new FaultConsole(server, new PrintStream(out, true, StandardCharsets.UTF_8));
      console.run(new ByteArrayInputStream("""
          fault exception 0x02
          fault slow 800
          fault wrong-unit-id
          fault bogus
          fault exception
          status
          fault none
          dance
          """.getBytes(StandardCharsets.UTF_8)));
      String text = out.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("fault: exception 0x02 ILLEGAL DATA ADDRESS"), text);
      assertTrue(text.contains("fault: slow 800 ms"), text);
      assertTrue(text.contains("fault: wrong-unit-id"), text);
      assertTrue(text.contains("error: unknown fault 'bogus'; expected one of none, exception CODE"), text);
      assertTrue(text.contains("error: exception needs a code, e.g. exception 0x02"), text);
      assertTrue(text.contains("tcp://127.0.0.1:" + server.port() + ", fault: wrong-unit-id, requests served: 0"),
          text);
      assertTrue(text.contains("unknown command 'dance'"), text);
      assertEquals(SlaveFault.NONE, server.slave().fault());
    }
  }

  @Test
  void faultsParseInEveryAcceptedSpelling() {
    assertEquals(SlaveFault.exception(6), SlaveFault.parse("exception 6"));
    assertEquals(SlaveFault.exception(6), SlaveFault.parse("EXCEPTION:0x06"));
    assertEquals(SlaveFault.of(SlaveFault.Kind.NO_REPLY), SlaveFault.parse("no_reply"));
    assertEquals(SlaveFault.slow(250), SlaveFault.parse("slow=250"));
  }
}
