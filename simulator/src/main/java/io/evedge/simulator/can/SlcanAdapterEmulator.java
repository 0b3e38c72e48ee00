package io.evedge.simulator.can;

import io.evedge.drivers.can.CanFrame;
import io.evedge.drivers.can.DbcMessage;
import io.evedge.drivers.can.SlcanBitrate;
import io.evedge.drivers.can.SlcanCommand;
import io.evedge.drivers.can.SlcanCommandParser;
import io.evedge.drivers.can.SlcanEncoder;
import io.evedge.drivers.can.TimestampUnwrapper;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.tinylog.Logger;

/**
 * An SLCAN (Lawicel) USB-CAN adapter on a simulated vehicle's bus: it answers the command set
 * ({@code Sn}, {@code sxxyy}, {@code O}, {@code L}, {@code C}, {@code V}, {@code N}, {@code F},
 * {@code Zn}, and frames to transmit) as a CANable or USBtin does, and while open sends the
 * vehicle's frames at their DBC cycle times (10 to 1000 ms), with millisecond timestamps after
 * {@code Z1}.
 *
 * <p>Faults on demand: {@link #injectGarbage} (line noise), {@link #dropFrames} (a share of frames
 * lost), {@link #errorPassive} and {@link #busOff} (status flags; bus-off also stops the frames),
 * {@link #vanish} (the adapter stops answering altogether, as if unplugged, until
 * {@link #reappear}, which brings it back closed, as after power-up).
 *
 * <p>Transport-agnostic: an endpoint (TCP server, pseudo-terminal) feeds it the host's bytes with
 * {@link #fromHost} and gives it a {@link HostLink} for its replies. Replies and frames are written
 * in order on one writer thread of the emulator's own; if the host reads too slowly, frames are
 * dropped and the receive-FIFO-full flag is set, as a real adapter does.
 */
public final class SlcanAdapterEmulator implements AutoCloseable {

  /** Where the adapter's bytes go: the connected host. */
  @FunctionalInterface
  public interface HostLink {
    void write(byte[] bytes) throws IOException;

    /** Ends the connection, if the link can (a socket); the adapter has vanished. */
    default void drop() {}
  }

  /** Counters, readable from any thread. */
  public static final class Stats {
    public final LongAdder framesSent = new LongAdder();
    public final LongAdder framesDropped = new LongAdder();
    public final LongAdder commands = new LongAdder();
    public final LongAdder errors = new LongAdder();
  }

  /** Hardware and firmware version the adapter reports to {@code V}. */
  public static final String VERSION = "1013";
  /** Serial number the adapter reports to {@code N}. */
  public static final String SERIAL = "EVS1";

  private static final int MAX_QUEUED_WRITES = 256;
  private static final int FLAG_RX_FIFO_FULL = 0x01;
  private static final int FLAG_ERROR_PASSIVE = 0x20;
  private static final int FLAG_BUS_ERROR = 0x80;

  private final VehicleFrames vehicle;
  private final Scheduler bus;
  private final SlcanCommandParser commands = new SlcanCommandParser(this::command);
  private final ExecutorService writer = Threads.serial("slcan-sim-tx");
  private final AtomicInteger queued = new AtomicInteger();
  private final Stats stats = new Stats();
  private final List<Scheduler.Cancellable> timers = new ArrayList<>();
  private final long originNanos;
  private final SplittableRandom random = new SplittableRandom(61851);

  private HostLink host;
  private boolean open;
  private boolean listenOnly;
  private boolean timestamps;
  private SlcanBitrate bitrate = SlcanBitrate.BPS_500K;
  private int latchedFlags;
  private boolean errorPassive;
  private boolean busOff;
  private boolean vanished;
  private double dropShare;

  /**
   * @param vehicle the frames to send
   * @param bus the clock of the bus: frame cycles and timestamps run in its time (real time for a
   *     real agent, whatever the vehicle model's speed)
   */
  public SlcanAdapterEmulator(VehicleFrames vehicle, Scheduler bus) {
    this.vehicle = vehicle;
    this.bus = bus;
    this.originNanos = bus.nanoTime();
  }

  /** The counters. */
  public Stats stats() {
    return stats;
  }

  /** A host connected; the adapter's bytes now go to {@code link}. */
  public synchronized void connected(HostLink link) {
    host = link;
  }

  /** The host went away; the adapter keeps its state (open or not), as real ones do. */
  public synchronized void disconnected(HostLink link) {
    if (host == link) {
      host = null;
    }
  }

  /** Bytes from the host: commands, in chunks of any size. */
  public synchronized void fromHost(byte[] buf, int len) {
    if (!vanished) {
      commands.feed(buf, 0, len);
    }
  }

  /** Whether the channel is open (after {@code O} or {@code L}). */
  public synchronized boolean isOpen() {
    return open;
  }

  /** Whether the channel was opened listen-only ({@code L}). */
  public synchronized boolean isListenOnly() {
    return listenOnly;
  }

  /** The bit rate last selected. */
  public synchronized SlcanBitrate bitrate() {
    return bitrate;
  }

  /** Sends {@code count} bytes of line noise (no CR in them), then a CR. */
  public synchronized void injectGarbage(int count) {
    byte[] b = new byte[count + 1];
    for (int i = 0; i < count; i++) {
      int v;
      do {
        v = random.nextInt(256);
      } while (v == '\r' || v == 0x07);
      b[i] = (byte) v;
    }
    b[count] = '\r';
    write(b, false);
  }

