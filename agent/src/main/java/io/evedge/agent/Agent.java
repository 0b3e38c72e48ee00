package io.evedge.agent;

import io.evedge.agent.config.ContractConfig;
import io.evedge.agent.contract.Metrics;
import io.evedge.agent.contract.Payloads;
import io.evedge.agent.contract.Schema;
import io.evedge.agent.mqtt.LinkOptions;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.agent.record.FileRecordStore;
import io.evedge.agent.record.RecordBuilder;
import io.evedge.agent.record.RecordPublisher;
import io.evedge.agent.record.RecordStore;
import io.evedge.agent.record.Tariff;
import io.evedge.agent.session.ClockStatus;
import io.evedge.agent.session.SessionRecorder;
import io.evedge.agent.session.SessionSettings;
import io.evedge.agent.mqtt.TlsContexts;
import io.evedge.agent.outbox.Outbox;
import io.evedge.agent.outbox.RecordInbox;
import io.evedge.agent.request.RequestServer;
import io.evedge.agent.signal.ReportByException;
import io.evedge.agent.signal.SignalPublisher;
import io.evedge.agent.signal.SignalRouter;
import io.evedge.agent.signal.SignalTable;
import io.evedge.drivers.modbus.ModbusClients;
import io.evedge.drivers.DeviceState;
import io.evedge.drivers.can.CanBus;
import io.evedge.drivers.can.SlcanBitrate;
import io.evedge.drivers.can.SlcanStats;
import io.evedge.drivers.can.transport.SerialSlcanTransport;
import io.evedge.drivers.can.transport.SlcanTransport;
import io.evedge.drivers.can.transport.TcpSlcanTransport;
import io.evedge.drivers.modbus.ModbusPoller;
import io.evedge.drivers.modbus.ModbusStats;
import io.evedge.proto.AgentConfig;
import io.evedge.proto.CanBusConfig;
import io.evedge.proto.CanBusMetrics;
import io.evedge.proto.DeviceMetrics;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.proto.MqttConfig;
import io.evedge.proto.SessionDetection;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import io.evedge.proto.TlsConfig;
import io.evedge.yaml.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.tinylog.Logger;

/**
 * The running agent: drivers → signal table → report by exception → MQTT, records → outbox → MQTT,
 * requests → request server, wired from a {@link Plan}. All timers go through the given
 * {@link Scheduler}; blocking I/O runs on one executor per device.
 */
public final class Agent implements AutoCloseable {

  private final Plan plan;
  private final Scheduler scheduler;
  private final MqttLink link;
  private final SignalTable table;
  private final SignalPublisher publisher;
  private final ReportByException reportByException;
  private final Payloads payloads;
  private final Metrics metrics;
  private final List<ModbusPoller> pollers = new ArrayList<>();
  private final List<CanBus> buses = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();
  private final List<Scheduler.Lane> lanes = new ArrayList<>();
  private RecordStore recordStore;
  private SessionRecorder recorder;
  private Outbox outbox;
  private RequestServer requests;
  private RecordInbox recordInbox;

  Agent(Plan plan, Scheduler scheduler, MqttLink link) {
    this.plan = plan;
    this.scheduler = scheduler;
    this.link = link;
    AgentConfig c = plan.loaded().config();
    MqttConfig m = c.getMqtt();
    this.payloads = new Payloads(m.getPayloadFormat());
    this.publisher = new SignalPublisher(link, plan.topics(), m.getPayloadFormat(), m.getSignalQos());
    this.reportByException = new ReportByException(scheduler, c.getSignals(), publisher);
    this.table = new SignalTable(reportByException);
    link.onLinkEvent(reportByException::onLink);
    Schema.publishOn(link, plan.topics(), m.getPayloadFormat(), Version.get());
    this.metrics = new Metrics(scheduler);
    metrics.signals(publisher::published);
    if (link instanceof PahoMqttLink paho) {
      metrics.link(paho::connects, paho::losses, paho::lastError);
    }
  }

  /** An agent that talks to the broker of the configuration through Paho. */
  public static Agent create(Plan plan, Scheduler scheduler) throws MqttException, ConfigException {
    return create(plan, scheduler, options -> {
      try {
        return new PahoMqttLink(options, scheduler);
      } catch (MqttException e) {
        throw new IllegalStateException("cannot create the MQTT client: " + e.getMessage(), e);
      }
    });
  }

  /** An agent with the MQTT link of the caller's choosing (tests). */
  public static Agent create(Plan plan, Scheduler scheduler, Function<LinkOptions, MqttLink> links)
      throws ConfigException {
    return new Agent(plan, scheduler, links.apply(linkOptions(plan)));
  }

