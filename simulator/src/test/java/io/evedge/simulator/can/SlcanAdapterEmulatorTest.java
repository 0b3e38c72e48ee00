package io.evedge.simulator.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.can.CanFrame;
import io.evedge.drivers.can.SlcanListener;
import io.evedge.drivers.can.SlcanParser;
import io.evedge.drivers.can.SlcanStatus;
import io.evedge.time.VirtualScheduler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The emulated adapter against the Lawicel command table (replies CR, BEL, {@code Vhhss},
 * {@code Nxxxx}, {@code Fxx}, {@code z}/{@code Z}), its frames at the DBC's cycle times, and the
 * faults it injects. The bus runs on a virtual clock; the host's side is parsed with the agent's
 * own {@link SlcanParser}.
 */
class SlcanAdapterEmulatorTest {

  private final VirtualScheduler sim = new VirtualScheduler(Instant.parse("2026-11-23T10:00:00Z"));
  private final VirtualScheduler bus = new VirtualScheduler(Instant.parse("2026-11-23T10:00:00Z"));
  private final Host host = new Host();
  private final SlcanAdapterEmulator adapter = new SlcanAdapterEmulator(
      new VehicleFrames(new SimpleVehicle(SimpleVehicle.Options.defaults(), sim)), bus);

  @AfterEach
  void tearDown() {
    adapter.close();
  }

  /** The host side: everything the adapter wrote, and the parser's view of it. */
  static final class Host implements SlcanAdapterEmulator.HostLink {
    final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    final List<String> events = new ArrayList<>();
    final Map<Integer, Integer> framesById = new HashMap<>();
    final List<CanFrame> frames = new ArrayList<>();
    final SlcanParser parser = new SlcanParser(new SlcanListener() {
      @Override
      public void onFrame(CanFrame frame) {
        frames.add(frame);
        framesById.merge(frame.id(), 1, Integer::sum);
      }

      @Override
      public void onOk() {
        events.add("OK");
      }

      @Override
      public void onError() {
        events.add("BEL");
      }

      @Override
      public void onVersion(String version) {
        events.add("V" + version);
      }

      @Override
      public void onSerialNumber(String serialNumber) {
        events.add("N" + serialNumber);
      }

      @Override
      public void onStatus(SlcanStatus status) {
        events.add(String.format("F%02X", status.flags()));
      }

      @Override
      public void onTransmitted(boolean extended) {
        events.add(extended ? "Z" : "z");
      }
    });

    @Override
    public synchronized void write(byte[] bytes) {
      raw.writeBytes(bytes);
      parser.feed(bytes);
      notifyAll();
    }

    synchronized void await(Predicate<Host> test, String what) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!test.test(this)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("timed out waiting for " + what + "; events " + events);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    synchronized List<String> events() {
      return List.copyOf(events);
    }
  }

  private void send(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    adapter.fromHost(b, b.length);
  }

  private void sendAndAwait(String text, int events) throws InterruptedException {
    send(text);
    host.await(h -> h.events.size() >= events, events + " replies");
  }

  @Test
  void answersTheCommandTable() throws Exception {
    adapter.connected(host);
    sendAndAwait("C\rS6\rZ1\rV\rN\rF\rt1230\rO\rS4\rZ0\rO\rF\rt1230\rT000001000\rX\rC\r", 16);
    assertEquals(List.of("OK", "OK", "OK", "V1013", "NEVS1", "BEL", "BEL", "OK", "BEL", "BEL", "BEL",
        "F00", "z", "Z", "BEL", "OK"), host.events());
    assertEquals(500_000, adapter.bitrate().bitsPerSecond());
  }

  @Test
  void listenOnlyRefusesToTransmit() throws Exception {
    adapter.connected(host);
    sendAndAwait("S8\rL\rt1230\r", 3);
    assertEquals(List.of("OK", "OK", "BEL"), host.events());
    assertTrue(adapter.isListenOnly());
    assertEquals(1_000_000, adapter.bitrate().bitsPerSecond());
  }

  @Test
  void sendsEveryMessageAtItsCycleTimeWithTimestamps() throws Exception {
    adapter.connected(host);
    sendAndAwait("S6\rZ1\rL\r", 3);
    bus.advance(Duration.ofSeconds(1));
    // 10 ms, 100 ms (three), 50 ms and 1000 ms messages: 100 + 3 x 10 + 20 + 1 frames
    host.await(h -> h.frames.size() == 151, "151 frames");
    assertEquals(Map.of(0x102, 100, 0x25D, 10, 0x3D2, 10, 0x38A, 10, 0x18FF50E5, 20, 0x5F0, 1),
        host.framesById);
    CanFrame first = host.frames.get(0);
    assertEquals(10, first.timestampMs(), "the 10 ms message, stamped at 10 ms");
    assertEquals(1000, host.frames.get(host.frames.size() - 1).timestampMs());
    assertEquals(151, adapter.stats().framesSent.sum());
    // closing stops the frames
    sendAndAwait("C\r", 4);
    bus.advance(Duration.ofSeconds(1));
    assertEquals(151, adapter.stats().framesSent.sum());
  }

  @Test
  void injectsGarbageDropsFramesAndReportsBusErrors() throws Exception {
    adapter.connected(host);
    sendAndAwait("S6\rL\r", 2);
    adapter.injectGarbage(40);
    host.await(h -> h.parser.stats().discardedLines() == 1, "the garbage line discarded");

    adapter.dropFrames(0.5);
    bus.advance(Duration.ofSeconds(2));
    long sent = adapter.stats().framesSent.sum();
    long dropped = adapter.stats().framesDropped.sum();
    assertEquals(302, sent + dropped);
    assertTrue(dropped > 100 && dropped < 200, "about half dropped: " + dropped);
    adapter.dropFrames(0);

    adapter.errorPassive(true);
    sendAndAwait("F\r", 3);
    assertEquals("F20", host.events().get(2));
    adapter.errorPassive(false);
    adapter.busOff(true);
    long before = adapter.stats().framesSent.sum();
    bus.advance(Duration.ofSeconds(1));
    sendAndAwait("F\r", 4);
    assertEquals("FA0", host.events().get(3));
    assertEquals(before, adapter.stats().framesSent.sum(), "no frame while bus-off");
    adapter.busOff(false);
    sendAndAwait("F\r", 5);
    assertEquals("F00", host.events().get(4));
  }

  @Test
  void aVanishedAdapterAnswersNothingAndComesBackClosed() throws Exception {
    adapter.connected(host);
    sendAndAwait("S6\rZ1\rO\r", 3);
    adapter.vanish();
    send("V\rF\r");
    bus.advance(Duration.ofSeconds(1));
    assertEquals(0, adapter.stats().framesSent.sum());
    adapter.reappear();
    assertTrue(!adapter.isOpen());
    sendAndAwait("V\r", 4);
    assertEquals(List.of("OK", "OK", "OK", "V1013"), host.events());
  }
}
