package io.evedge.simulator.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.drivers.can.CanBus;
import io.evedge.drivers.can.CanMappings;
import io.evedge.drivers.can.SlcanBitrate;
import io.evedge.drivers.can.transport.TcpSlcanTransport;
import io.evedge.time.SystemScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's CAN bus over TCP (ser2net style) against the emulated adapter: frames become
 * readings, and an adapter that vanishes and comes back is reopened.
 */
class SlcanTcpServerTest {

  private final SystemScheduler sim = new SystemScheduler("test-sim", 10);
  private final SystemScheduler clock = new SystemScheduler("test-clock");
  private final SlcanAdapterEmulator adapter = new SlcanAdapterEmulator(new VehicleFrames(new SimpleVehicle(
      new SimpleVehicle.Options(75, 40, 90, 11_040, false, Duration.ofSeconds(1), Duration.ofMinutes(5)), sim)),
      clock);
  private final Sink sink = new Sink();
  private SlcanTcpServer server;
  private CanBus bus;

  @AfterEach
  void tearDown() {
    if (bus != null) {
      bus.close();
    }
    if (server != null) {
      server.close();
    }
    adapter.close();
    clock.close();
    sim.close();
  }

  static final class Sink implements ReadingSink {
    final List<String> events = new ArrayList<>();

    @Override
    public synchronized void onReadings(String device, List<Reading> readings) {
      for (Reading r : readings) {
        events.add(r.key() + "=" + r.value());
      }
      notifyAll();
    }

    @Override
    public synchronized void onDeviceState(String device, DeviceState state, String detail) {
      events.add(state.name());
      notifyAll();
    }

    synchronized int await(int from, Predicate<String> test) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        for (int i = from; i < events.size(); i++) {
          if (test.test(events.get(i))) {
            return i;
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("nothing matching after event " + from + ": " + events);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  @Test
  void framesOverTcpAndAnAdapterThatVanishesAndComesBack() throws Exception {
    server = SlcanTcpServer.start(adapter, "127.0.0.1", 0);
    bus = new CanBus(new CanBus.Options("car", SlcanBitrate.BPS_500K, true, true, Duration.ofMillis(200),
        Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(500)),
        new TcpSlcanTransport("test-can-rx", "127.0.0.1", server.port(), 2000),
        CanMappings.load("evedge-generic-ev", "", null), clock, sink);
    bus.start();

    int online = sink.await(0, "ONLINE"::equals);
    sink.await(online, e -> e.equals("charge-ischargingcablelatched=true"));
    assertTrue(adapter.isListenOnly());
    assertEquals(500_000, adapter.bitrate().bitsPerSecond());

    adapter.vanish();
    int offline = sink.await(online, "OFFLINE"::equals);
    adapter.reappear();
    int again = sink.await(offline, "ONLINE"::equals);
    // the reopened bus reports every signal afresh, its values unchanged or not
    sink.await(again, e -> e.startsWith("tractionbattery-range="));
    sink.await(again, e -> e.equals("charge-ischargingcablelatched=true"));
    assertEquals(1, bus.stats().losses.sum());
    assertEquals(0, bus.parserStats().discardedLines());
  }
}
