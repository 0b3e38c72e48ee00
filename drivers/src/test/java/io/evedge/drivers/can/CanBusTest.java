package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.drivers.can.transport.SlcanTransport;
import io.evedge.time.VirtualScheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bus's client logic against a fake transport at the seam and a virtual clock: the open
 * sequence, frames to readings, status flags, losses, silence and reconnect backoff.
 */
class CanBusTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final VirtualScheduler clock = new VirtualScheduler(Instant.parse("2026-11-23T10:00:00Z"));
  private final FakeTransport transport = new FakeTransport();
  private final RecordingSink sink = new RecordingSink();
  private CanBus bus;

  @AfterEach
  void tearDown() {
    if (bus != null) {
      bus.close();
    }
  }

  private CanBus start(Duration statusPoll, Duration silence) throws Exception {
    bus = new CanBus(new CanBus.Options("car", SlcanBitrate.BPS_500K, true, true, statusPoll,
        silence, Duration.ofMillis(100), Duration.ofSeconds(2)), transport,
        CanMappings.load("evedge-generic-ev", "", null), clock, sink);
    bus.start();
    return bus;
  }

  /** The adapter's replies to C, S6, Z1, L and V: the bus is online with the first of them. */
  private static final String OPENED = "\r\r\r\rV1013\r";

  private void answer() throws Exception {
    transport.awaitSent("V\r");
    transport.deliver(OPENED);
    sink.await(e -> e.state() == DeviceState.ONLINE);
  }

  /** Frames of the shipped vehicle: CP_Status with flap open, cable connected and latched. */
  private static final String PORT_OPEN = "t25D81534402000000000\r";
  private static final String PORT_CLOSED = "t25D80034402000000000\r";

  @Test
  void opensCloseBitrateTimestampsListenOnlyInThatOrder() throws Exception {
    start(Duration.ZERO, Duration.ZERO);
    transport.awaitSent("V\r");
    assertEquals("C\rS6\rZ1\rL\rV\r", transport.sent());
    assertTrue(sink.events.isEmpty(), "not online before the adapter answers: " + sink.events);
    transport.deliver(OPENED);
    sink.await(e -> e.state() == DeviceState.ONLINE);
    assertEquals(1, transport.connects);
  }

  @Test
  void framesBecomeReadingsAndBooleanTransitionsAllArrive() throws Exception {
    start(Duration.ZERO, Duration.ZERO);
    answer();
    transport.deliver(PORT_OPEN + PORT_CLOSED + PORT_OPEN);
    for (boolean expected : new boolean[] {true, false, true}) {
      Event e = sink.await(r -> r.reading() != null
          && r.reading().key().equals("charge-ischargingportflapopen"));
      assertEquals(expected, e.reading().value());
    }
    Event colour = sink.find(r -> r.reading() != null
        && r.reading().key().equals("charge-chargeportstatuscolor"));
    assertNotNull(colour, "the colour was read with the first frame");
    assertEquals("Green", colour.reading().value());
    assertEquals(3, bus.stats().frames.sum());
  }

  @Test
  void busErrorTurnsEverySignalStaleUntilTheFlagsClear() throws Exception {
    start(Duration.ofMillis(100), Duration.ZERO);
    answer();
    transport.deliver(PORT_OPEN);
    sink.await(e -> e.reading() != null);

    // the first status poll, before any message is overdue
    clock.advance(Duration.ofMillis(100));
    transport.awaitSent("F\r");
    transport.deliver("F20\r");  // error passive
    Event stale = sink.await(e -> e.staleKeys() != null);
    assertEquals(20, stale.staleKeys().size(), "every signal of the bus");
    assertTrue(stale.detail().contains("error passive"), stale.detail());
    assertEquals(1, bus.stats().busErrorEpisodes.sum());

    // frames during the episode emit nothing; a repeated error flag is the same episode
    sink.clear();
    transport.deliver(PORT_CLOSED + "FA0\r" + PORT_OPEN + "F00\r" + PORT_OPEN);
    Event back = sink.await(e -> e.reading() != null);
    assertEquals("charge-ischargingportflapopen", back.reading().key());
    assertEquals(true, back.reading().value(), "the first frame after the episode reports");
    assertEquals(1, bus.stats().busErrorEpisodes.sum());
    assertTrue(sink.events.stream().noneMatch(e -> e.reading() != null
        && Boolean.FALSE.equals(e.reading().value())), "the frame during the episode was held");
  }

  @Test
  void aLostAdapterIsReportedOfflineAndReopenedWithBackoff() throws Exception {
    start(Duration.ZERO, Duration.ZERO);
    answer();
    transport.failConnects = 3;
    transport.lose(new IOException("serial:///dev/ttyACM0: the link closed"));
    Event offline = sink.await(e -> e.state() == DeviceState.OFFLINE);
    assertTrue(offline.detail().contains("the link closed"), offline.detail());

    // attempts 100, 100, 200, 400 ms apart (each ±20 %), then the fourth opens
    bus.drain();
    List<Long> attempts = new ArrayList<>();
    long start = clock.nanoTime();
    while (transport.connects < 5) {
      int before = transport.connects;
      clock.advance(Duration.ofMillis(5));
      bus.drain();
      if (transport.connects > before) {
        attempts.add((clock.nanoTime() - start) / 1_000_000);
      }
    }
    transport.deliver(OPENED);
    sink.await(e -> e.state() == DeviceState.ONLINE);
    assertEquals(4, attempts.size(), attempts.toString());
    long[] gaps = {attempts.get(0), attempts.get(1) - attempts.get(0),
        attempts.get(2) - attempts.get(1), attempts.get(3) - attempts.get(2)};
    long[] nominal = {100, 100, 200, 400};
    for (int i = 0; i < gaps.length; i++) {
      assertTrue(gaps[i] >= nominal[i] * 0.8 && gaps[i] <= nominal[i] * 1.2 + 5,
          "gap " + i + " of " + List.of(gaps[0], gaps[1], gaps[2], gaps[3]));
    }
    assertEquals(1, bus.stats().losses.sum());
    assertEquals(3, bus.stats().openFailures.sum());
    assertTrue(transport.sent().endsWith("C\rS6\rZ1\rL\rV\r"), "the open sequence again");
  }

  @Test
  void aLinkWhoseAdapterNeverAnswersIsAFailedOpenNotAnOnlineBus() throws Exception {
    start(Duration.ofMillis(500), Duration.ofSeconds(1));
    transport.awaitSent("V\r");
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMillis(500));
    }
    Event offline = sink.await(e -> e.state() == DeviceState.OFFLINE);
    assertEquals("fake://adapter connected, but the adapter never answered", offline.detail());
    assertEquals(0, bus.stats().losses.sum());
    assertEquals(1, bus.stats().openFailures.sum());
    assertTrue(sink.events.stream().noneMatch(e -> e.state() == DeviceState.ONLINE));
  }

  @Test
  void aSilentAdapterIsReopened() throws Exception {
    start(Duration.ofMillis(500), Duration.ofSeconds(2));
    answer();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMillis(500));
    }
    Event offline = sink.await(e -> e.state() == DeviceState.OFFLINE);
    assertTrue(offline.detail().contains("no byte from the adapter for"), offline.detail());
  }

  @Test
  void missingFramesTurnTheirSignalsStale() throws Exception {
    start(Duration.ZERO, Duration.ZERO);
    answer();
    transport.deliver(PORT_OPEN);
    sink.await(e -> e.reading() != null);
    // CP_Status every 100 ms, stale after 5 cycles; the range (1 s) after 3 s
    clock.advance(Duration.ofMillis(700));
    Event stale = sink.await(e -> e.staleKeys() != null && e.staleKeys().contains(
        "charge-ischargingportflapopen"));
    assertTrue(stale.detail().startsWith("no CP_Status frame for"), stale.detail());
  }

  @Test
  void garbageAndRejectedCommandsAreCountedNotFatal() throws Exception {
    start(Duration.ZERO, Duration.ZERO);
    transport.awaitSent("V\r");
    transport.deliver("\r\u0007\r\r" + "xyz\r" + "t25D8GG\r" + "T" + "1".repeat(40) + "\r"
        + PORT_OPEN);
    sink.await(e -> e.reading() != null);
    assertEquals(1, bus.stats().rejectedCommands.sum(), "S6 was answered with BEL");
    assertEquals(3, bus.parserStats().discardedLines());
    assertTrue(bus.isOpen());
  }

  @Test
  void theReaderIsNeverBlockedByASlowBusThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    sink.block = release;
    start(Duration.ZERO, Duration.ZERO);
    answer();
    transport.deliver(PORT_OPEN);  // the bus thread now waits in the sink
    byte[] chunk = PORT_CLOSED.getBytes(StandardCharsets.US_ASCII);
    long began = System.nanoTime();
    for (int i = 0; i < CanBus.MAX_QUEUED_CHUNKS + 100; i++) {
      transport.receiver.onBytes(chunk, chunk.length);
    }
    long tookMs = (System.nanoTime() - began) / 1_000_000;
    release.countDown();
    assertTrue(bus.stats().droppedReads.sum() >= 99, "dropped " + bus.stats().droppedReads.sum());
    assertTrue(tookMs < 5_000, "queued without waiting: " + tookMs + " ms");
  }

  /** One thing the sink was told. */
  record Event(DeviceState state, Reading reading, List<String> staleKeys, String detail) {}

  static final class RecordingSink implements ReadingSink {
    final List<Event> events = new ArrayList<>();
    final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    volatile CountDownLatch block;

    @Override
    public void onReadings(String device, List<Reading> readings) {
      CountDownLatch b = block;
      if (b != null) {
        block = null;
        try {
          b.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (Reading r : readings) {
        add(new Event(null, r, null, null));
      }
    }

    @Override
    public void onDeviceState(String device, DeviceState state, String detail) {
      add(new Event(state, null, null, detail));
    }

    @Override
    public void onStale(String device, List<String> keys, Instant time, String detail) {
      add(new Event(null, null, keys, detail));
    }

    private synchronized void add(Event e) {
      events.add(e);
      queue.add(e);
    }

    synchronized void clear() {
      events.clear();
    }

    synchronized Event find(Predicate<Event> test) {
      return events.stream().filter(test).findFirst().orElse(null);
    }

    /** The next event, in order, that passes {@code test}; the ones before it are skipped. */
    Event await(Predicate<Event> test) throws InterruptedException {
      long end = System.nanoTime() + WAIT.toNanos();
      while (true) {
        Event e = queue.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("no matching event within " + WAIT + "; got " + events);
        }
        if (test.test(e)) {
          return e;
        }
      }
    }
  }

  /** The seam's fake: records what is sent, delivers what the test says the adapter sent. */
  static final class FakeTransport implements SlcanTransport {
    volatile Receiver receiver;
    volatile int connects;
    volatile int failConnects;
    private final StringBuilder sent = new StringBuilder();
    private boolean connected;

    @Override
    public void receive(Receiver r) {
      receiver = r;
    }

    @Override
    public synchronized void connect() throws IOException {
      connects++;
      notifyAll();
      if (failConnects > 0) {
        failConnects--;
        throw new IOException("serial:///dev/ttyACM0: no such device (adapter unplugged?)");
      }
      connected = true;
    }

    @Override
    public synchronized void send(byte[] bytes) throws IOException {
      if (!connected) {
        throw new IOException("not connected");
      }
      sent.append(new String(bytes, StandardCharsets.US_ASCII));
      notifyAll();
    }

    @Override
    public synchronized void disconnect() {
      connected = false;
    }

    @Override
    public synchronized boolean isConnected() {
      return connected;
    }

    @Override
    public String endpoint() {
      return "fake://adapter";
    }

    synchronized String sent() {
      return sent.toString();
    }

    void deliver(String text) {
      byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
      receiver.onBytes(b, b.length);
    }

    void lose(IOException cause) {
      synchronized (this) {
        connected = false;
      }
      receiver.onLost(cause);
    }

    synchronized void awaitSent(String suffix) throws InterruptedException {
      long end = System.nanoTime() + WAIT.toNanos();
      while (!sent.toString().endsWith(suffix)) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("never sent " + suffix.replace("\r", "\\r") + ": " + sent);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

  }
}
