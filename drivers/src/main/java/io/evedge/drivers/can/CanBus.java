package io.evedge.drivers.can;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.ReadingSink;
import io.evedge.drivers.can.transport.SlcanTransport;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.tinylog.Logger;

/**
 * One CAN bus read through an SLCAN adapter: opens the adapter, parses what it sends, maps frames
 * to readings, and keeps the adapter open.
 *
 * <p><b>Threads.</b> The transport's reader thread only copies what it read and queues it; all the
 * work (parsing, decoding, mapping, commands, reconnects) runs in order on the bus's own thread, so
 * the reader is never blocked and the bus's state has one owner. The queue is bounded: if the bus
 * thread falls {@link #MAX_QUEUED_CHUNKS} reads behind, further reads are dropped and counted (the
 * cut lines then show as truncated in the parser's counters). Timers come from the
 * {@link Scheduler} and only queue work.
 *
 * <p><b>Opening.</b> The adapter is sent {@code C} (close, in case it was left open), {@code Sn}
 * (the bit rate), {@code Z1} or {@code Z0} (receive timestamps), then {@code O} (open) or
 * {@code L} (listen-only), and {@code V}. An adapter that answers BEL to one of them is logged.
 * The bus is reported online with the adapter's first reply, not when the link opens: a serial
 * gateway may accept a connection with no adapter behind it.
 *
 * <p><b>Faults.</b> Every {@code status_poll} the adapter is asked for its status flags ({@code F}).
 * Error passive or bus error start an error episode: every signal of the bus turns stale, and stays
 * so until the flags clear; the episode is logged once and counted. Overrun and FIFO-full flags are
 * counted and logged once per episode. An adapter that is lost (unplugged, connection closed) or
 * silent for {@code silence_timeout} is reported offline, so its signals turn unavailable, and is
 * reopened with capped exponential backoff and jitter, without restarting anything.
 */
public final class CanBus implements AutoCloseable {

  /** Reads the bus thread may fall behind before further reads are dropped. */
  public static final int MAX_QUEUED_CHUNKS = 1024;

  /**
   * How a bus is run.
   *
   * @param name the bus name, the readings' device
   * @param bitrate the CAN bit rate
   * @param listenOnly open with {@code L}: never acknowledge or transmit on the bus
   * @param timestamps ask for adapter receive timestamps ({@code Z1})
   * @param statusPoll how often to ask for the status flags; zero for never
   * @param silenceTimeout reopen the adapter after this long without a byte; zero for never
   * @param reconnectMin first delay before reopening a lost adapter
   * @param reconnectMax longest delay between attempts
   */
  public record Options(String name, SlcanBitrate bitrate, boolean listenOnly, boolean timestamps,
      Duration statusPoll, Duration silenceTimeout, Duration reconnectMin, Duration reconnectMax) {

    public Options {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(bitrate, "bitrate");
      if (reconnectMin.isNegative() || reconnectMin.isZero() || reconnectMax.compareTo(reconnectMin) < 0) {
        throw new IllegalArgumentException("reconnect delays must be positive, min ≤ max");
      }
    }
  }

  /** Counters of a bus, readable from any thread. */
  public static final class Stats {
    /** Frames received (mapped or not). */
    public final LongAdder frames = new LongAdder();
    /** Successful opens of the adapter. */
    public final LongAdder opens = new LongAdder();
    /** Failed attempts to open the adapter. */
    public final LongAdder openFailures = new LongAdder();
    /** Connections lost (unplugged, closed, silent). */
    public final LongAdder losses = new LongAdder();
    /** Error-passive or bus-error episodes. */
    public final LongAdder busErrorEpisodes = new LongAdder();
    /** Status replies with a FIFO-full or overrun flag. */
    public final LongAdder overruns = new LongAdder();
    /** Commands the adapter answered with BEL. */
    public final LongAdder rejectedCommands = new LongAdder();
    /** Reads dropped because the bus thread was too far behind. */
    public final LongAdder droppedReads = new LongAdder();

    /** Every non-zero counter, readable: {@code "frames 51200, opens 2, losses 1"}; "no traffic". */
    public String summary() {
      StringBuilder b = new StringBuilder();
      append(b, "frames", frames.sum());
      append(b, "opens", opens.sum());
      append(b, "open failures", openFailures.sum());
      append(b, "losses", losses.sum());
      append(b, "bus error episodes", busErrorEpisodes.sum());
      append(b, "overruns", overruns.sum());
      append(b, "rejected commands", rejectedCommands.sum());
      append(b, "dropped reads", droppedReads.sum());
      return b.length() == 0 ? "no traffic" : b.toString();
    }

    private static void append(StringBuilder b, String name, long value) {
      if (value != 0) {
        b.append(b.length() == 0 ? "" : ", ").append(name).append(' ').append(value);
      }
    }

