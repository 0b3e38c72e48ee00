package io.evedge.simulator.can;

import io.evedge.drivers.can.transport.SerialSlcanTransport;
import io.evedge.drivers.can.transport.SlcanTransport;
import io.evedge.time.Scheduler;
import java.io.IOException;
import java.time.Duration;
import org.tinylog.Logger;

/**
 * Serves a {@link SlcanAdapterEmulator} on one end of a pseudo-terminal pair (made with
 * {@code socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B}): the simulator opens {@code A} through
 * the drivers' jSerialComm transport, the agent opens {@code B} as it would a USB adapter. If the
 * pseudo-terminal goes away it is reopened every {@link #RETRY} until it is back.
 */
public final class SlcanPtyEndpoint implements AutoCloseable {

  /** Delay between attempts to open the pseudo-terminal. */
  public static final Duration RETRY = Duration.ofMillis(500);

  private final SlcanAdapterEmulator adapter;
  private final SerialSlcanTransport transport;
  private final Scheduler scheduler;
  private final SlcanAdapterEmulator.HostLink link;
  private volatile boolean closed;
  private volatile Scheduler.Cancellable retry;
  private String lastProblem;

  private SlcanPtyEndpoint(SlcanAdapterEmulator adapter, String path, Scheduler scheduler) {
    this.adapter = adapter;
    this.scheduler = scheduler;
    this.transport = new SerialSlcanTransport("slcan-sim-pty", path, 115200);
    this.link = transport::send;
    transport.receive(new SlcanTransport.Receiver() {
      @Override
      public void onBytes(byte[] buf, int len) {
        adapter.fromHost(buf, len);
      }

      @Override
      public void onLost(IOException cause) {
        adapter.disconnected(link);
        Logger.info("Simulated SLCAN adapter: {} lost: {}", path, cause.getMessage());
        scheduleRetry();
      }
    });
  }

  /** Opens {@code path} now if it can, else keeps trying; returns at once. */
  public static SlcanPtyEndpoint start(SlcanAdapterEmulator adapter, String path, Scheduler scheduler) {
    SlcanPtyEndpoint e = new SlcanPtyEndpoint(adapter, path, scheduler);
    e.open();
    return e;
  }

  /** Whether the pseudo-terminal is open. */
  public boolean isOpen() {
    return transport.isConnected();
  }

  private synchronized void open() {
    if (closed || transport.isConnected()) {
      return;
    }
    try {
      transport.connect();
      adapter.connected(link);
      lastProblem = null;
      Logger.info("Simulated SLCAN adapter on {}", transport.endpoint());
    } catch (IOException e) {
      if (!e.getMessage().equals(lastProblem)) {
        Logger.warn("Simulated SLCAN adapter: {}; retrying", e.getMessage());
        lastProblem = e.getMessage();
      }
      scheduleRetry();
    }
  }

  private void scheduleRetry() {
    if (!closed) {
      retry = scheduler.schedule(this::open, RETRY);
    }
  }

  @Override
  public void close() {
    closed = true;
    Scheduler.Cancellable r = retry;
    if (r != null) {
      r.cancel();
    }
    adapter.disconnected(link);
    transport.disconnect();
  }
}
