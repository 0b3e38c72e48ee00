package io.evedge.drivers.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.modbus.codec.Framing;
import io.evedge.drivers.modbus.codec.Pdu;
import io.evedge.drivers.modbus.codec.RequestParser;
import io.evedge.drivers.modbus.transport.ByteTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The transaction logic against a scripted transport at the {@link ByteTransport} seam: retries,
 * timeouts, rejected replies and their counters, echo, stale replies, the gap between requests.
 */
class FramedModbusClientTest {

  private static final Duration TIMEOUT = Duration.ofMillis(40);

  /** A device behind a fake link: each request (and its number, from 0) gets the chunks returned. */
  private static final class ScriptedTransport implements ByteTransport {
    final Framing framing;
    final BiFunction<RequestParser.Request, Integer, List<byte[]>> device;
    final List<Long> sendTimes = new ArrayList<>();
    Receiver receiver;
    boolean connected;
    boolean refuse;
    int connects;
    int requests;

    ScriptedTransport(Framing framing, BiFunction<RequestParser.Request, Integer, List<byte[]>> device) {
      this.framing = framing;
      this.device = device;
    }

    @Override
    public void connect(Receiver r) throws IOException {
      if (refuse) {
        throw new IOException("connection refused");
      }
      receiver = r;
      connected = true;
      connects++;
    }

    @Override
    public boolean isConnected() {
      return connected;
    }

    @Override
    public void send(byte[] frame) {
      sendTimes.add(System.nanoTime());
      List<RequestParser.Request> parsed = new ArrayList<>();
      new RequestParser(framing).feed(frame, 0, frame.length, parsed::add);
      for (byte[] chunk : device.apply(parsed.get(0), requests++)) {
        receiver.onBytes(chunk, 0, chunk.length);
      }
    }

    @Override
    public void disconnect() {
      connected = false;
    }

    @Override
    public String endpoint() {
      return "fake://device";
    }

    /** RTU fakes behave as a (very fast) serial line, TCP fakes as a stream. */
    @Override
    public long characterNanos() {
      return framing == Framing.RTU ? 1_000 : 0;
    }
  }

  private static byte[] answer(Framing framing, RequestParser.Request r) {
    int count = ((r.pdu()[3] & 0xFF) << 8) | (r.pdu()[4] & 0xFF);
    int[] words = new int[count];
    for (int i = 0; i < count; i++) {
      words[i] = 0x1000 + i;
    }
    return framing.frame(r.unitId(), r.transactionId(), Pdu.registers(r.function(), words));
  }

  private final ModbusStats stats = new ModbusStats();

  private FramedModbusClient client(ScriptedTransport t, int retries) {
    return new FramedModbusClient(t, t.framing, new FramedModbusClient.Options(TIMEOUT, retries, Duration.ZERO,
        false), stats, System::nanoTime);
  }

  @Test
  void readsRegistersOverTcp() throws Exception {
    ScriptedTransport t = new ScriptedTransport(Framing.TCP, (r, n) -> List.of(answer(Framing.TCP, r)));
    assertArrayEquals(new int[] {0x1000, 0x1001}, client(t, 1).readRegisters(1, 4, 0, 2));
    assertEquals(1, stats.requests.sum());
    assertEquals(0, stats.retries.sum());
  }

  @Test
  void replyInOneByteChunksOverRtu() throws Exception {
    ScriptedTransport t = new ScriptedTransport(Framing.RTU, (r, n) -> {
      byte[] frame = answer(Framing.RTU, r);
      List<byte[]> chunks = new ArrayList<>();
      for (byte b : frame) {
        chunks.add(new byte[] {b});
      }
      return chunks;
    });
    assertArrayEquals(new int[] {0x1000, 0x1001, 0x1002}, client(t, 1).readRegisters(7, 3, 0x10, 3));
  }