    @Override
    public String toString() {
      return summary();
    }
  }

  /** The connection's life cycle. */
  enum State { IDLE, CONNECTING, OPEN, WAITING, CLOSED }

  private final Options options;
  private final SlcanTransport transport;
  private final Scheduler scheduler;
  private final ReadingSink sink;
  private final ExecutorService worker;
  private final SlcanParser parser;
  private final CanSignalMapper mapper;
  private final Stats stats = new Stats();
  private final AtomicInteger queued = new AtomicInteger();
  private final List<Reading> batch = new ArrayList<>();
  private final ArrayDeque<String> pendingReplies = new ArrayDeque<>();
  private final Set<SlcanStats.Kind> discardsLogged = EnumSet.noneOf(SlcanStats.Kind.class);
  private final Set<String> rejectionsLogged = new HashSet<>();
  private final SplittableRandom jitter = new SplittableRandom();
  private final List<Scheduler.Cancellable> timers = new ArrayList<>();
  private final Duration staleCheck;

  private volatile State state = State.IDLE;
  private volatile int generation;
  private volatile DeviceState reported = DeviceState.UNKNOWN;
  private int failedAttempts;
  private long chunkNanos;
  private long lastByteNanos;
  private volatile boolean busError;
  private boolean answered;
  private boolean overrunEpisode;
  private String lastOpenProblem;
  private Scheduler.Cancellable retry;

  /**
   * @param transport the link to the adapter; this bus sets its receiver
   * @param mapping the compiled mapping of the bus's signals
   * @param sink where readings, stale signals and the bus's state go
   */
  public CanBus(Options options, SlcanTransport transport, CanMappings.Compiled mapping,
      Scheduler scheduler, ReadingSink sink) {
    this.options = options;
    this.transport = transport;
    this.scheduler = scheduler;
    this.sink = sink;
    this.worker = Threads.serial("can-" + options.name());
    this.parser = new SlcanParser(new Listener());
    this.mapper = new CanSignalMapper(options.name(), mapping,
        new FrameClock(scheduler.now(), scheduler.nanoTime()), scheduler.nanoTime(), batch::add);
    long shortest = mapping.signals().stream().mapToLong(MappedSignal::staleAfterMs)
        .filter(ms -> ms > 0).min().orElse(1000);
    this.staleCheck = Duration.ofMillis(Math.max(10, Math.min(1000, shortest / 4)));
    transport.receive(new SlcanTransport.Receiver() {
      @Override
      public void onBytes(byte[] buf, int len) {
        received(buf, len);
      }

      @Override
      public void onLost(IOException cause) {
        submit(() -> lost(cause.getMessage()));
      }
    });
  }

  /** The bus name. */
  public String name() {
    return options.name();
  }

  /** Where the adapter is, for logs. */
  public String endpoint() {
    return transport.endpoint();
  }

  /** The bus's counters. */
  public Stats stats() {
    return stats;
  }

  /** The parser's counters of discarded input (garbage, overlong and cut lines, ...). */
  public SlcanStats parserStats() {
    return parser.stats();
  }

  /** The mapper's counters (frames mapped, readings emitted, throttled). */
  public CanSignalMapper.Stats mapperStats() {
    return mapper.stats();
  }

  /**
   * What the bus last reported to its sink: {@code UNKNOWN} until the adapter first answers,
   * {@code ONLINE} while it does, {@code OFFLINE} while it is lost or cannot be opened.
   */
  public DeviceState state() {
    return reported;
  }

  /** Whether the adapter reports error passive or bus error now (the bus's signals are stale). */
  public boolean inBusError() {
    return busError;
  }

  /** Whether the adapter is open now. */
  public boolean isOpen() {
    return state == State.OPEN;
  }

  /** Opens the adapter (on the bus thread) and starts the timers; returns at once. */
  public void start() {
    submit(this::connect);
    if (!options.statusPoll().isZero()) {
      timers.add(scheduler.scheduleAtFixedRate(() -> submit(this::pollStatus),
          options.statusPoll(), options.statusPoll()));
    }
    timers.add(scheduler.scheduleAtFixedRate(() -> submit(this::checkStale), staleCheck,
        staleCheck));
  }

  /** Closes the adapter and stops the bus's threads; the signals are left as they are. */
  @Override
  public void close() {
    state = State.CLOSED;
    for (Scheduler.Cancellable t : timers) {
      t.cancel();
    }
    Scheduler.Cancellable r = retry;
    if (r != null) {
      r.cancel();
    }
    submit(() -> {
      if (transport.isConnected()) {
        sendQuietly(SlcanEncoder.close(), "C");
      }
      transport.disconnect();
    });
    Threads.shutdown(worker, 2000);
    transport.disconnect();
  }