  /** Drops this share (0..1) of the frames from now on. */
  public synchronized void dropFrames(double share) {
    dropShare = Math.max(0, Math.min(1, share));
  }

  /** Sets or clears the error-passive state: {@code F} reports it, frames still flow. */
  public synchronized void errorPassive(boolean on) {
    errorPassive = on;
  }

  /** Sets or clears bus-off: {@code F} reports error passive and bus error, and no frame arrives. */
  public synchronized void busOff(boolean on) {
    busOff = on;
  }

  /** The adapter stops answering and sending, as if unplugged or hung. */
  public synchronized void vanish() {
    vanished = true;
    close(false);
    Logger.info("Simulated SLCAN adapter vanished");
    if (host != null) {
      host.drop();
    }
  }

  /** The adapter is back, closed, as after power-up. */
  public synchronized void reappear() {
    vanished = false;
    timestamps = false;
    latchedFlags = 0;
  }

  /** Whether the adapter has vanished. */
  public synchronized boolean vanished() {
    return vanished;
  }

  private void command(SlcanCommand c) {
    stats.commands.increment();
    if (c instanceof SlcanCommand.SetBitrate s) {
      whenClosed(() -> bitrate = s.bitrate());
    } else if (c instanceof SlcanCommand.SetBitTiming) {
      whenClosed(() -> { });
    } else if (c instanceof SlcanCommand.Timestamps z) {
      whenClosed(() -> timestamps = z.on());
    } else if (c instanceof SlcanCommand.Open) {
      whenClosed(() -> open(false));
    } else if (c instanceof SlcanCommand.ListenOnly) {
      whenClosed(() -> open(true));
    } else if (c instanceof SlcanCommand.Close) {
      close(true);
      ok();
    } else if (c instanceof SlcanCommand.Version) {
      reply("V" + VERSION);
    } else if (c instanceof SlcanCommand.SerialNumber) {
      reply("N" + SERIAL);
    } else if (c instanceof SlcanCommand.Status) {
      if (!open) {
        error();
      } else {
        int flags = latchedFlags | (errorPassive || busOff ? FLAG_ERROR_PASSIVE : 0)
            | (busOff ? FLAG_BUS_ERROR : 0);
        latchedFlags = 0;
        reply(String.format("F%02X", flags));
      }
    } else if (c instanceof SlcanCommand.Transmit t) {
      if (open && !listenOnly && !busOff) {
        reply(t.frame().extended() ? "Z" : "z");
      } else {
        error();
      }
    } else {
      error();
    }
  }

  private void whenClosed(Runnable action) {
    if (open) {
      error();
    } else {
      action.run();
      ok();
    }
  }

  private void open(boolean listen) {
    open = true;
    listenOnly = listen;
    Logger.info("Simulated SLCAN adapter open at {} kbit/s{}{}", bitrate.bitsPerSecond() / 1000,
        listen ? ", listen-only" : "", timestamps ? ", timestamps" : "");
    for (DbcMessage m : vehicle.messages()) {
      Duration cycle = Duration.ofMillis(Math.max(1, m.cycleTimeMs()));
      timers.add(bus.scheduleAtFixedRate(() -> emit(m), cycle, cycle));
    }
  }

  private void close(boolean log) {
    if (open && log) {
      Logger.info("Simulated SLCAN adapter closed");
    }
    open = false;
    for (Scheduler.Cancellable t : timers) {
      t.cancel();
    }
    timers.clear();
  }

  private synchronized void emit(DbcMessage m) {
    if (!open || vanished || busOff) {
      return;
    }
    if (dropShare > 0 && random.nextDouble() < dropShare) {
      stats.framesDropped.increment();
      return;
    }
    CanFrame f = vehicle.frame(m);
    byte[] line = new byte[SlcanEncoder.length(f) + (timestamps ? 4 : 0)];
    int n = SlcanEncoder.encode(f, line, 0) - 1;
    if (timestamps) {
      long ms = (bus.nanoTime() - originNanos) / 1_000_000 % TimestampUnwrapper.WRAP_MS;
      byte[] t = String.format("%04X", ms).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(t, 0, line, n, 4);
      n += 4;
    }
    line[n] = '\r';
    if (write(line, true)) {
      stats.framesSent.increment();
    }
  }

  private void ok() {
    write(new byte[] {'\r'}, false);
  }

  private void error() {
    stats.errors.increment();
    write(new byte[] {0x07}, false);
  }

  private void reply(String text) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    b.write('\r');
    write(b.toByteArray(), false);
  }

  /** Queues bytes for the host; a frame that finds the queue full is dropped and flagged. */
  private boolean write(byte[] bytes, boolean frame) {
    HostLink link = host;
    if (link == null || vanished) {
      return false;
    }
    if (queued.incrementAndGet() > MAX_QUEUED_WRITES && frame) {
      queued.decrementAndGet();
      latchedFlags |= FLAG_RX_FIFO_FULL;
      stats.framesDropped.increment();
      return false;
    }
    try {
      writer.execute(() -> {
        queued.decrementAndGet();
        try {
          link.write(bytes);
        } catch (IOException e) {
          Logger.debug("Simulated SLCAN adapter: host write failed: {}", e.getMessage());
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    close(false);
    host = null;
    Threads.shutdown(writer, 2000);
  }
}