  @Test
  void noReplyIsRetriedOnceThenATimeout() {
    ScriptedTransport t = new ScriptedTransport(Framing.TCP, (r, n) -> List.of());
    ModbusException.Timeout e = assertThrows(ModbusException.Timeout.class,
        () -> client(t, 1).readRegisters(1, 4, 0, 2));
    assertTrue(e.getMessage().contains("fake://device unit 1 FC4 0x0000+2: no reply within 40 ms"), e.getMessage());
    assertEquals(2, stats.requests.sum());
    assertEquals(1, stats.retries.sum());
    assertEquals(2, stats.timeouts.sum());
    assertEquals(2, t.connects, "a TCP connection that timed out is made again");
  }

  @Test
  void withoutRetriesOneRequestOnly() {
    ScriptedTransport t = new ScriptedTransport(Framing.RTU, (r, n) -> List.of());
    assertThrows(ModbusException.Timeout.class, () -> client(t, 0).readRegisters(1, 4, 0, 2));
    assertEquals(1, stats.requests.sum());
  }

  @Test
  void timeoutThenAnswerSucceedsOnTheRetry() throws Exception {
    ScriptedTransport t = new ScriptedTransport(Framing.RTU,
        (r, n) -> n == 0 ? List.of() : List.of(answer(Framing.RTU, r)));
    assertArrayEquals(new int[] {0x1000}, client(t, 1).readRegisters(1, 4, 0, 1));
    assertEquals(1, stats.timeouts.sum());
    assertEquals(1, stats.retries.sum());
    assertEquals(1, t.connects, "a serial line is not reopened after a timeout");
  }

  @Test
  void exceptionReplyIsAnAnswerNotRetried() {
    ScriptedTransport t = new ScriptedTransport(Framing.RTU,
        (r, n) -> List.of(Framing.RTU.frame(r.unitId(), 0, Pdu.exception(r.function(), 0x02))));
    ModbusException.Response e = assertThrows(ModbusException.Response.class,
        () -> client(t, 1).readRegisters(1, 4, 0x100, 2));
    assertEquals(0x02, e.exceptionCode());
    assertTrue(e.getMessage().endsWith("exception reply to function 0x04: 0x02 ILLEGAL DATA ADDRESS"), e.getMessage());
    assertEquals(1, stats.requests.sum());
    assertEquals(1, stats.exceptionReplies(0x02));
  }

  @Test
  void corruptCrcIsCountedAndRetried() throws Exception {
    ScriptedTransport t = new ScriptedTransport(Framing.RTU, (r, n) -> {
      byte[] frame = answer(Framing.RTU, r);
      if (n == 0) {
        frame[frame.length - 2] ^= 0x10;
      }
      return List.of(frame);
    });
    assertArrayEquals(new int[] {0x1000}, client(t, 1).readRegisters(1, 3, 0, 1));
    assertEquals(1, stats.frameErrors(FrameError.CRC));
    assertEquals(1, stats.retries.sum());
  }

  @Test
  void wrongRepliesAreNamedAndCounted() {
    record Case(FrameError kind, BiFunction<RequestParser.Request, Integer, List<byte[]>> device) {}
    List<Case> cases = List.of(
        new Case(FrameError.UNIT_ID, (r, n) -> List.of(Framing.RTU.frame(r.unitId() + 1, 0,
            Pdu.registers(r.function(), new int[] {1})))),
        new Case(FrameError.FUNCTION, (r, n) -> List.of(Framing.RTU.frame(r.unitId(), 0,
            Pdu.registers(3, new int[] {1})))),
        new Case(FrameError.BYTE_COUNT, (r, n) -> List.of(Framing.RTU.frame(r.unitId(), 0,
            Pdu.registers(r.function(), new int[] {1, 2})))),
        new Case(FrameError.SHORT_FRAME, (r, n) -> {
          byte[] frame = answer(Framing.RTU, r);
          return List.of(Arrays.copyOf(frame, 4));
        }));
    for (Case c : cases) {
      ModbusStats s = new ModbusStats();
      ScriptedTransport t = new ScriptedTransport(Framing.RTU, c.device());
      FramedModbusClient client = new FramedModbusClient(t, Framing.RTU,
          new FramedModbusClient.Options(TIMEOUT, 1, Duration.ZERO, false), s, System::nanoTime);
      ModbusException.Frame e = assertThrows(ModbusException.Frame.class, () -> client.readRegisters(1, 4, 0, 1));
      assertEquals(c.kind(), e.kind());
      assertEquals(2, s.frameErrors(c.kind()), c.kind() + " counted on both tries");
      assertEquals(0, s.timeouts.sum());
    }
  }