  static LinkOptions linkOptions(Plan plan) throws ConfigException {
    MqttConfig m = plan.loaded().config().getMqtt();
    String uri = m.getUri().replaceFirst("^mqtt://", "tcp://").replaceFirst("^mqtts://", "ssl://");
    LinkOptions o = new LinkOptions(uri, m.getClientId(), m.getUsername(),
        ContractConfig.password(m, System::getenv),
        Duration.ofSeconds(m.getKeepAliveS()), Duration.ofSeconds(m.getSessionExpiryS()),
        Duration.ofMillis(m.getConnectTimeoutMs()), Duration.ofMillis(m.getReconnectMinMs()),
        Duration.ofMillis(m.getReconnectMaxMs()), plan.topics().status(), Version.get());
    if (m.hasTls()) {
      TlsConfig t = m.getTls();
      try {
        o = o.withTls(TlsContexts.socketFactory(path(t.getCaFile()), path(t.getCertFile()), path(t.getKeyFile())),
            !t.hasVerifyHostname() || t.getVerifyHostname());
      } catch (TlsContexts.TlsConfigException e) {
        throw new ConfigException(plan.loaded().file().toString(), "mqtt.tls", 0, e.getMessage());
      }
    }
    return o;
  }

  private static Path path(String s) {
    return s.isEmpty() ? null : Path.of(s);
  }

  /** Connects to the broker and starts polling; returns at once. */
  public void start() {
    AgentConfig c = plan.loaded().config();
    Logger.info("evedge agent {} starting as {} with {} device(s), {} CAN bus(es), {} signal(s)", Version.get(),
        c.getDeviceId(), c.getModbusCount(), c.getCanCount(), plan.publishedSignals().size());
    try {
      outbox = Outbox.open(Path.of(c.getStateDir(), "outbox"), c.getOutbox(), c.getDeviceId(),
          plan.topics().records(), link, payloads, scheduler);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the outbox under " + c.getStateDir() + ": " + e.getMessage(), e);
    }
    metrics.outbox(outbox::metrics);
    SessionSettings sessions = SessionSettings.of(plan.loaded());
    try {
      recordStore = new FileRecordStore(sessions.stateDir().resolve("records"), sessions.zone(),
          sessions.records().getRetentionDays(), sessions.records().getRetentionBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the record store under " + sessions.stateDir() + ": "
          + e.getMessage(), e);
    }
    MqttConfig m = c.getMqtt();
    requests = new RequestServer(plan.topics(), link, recordStore, table::get, plan.publishedSignals(),
        new RequestServer.Options(m.getRequestMaxBytes(), m.getRequestPageSize(), m.getRequestQueue()),
        sessions.zone(), scheduler);
    metrics.requests(requests::metrics);
    requests.start();
    link.start();
    SignalRouter router = new SignalRouter(scheduler, table, plan.derivations(), plan.derived());
    router.start();
    startSessions(router);
    for (ModbusDeviceConfig d : c.getModbusList()) {
      DeviceProfile profile = plan.loaded().profiles().get(d.getName());
      Scheduler.Lane lane = scheduler.lane("modbus-" + d.getName());
      lanes.add(lane);
      ModbusStats stats = new ModbusStats();
      ModbusPoller poller = new ModbusPoller(d.getName(), ModbusClients.create(d, profile, stats),
          ModbusClients.unitId(d, profile), plan.readPlans().get(d.getName()),
          Duration.ofMillis(d.getPollIntervalMs()), Duration.ofMillis(d.getMaxBackoffMs()), stats, lane, router);
      pollers.add(poller);
      metrics.device(d.getName(), () -> deviceMetrics(poller));
      poller.start();
    }
    for (CanBusConfig b : c.getCanList()) {
      startCan(b, router);
    }
    if (m.getMetricsIntervalS() > 0) {
      metrics.start(link, plan.topics().base() + "/metrics", payloads, Duration.ofSeconds(m.getMetricsIntervalS()));
    }
    recordInbox = RecordInbox.fromSystemProperty(outbox, scheduler);
  }

  private void startCan(CanBusConfig b, SignalRouter router) {
    var mapping = plan.loaded().canMappings().get(b.getName());
    mapping.database().warnings().forEach(w ->
        Logger.warn("CAN bus {}: DBC {} {}", b.getName(), mapping.dbcSource(), w));
    SlcanTransport transport = b.hasSerial()
        ? new SerialSlcanTransport("can-" + b.getName() + "-rx", b.getSerial().getPort(), b.getSerial().getBaud())
        : new TcpSlcanTransport("can-" + b.getName() + "-rx", b.getTcp().getHost(), b.getTcp().getPort(), 5000);
    CanBus bus = new CanBus(new CanBus.Options(b.getName(), SlcanBitrate.of(b.getBitrate()), b.getListenOnly(),
        b.getTimestamps(), Duration.ofMillis(b.getStatusPollMs()), Duration.ofMillis(b.getSilenceTimeoutMs()),
        Duration.ofMillis(Math.min(250, b.getReconnectMaxMs())), Duration.ofMillis(b.getReconnectMaxMs())),
        transport, mapping, scheduler, router);
    buses.add(bus);
    metrics.canBus(b.getName(), () -> canBusMetrics(bus));
    bus.start();
  }