  /** Waits until the bus thread has done everything queued so far; for tests. */
  void drain() throws InterruptedException {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    submit(done::countDown);
    if (!done.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("CAN bus " + options.name() + ": bus thread stuck");
    }
  }

  private void submit(Runnable task) {
    try {
      worker.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          Logger.error(e, "CAN bus {}: unexpected failure", options.name());
        }
      });
    } catch (RejectedExecutionException e) {
      // closing: nothing more to do
    }
  }

  /** On the transport's reader thread: copy and queue, never block. */
  private void received(byte[] buf, int len) {
    long at = scheduler.nanoTime();
    int of = generation;
    if (queued.incrementAndGet() > MAX_QUEUED_CHUNKS) {
      queued.decrementAndGet();
      stats.droppedReads.increment();
      return;
    }
    byte[] copy = Arrays.copyOf(buf, len);
    submit(() -> {
      queued.decrementAndGet();
      if (of == generation) {
        process(copy, at);
      }
    });
  }

  private void process(byte[] bytes, long at) {
    if (state != State.OPEN) {
      return;
    }
    chunkNanos = at;
    lastByteNanos = at;
    if (!answered) {
      answered = true;
      failedAttempts = 0;
      lastOpenProblem = null;
      Logger.info("CAN bus {}: adapter at {} open at {} kbit/s{}", options.name(),
          transport.endpoint(), options.bitrate().bitsPerSecond() / 1000,
          options.listenOnly() ? ", listen-only" : "");
      report(DeviceState.ONLINE, "adapter open at " + transport.endpoint());
    }
    parser.feed(bytes);
    flush();
  }

  private void flush() {
    if (!batch.isEmpty()) {
      List<Reading> readings = List.copyOf(batch);
      batch.clear();
      sink.onReadings(options.name(), readings);
    }
  }

  private void connect() {
    if (state == State.CLOSED || state == State.OPEN) {
      return;
    }
    state = State.CONNECTING;
    Logger.debug("CAN bus {}: state CONNECTING ({})", options.name(), transport.endpoint());
    try {
      generation++;
      transport.connect();
      parser.reset();
      pendingReplies.clear();
      discardsLogged.clear();
      rejectionsLogged.clear();
      busError = false;
      overrunEpisode = false;
      mapper.suspend(false);
      long now = scheduler.nanoTime();
      mapper.restart(now);
      lastByteNanos = now;
      send(SlcanEncoder.close(), "C");
      send(SlcanEncoder.bitrate(options.bitrate()), "S" + options.bitrate().code());
      send(SlcanEncoder.timestamps(options.timestamps()), options.timestamps() ? "Z1" : "Z0");
      send(options.listenOnly() ? SlcanEncoder.listenOnly() : SlcanEncoder.open(),
          options.listenOnly() ? "L" : "O");
      send(SlcanEncoder.version(), "V");
    } catch (IOException e) {
      transport.disconnect();
      openFailed(e.getMessage());
      return;
    }
    state = State.OPEN;
    answered = false;
    stats.opens.increment();
    Logger.debug("CAN bus {}: state OPEN, awaiting the adapter's first reply", options.name());
  }

  private void openFailed(String problem) {
    state = State.WAITING;
    stats.openFailures.increment();
    failedAttempts++;
    if (!problem.equals(lastOpenProblem)) {
      Logger.warn("CAN bus {}: cannot open the adapter: {}; retrying", options.name(), problem);
      lastOpenProblem = problem;
    } else {
      Logger.debug("CAN bus {}: still cannot open the adapter: {}", options.name(), problem);
    }
    report(DeviceState.OFFLINE, problem);
    scheduleRetry();
  }

  private void lost(String why) {
    if (state != State.OPEN) {
      return;
    }
    transport.disconnect();
    if (!answered) {
      // connected but never answered (a gateway without its adapter): a failed open
      openFailed(transport.endpoint() + " connected, but the adapter never answered");
      return;
    }
    stats.losses.increment();
    Logger.warn("CAN bus {}: adapter at {} lost: {}; reopening", options.name(),
        transport.endpoint(), why);
    mapper.markAllStale();
    batch.clear();
    report(DeviceState.OFFLINE, "adapter lost: " + why);
    failedAttempts = 0;
    scheduleRetry();
  }

  private void scheduleRetry() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.WAITING;
    long min = options.reconnectMin().toNanos();
    long max = options.reconnectMax().toNanos();
    long base = failedAttempts <= 1 ? min
        : Math.min(max, min << Math.min(failedAttempts - 1, 20));
    long delay = Math.max(1, (long) (base * (0.8 + 0.4 * jitter.nextDouble())));
    delay = Math.min(delay, max);
    Logger.debug("CAN bus {}: state WAITING {} ms", options.name(), delay / 1_000_000);
    retry = scheduler.schedule(() -> submit(this::connect), Duration.ofNanos(delay));
  }

  private void report(DeviceState s, String detail) {
    if (reported != s) {
      reported = s;
      sink.onDeviceState(options.name(), s, detail);
    }
  }

  private void pollStatus() {
    if (state != State.OPEN) {
      return;
    }
    long silentNanos = scheduler.nanoTime() - lastByteNanos;
    if (!options.silenceTimeout().isZero() && silentNanos > options.silenceTimeout().toNanos()) {
      lost("no byte from the adapter for " + silentNanos / 1_000_000 + " ms");
      return;
    }
    sendQuietly(SlcanEncoder.status(), "F");
  }

  private void checkStale() {
    if (state != State.OPEN) {
      return;
    }
    long now = scheduler.nanoTime();
    if (!options.silenceTimeout().isZero() && options.statusPoll().isZero()
        && now - lastByteNanos > options.silenceTimeout().toNanos()) {
      lost("no byte from the adapter for " + (now - lastByteNanos) / 1_000_000 + " ms");
      return;
    }
    for (CanSignalMapper.Stale s : mapper.expire(now)) {
      String detail = "no " + s.message() + " frame for " + s.silentMs() + " ms";
      Logger.info("CAN bus {}: {}; stale: {}", options.name(), detail, String.join(", ", s.keys()));
      sink.onStale(options.name(), s.keys(), scheduler.now(), detail);
    }
  }

  private void send(byte[] command, String name) throws IOException {
    pendingReplies.addLast(name);
    transport.send(command);
  }

  private void sendQuietly(byte[] command, String name) {
    try {
      send(command, name);
    } catch (IOException e) {
      lost(e.getMessage());
    }
  }

  private void status(SlcanStatus s) {
    boolean error = s.errorPassive() || s.busError();
    if (error && !busError) {
      busError = true;
      stats.busErrorEpisodes.increment();
      String detail = String.format("adapter reports %s (status 0x%02X)",
          s.busError() ? "bus error" : "error passive", s.flags());
      Logger.warn("CAN bus {}: {}; its signals are stale until it clears", options.name(), detail);
      mapper.suspend(true);
      List<String> keys = mapper.markAllStale();
      if (!keys.isEmpty()) {
        sink.onStale(options.name(), keys, scheduler.now(), detail);
      }
    } else if (!error && busError) {
      busError = false;
      mapper.suspend(false);
      Logger.info("CAN bus {}: bus error cleared (status 0x{})", options.name(),
          String.format("%02X", s.flags()));
    }
    boolean overrun = s.rxFifoFull() || s.dataOverrun();
    if (overrun) {
      stats.overruns.increment();
      if (!overrunEpisode) {
        Logger.warn("CAN bus {}: adapter reports {} (status 0x{}): frames were lost",
            options.name(), s.dataOverrun() ? "data overrun" : "receive FIFO full",
            String.format("%02X", s.flags()));
      }
    }
    overrunEpisode = overrun;
  }

  private void reply(boolean ok) {
    String command = pendingReplies.pollFirst();
    if (!ok) {
      stats.rejectedCommands.increment();
      String what = command == null ? "an unknown command" : "'" + command + "'";
      if (rejectionsLogged.add(what)) {
        Logger.warn("CAN bus {}: adapter answered BEL (error) to {} (counted; not logged again"
            + " until it reconnects)", options.name(), what);
      }
    }
  }

  /** Parser events, on the bus thread. */
  private final class Listener implements SlcanListener {
    @Override
    public void onRawFrame(int id, boolean extended, boolean remote, int dlc, long data,
        long timestampMs) {
      stats.frames.increment();
      mapper.onFrame(id, extended, remote, dlc, data, timestampMs, chunkNanos);
    }

    @Override
    public void onOk() {
      reply(true);
    }

    @Override
    public void onError() {
      reply(false);
    }

    @Override
    public void onStatus(SlcanStatus status) {
      pendingReplies.pollFirst();
      status(status);
    }

    @Override
    public void onVersion(String version) {
      pendingReplies.pollFirst();
      Logger.info("CAN bus {}: adapter version {}", options.name(), version);
    }

    @Override
    public void onSerialNumber(String serialNumber) {
      pendingReplies.pollFirst();
    }

    @Override
    public void onTransmitted(boolean extended) {
      pendingReplies.pollFirst();
    }

    @Override
    public void onDiscarded(SlcanStats.Kind kind) {
      if (discardsLogged.add(kind)) {
        Logger.warn("CAN bus {}: discarding a {} line from the adapter (counted; further ones"
            + " are not logged until it reconnects)", options.name(),
            kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
      }
    }
  }
}
