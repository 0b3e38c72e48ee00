package io.evedge.agent.contract;

import com.google.protobuf.Timestamp;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.proto.AgentMetrics;
import io.evedge.proto.CanBusMetrics;
import io.evedge.proto.DeviceMetrics;
import io.evedge.proto.OutboxMetrics;
import io.evedge.proto.RequestMetrics;
import io.evedge.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's health on {@code <p>/metrics}, retained, every {@code metrics_interval_s}: per-device
 * reads ok and failed, CAN frames and errors, outbox depth and oldest age, connects and reconnects,
 * requests, uptime and heap. Parts of the agent register a supplier of their figures; the suppliers
 * are read on the scheduler thread and must not block.
 */
public final class Metrics {

  private final Scheduler scheduler;
  private final long startNanos;
  private final Map<String, Supplier<DeviceMetrics>> devices = new ConcurrentHashMap<>();
  private final Map<String, Supplier<CanBusMetrics>> canBuses = new ConcurrentHashMap<>();
  private volatile Supplier<OutboxMetrics> outbox;
  private volatile Supplier<RequestMetrics> requests;
  private volatile LongSupplier connects = () -> 0;
  private volatile LongSupplier reconnects = () -> 0;
  private volatile LongSupplier signalsPublished = () -> 0;
  private volatile Supplier<String> linkError = () -> "";
  private Scheduler.Cancellable timer;

  public Metrics(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.startNanos = scheduler.nanoTime();
  }

  /** Figures of a configured device (a Modbus poller). */
  public void device(String name, Supplier<DeviceMetrics> figures) {
    devices.put(name, figures);
  }

  /** Figures of a CAN bus (frames decoded, errors). */
  public void canBus(String name, Supplier<CanBusMetrics> figures) {
    canBuses.put(name, figures);
  }

  public void outbox(Supplier<OutboxMetrics> figures) {
    outbox = figures;
  }

  public void requests(Supplier<RequestMetrics> figures) {
    requests = figures;
  }

  /** The link's connects, connection losses and last error. */
  public void link(LongSupplier connects, LongSupplier losses, Supplier<String> lastError) {
    this.connects = connects;
    this.reconnects = losses;
    this.linkError = lastError;
  }

  public void signals(LongSupplier published) {
    this.signalsPublished = published;
  }

  /** The figures now. */
  public AgentMetrics snapshot() {
    Instant now = scheduler.now();
    Runtime rt = Runtime.getRuntime();
    AgentMetrics.Builder b = AgentMetrics.newBuilder()
        .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setUptimeS(Math.round((scheduler.nanoTime() - startNanos) / 1e6) / 1000.0)
        .setHeapUsedBytes(rt.totalMemory() - rt.freeMemory())
        .setHeapMaxBytes(rt.maxMemory())
        .setConnects(connects.getAsLong())
        .setReconnects(reconnects.getAsLong())
        .setSignalsPublished(signalsPublished.getAsLong())
        .setLastLinkError(linkError.get());
    devices.forEach((k, v) -> b.putDevices(k, v.get()));
    canBuses.forEach((k, v) -> b.putCanBuses(k, v.get()));
    if (outbox != null) {
      b.setOutbox(outbox.get());
    }
    if (requests != null) {
      b.setRequests(requests.get());
    }
    return b.build();
  }

  /** Publishes the figures on {@code topic} now and then every {@code interval}. */
  public void start(MqttLink link, String topic, Payloads payloads, Duration interval) {
    timer = scheduler.scheduleAtFixedRate(() -> {
      Payloads.Encoded e = payloads.encode(snapshot());
      link.publish(MqttOut.latest(topic, e.bytes(), 1, e.contentType()));
    }, Duration.ZERO, interval);
  }

  public void stop() {
    if (timer != null) {
      timer.cancel();
    }
  }
}
