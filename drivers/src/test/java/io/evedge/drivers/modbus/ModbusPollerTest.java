package io.evedge.drivers.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.proto.DataType;
import io.evedge.proto.PointSpec;
import io.evedge.proto.RegisterFunction;
import io.evedge.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The poller on the virtual clock, with a fake client at the {@link ModbusClient} seam. */
class ModbusPollerTest {

  private final VirtualScheduler clock = new VirtualScheduler(Instant.parse("2026-11-23T12:00:00Z"));
  private final ModbusStats stats = new ModbusStats();
  private final List<String> events = new ArrayList<>();
  private final List<Reading> readings = new ArrayList<>();

  /** What the fake device does for each block, by block address. */
  private interface Behaviour {
    int[] read(int address, int count) throws ModbusException;
  }

  private Behaviour behaviour = (address, count) -> new int[count];
  private final List<Long> pollTimesMs = new ArrayList<>();

  private final ModbusClient client = new ModbusClient() {
    @Override
    public int[] readRegisters(int unitId, int function, int address, int count) throws ModbusException {
      if (address == 0) {
        pollTimesMs.add(clock.nanoTime() / 1_000_000);
      }
      return behaviour.read(address, count);
    }

    @Override
    public boolean[] readBits(int unitId, int function, int address, int count) {
      return new boolean[count];
    }

    @Override
    public void close() {}

    @Override
    public String endpoint() {
      return "fake://meter";
    }
  };

  private final ReadingSink sink = new ReadingSink() {
    @Override
    public void onReadings(String device, List<Reading> r) {
      readings.addAll(r);
    }

    @Override
    public void onDeviceState(String device, DeviceState state, String detail) {
      events.add(clock.nanoTime() / 1_000_000 + " " + state);
    }
  };

  private static Point point(String key, int address) {
    return Point.of(PointSpec.newBuilder().setKey(key).setFunction(RegisterFunction.INPUT_REGISTERS)
        .setAddress(address).setType(DataType.UINT16).setScale(1).build());
  }

  /** Two blocks: a at 0, b at 100. */
  private ModbusPoller poller() {
    List<ReadBlock> plan = BlockPlanner.plan(List.of(point("a", 0), point("b", 100)), 125, 0);
    return new ModbusPoller("meter", client, 1, plan, Duration.ofSeconds(1), Duration.ofSeconds(8), stats, clock,
        sink);
  }

  private static ModbusException timeout() {
    return new ModbusException.Timeout("fake://meter: no reply within 500 ms", null);
  }

  @Test
  void offlineAtTheFirstFailedPollThenBackoffThenBack() {
    ModbusPoller p = poller();
    p.start();
    clock.runDue();
    assertEquals(List.of("0 ONLINE"), events);
    assertEquals(2, readings.size());

    behaviour = (a, c) -> {
      throw timeout();
    };
    pollTimesMs.clear();
    clock.advance(Duration.ofSeconds(30));
    assertEquals("1000 OFFLINE", events.get(1));
    // polled at 1 s, then after 1, 2, 4, 8, 8, ... s
    assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 24000L), pollTimesMs);
    assertEquals(6, stats.failedPolls.sum());

    behaviour = (a, c) -> new int[c];
    clock.advance(Duration.ofSeconds(8));
    assertEquals("32000 ONLINE", events.get(2));
    pollTimesMs.clear();
    clock.advance(Duration.ofSeconds(3));
    assertEquals(List.of(39000L, 40000L, 41000L), pollTimesMs, "back to the normal interval");
    p.close();
  }

  @Test
  void exceptionReplyLosesOnlyItsBlock() {
    behaviour = (a, c) -> {
      if (a == 100) {
        throw new ModbusException.Response("fake://meter", 4, 0x02);
      }
      return new int[] {7};
    };
    ModbusPoller p = poller();
    p.start();
    clock.runDue();
    assertEquals(List.of("0 ONLINE"), events);
    assertEquals(1, readings.size());
    assertEquals("a", readings.get(0).key());
    assertEquals(7.0, readings.get(0).value());
    p.close();
  }

  @Test
  void rejectedFrameLosesOnlyItsBlockButATimeoutEndsThePoll() {
    List<Integer> asked = new ArrayList<>();
    behaviour = (a, c) -> {
      asked.add(a);
      if (a == 0) {
        throw new ModbusException.Frame(FrameError.CRC, "CRC 0x1234, computed 0x4321");
      }
      return new int[c];
    };
    ModbusPoller p = poller();
    p.start();
    clock.runDue();
    assertEquals(List.of(0, 100), asked, "the block after a bad frame is still read");
    assertEquals(List.of("0 ONLINE"), events);

    asked.clear();
    behaviour = (a, c) -> {
      asked.add(a);
      throw timeout();
    };
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(0), asked, "no second timeout on a device that is not there");
    assertEquals("1000 OFFLINE", events.get(1));
    p.close();
  }

  @Test
  void onlyBadFramesMeanOffline() {
    behaviour = (a, c) -> {
      throw new ModbusException.Frame(FrameError.UNIT_ID, "reply from unit 2, asked unit 1");
    };
    ModbusPoller p = poller();
    p.start();
    clock.runDue();
    assertEquals(List.of("0 OFFLINE"), events);
    assertTrue(readings.isEmpty());
    p.close();
  }

  @Test
  void aPollThatRunsPastItsSlotsSkipsThemAsOverrunsAndKeepsToTheGrid() {
    List<ReadBlock> plan = BlockPlanner.plan(List.of(point("a", 0)), 125, 0);
    ModbusPoller p = new ModbusPoller("meter", client, 1, plan, Duration.ofSeconds(1), Duration.ofSeconds(8), stats,
        clock, sink);
    boolean[] slow = {true};
    behaviour = (address, count) -> {
      if (slow[0]) {
        slow[0] = false;
        // the device takes 2.5 s to answer: the slots at 1 s and 2 s pass meanwhile
        clock.advance(Duration.ofMillis(2500));
      }
      return new int[count];
    };
    p.start();
    clock.runDue();
    assertEquals(2, stats.overruns.sum());
    clock.advance(Duration.ofMillis(2000));
    // the next polls are at 3 s and 4 s (the grid), not at once after the slow reply
    assertEquals(List.of(0L, 3000L, 4000L), pollTimesMs);
    assertEquals(3, stats.polls.sum());
    p.close();
    clock.advance(Duration.ofSeconds(5));
    assertEquals(3, stats.polls.sum());
  }
}
