package io.evedge.drivers.modbus.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.evedge.drivers.modbus.FramedModbusClient;
import io.evedge.drivers.modbus.ModbusClient;
import io.evedge.drivers.modbus.ModbusException;
import io.evedge.drivers.modbus.ModbusStats;
import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.slave.RegisterImage;
import io.evedge.drivers.modbus.transport.TcpTransport;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our client against j2mod's slave, an implementation we did not write: Modbus TCP, and RTU frames
 * over TCP as a serial gateway passes them.
 */
class J2modInteropIT {

  /** Register n holds 0x1000 + n (function 3) or 0x4000 + n (function 4); every third bit is set. */
  private static final RegisterImage IMAGE = new RegisterImage() {
    @Override
    public int[] readRegisters(int unitId, int function, int address, int count) {
      if (address + count > 1000) {
        throw new IllegalArgumentException("outside the image");
      }
      int[] w = new int[count];
      for (int i = 0; i < count; i++) {
        w[i] = (function == 3 ? 0x1000 : 0x4000) + address + i;
      }
      return w;
    }

    @Override
    public boolean[] readBits(int unitId, int function, int address, int count) {
      boolean[] b = new boolean[count];
      for (int i = 0; i < count; i++) {
        b[i] = (address + i) % 3 == (function == 1 ? 0 : 1);
      }
      return b;
    }
  };

  @ParameterizedTest
  @EnumSource(Framing.class)
  void readsEveryFunctionFromJ2mod(Framing framing) throws Exception {
    boolean rtu = framing == Framing.RTU;
    J2modTcpSlave slave = J2modTcpSlave.start("127.0.0.1", 0, rtu, IMAGE, 7);
    ModbusStats stats = new ModbusStats();
    try (ModbusClient client = new FramedModbusClient(
        TcpTransport.client(rtu ? "rtu+tcp" : "tcp", "127.0.0.1", slave.port(), 500, "test-rx"), framing,
        new FramedModbusClient.Options(Duration.ofMillis(500), 1, Duration.ZERO, false), stats, System::nanoTime)) {
      assertArrayEquals(new int[] {0x1000 + 10, 0x1000 + 11, 0x1000 + 12}, client.readRegisters(7, 3, 10, 3));
      int[] big = client.readRegisters(7, 4, 0, 125);
      assertEquals(0x4000 + 124, big[124]);
      assertArrayEquals(new boolean[] {true, false, false, true, false}, client.readBits(7, 1, 0, 5));
      assertArrayEquals(new boolean[] {false, true, false, false, true}, client.readBits(7, 2, 0, 5));
      ModbusException.Response e = assertThrows(ModbusException.Response.class,
          () -> client.readRegisters(7, 3, 990, 20));
      assertEquals(0x02, e.exceptionCode());
      assertEquals(0, stats.frameErrors());
      assertEquals(0, stats.retries.sum());
    } finally {
      slave.close();
    }
  }
}