  @Test
  void echoOfTheRequestIsSkipped() throws Exception {
    ScriptedTransport t = new ScriptedTransport(Framing.RTU, (r, n) -> List.of(
        Framing.RTU.frame(r.unitId(), 0, r.pdu()), answer(Framing.RTU, r)));
    FramedModbusClient client = new FramedModbusClient(t, Framing.RTU,
        new FramedModbusClient.Options(TIMEOUT, 1, Duration.ZERO, true), stats, System::nanoTime);
    assertArrayEquals(new int[] {0x1000, 0x1001}, client.readRegisters(1, 4, 0, 2));
    assertEquals(0, stats.frameErrors());
    assertEquals(0, stats.unexpectedBytes.sum());
  }

  @Test
  void lateTcpReplyToAnEarlierRequestIsSkipped() throws Exception {
    ScriptedTransport t = new ScriptedTransport(Framing.TCP, (r, n) -> {
      byte[] stale = Framing.TCP.frame(r.unitId(), r.transactionId() - 1, Pdu.registers(4, new int[] {0xDEAD}));
      return List.of(stale, answer(Framing.TCP, r));
    });
    assertArrayEquals(new int[] {0x1000}, client(t, 1).readRegisters(1, 4, 0, 1));
    assertEquals(1, stats.staleReplies.sum());
  }

  @Test
  void refusedConnectionIsAConnectionError() {
    ScriptedTransport t = new ScriptedTransport(Framing.TCP, (r, n) -> List.of());
    t.refuse = true;
    ModbusException.Connection e = assertThrows(ModbusException.Connection.class,
        () -> client(t, 1).readRegisters(1, 4, 0, 1));
    assertTrue(e.getMessage().contains("cannot connect: connection refused"), e.getMessage());
    assertEquals(2, stats.connectionErrors.sum());
  }

  @Test
  void linkLostDuringATransactionEndsItAtOnce() {
    ScriptedTransport[] link = new ScriptedTransport[1];
    link[0] = new ScriptedTransport(Framing.TCP, (r, n) -> {
      link[0].receiver.onClosed(new IOException("connection reset"));
      return List.of();
    });
    FramedModbusClient client = new FramedModbusClient(link[0], Framing.TCP,
        new FramedModbusClient.Options(Duration.ofSeconds(30), 0, Duration.ZERO, false), stats, System::nanoTime);
    long start = System.nanoTime();
    ModbusException.Connection e = assertThrows(ModbusException.Connection.class,
        () -> client.readRegisters(1, 4, 0, 1));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "not the 30 s timeout");
    assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    assertEquals(1, stats.connectionErrors.sum());
  }

  @Test
  void keepsTheMinimumGapBetweenRequests() throws Exception {
    ScriptedTransport t = new ScriptedTransport(Framing.RTU, (r, n) -> List.of(answer(Framing.RTU, r)));
    FramedModbusClient client = new FramedModbusClient(t, Framing.RTU,
        new FramedModbusClient.Options(TIMEOUT, 1, Duration.ofMillis(30), false), stats, System::nanoTime);
    for (int i = 0; i < 3; i++) {
      client.readRegisters(1, 4, 0, 1);
    }
    for (int i = 1; i < 3; i++) {
      long gap = t.sendTimes.get(i) - t.sendTimes.get(i - 1);
      assertTrue(gap >= Duration.ofMillis(30).toNanos(), "gap " + gap / 1000 + " us");
    }
  }
}