  private static CanBusMetrics canBusMetrics(CanBus bus) {
    CanBusMetrics.Builder m = CanBusMetrics.newBuilder()
        .setFrames(bus.stats().frames.sum())
        .setErrors(bus.parserStats().discardedLines())
        .setState(bus.state() == DeviceState.ONLINE && bus.inBusError() ? "BUS_ERROR" : bus.state().name())
        .setBusErrorEpisodes(bus.stats().busErrorEpisodes.sum())
        .setCounters(bus.stats().summary());
    for (SlcanStats.Kind kind : SlcanStats.Kind.values()) {
      long n = bus.parserStats().count(kind);
      if (n > 0) {
        m.putDiscarded(kind.name(), n);
      }
    }
    return m.build();
  }

  private static DeviceMetrics deviceMetrics(ModbusPoller poller) {
    ModbusStats s = poller.stats();
    long failed = s.failedPolls.sum();
    return DeviceMetrics.newBuilder()
        .setReadsOk(Math.max(0, s.polls.sum() - failed))
        .setReadsFailed(failed)
        .setState(poller.state().name())
        .setTimeouts(s.timeouts.sum())
        .setFrameErrors(s.frameErrors())
        .setExceptionReplies(s.exceptionReplies())
        .setCounters(s.summary())
        .build();
  }

  // ---- charge sessions and records ----

  /** Opens the record store and starts the session recorder on the raw readings. */
  private void startSessions(SignalRouter router) {
    AgentConfig c = plan.loaded().config();
    SessionSettings s = SessionSettings.of(plan.loaded());
    try {
      if (s.sources().mode() == SessionDetection.SESSION_DETECTION_OFF) {
        Logger.info("Session detection is off: no charge records");
        return;
      }
      Tariff tariff = c.hasTariff() ? Tariff.of(c.getTariff(), true, s.zone()) : Tariff.none(s.zone());
      RecordBuilder builder = new RecordBuilder(c.getDeviceId(), c.getLocation(), c.hasLocation(),
          c.getPlacesList(), tariff);
      ExecutorService io = Threads.serial("journal");
      executors.add(io);
      recorder = new SessionRecorder(scheduler, s, c.getDeviceId(), table, recordStore, outbox, builder,
          tariff, io, ClockStatus.of(scheduler, s.session().getClockSyncFile()));
      recorder.start();
      router.addListener(recorder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the state directory " + s.stateDir() + ": " + e.getMessage(), e);
    }
  }

  /** Syncs the open session's journal on the scheduler thread, waiting at most two seconds. */
  private void stopSessions() {
    if (recorder == null) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(() -> {
      recorder.close();
      done.complete(null);
    });
    try {
      done.get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      Logger.warn("The session journal was not synced on stop ({}); it is at most one interval behind",
          e.toString());
    }
  }

  /** The completed charge records on disk (for the request server); null before {@link #start}. */
  public RecordStore recordStore() {
    return recordStore;
  }

  public SignalTable signals() {
    return table;
  }

  public MqttLink link() {
    return link;
  }

  /** Where completed records go: the durable outbox (after {@link #start()}). */
  public RecordPublisher records() {
    return outbox;
  }

  /** The agent's health figures, as published on {@code <p>/metrics}. */
  public Metrics metrics() {
    return metrics;
  }

  public List<ModbusPoller> pollers() {
    return List.copyOf(pollers);
  }

  public List<CanBus> canBuses() {
    return List.copyOf(buses);
  }

  /** Stops polling, publishes {@code offline}, disconnects; every thread of the agent ends. */
  @Override
  public void close() {
    if (recordInbox != null) {
      recordInbox.close();
    }
    metrics.stop();
    for (ModbusPoller p : pollers) {
      p.close();
    }
    for (Scheduler.Lane lane : lanes) {
      lane.close();
    }
    for (CanBus b : buses) {
      b.close();
    }
    stopSessions();
    for (ExecutorService e : executors) {
      Threads.shutdown(e, 2000);
    }
    if (requests != null) {
      requests.close();
    }
    link.close();
    if (outbox != null) {
      outbox.close();
    }
    Logger.info("evedge agent stopped");
  }
}
