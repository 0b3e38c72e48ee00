package io.evedge.agent;

import io.evedge.agent.mqtt.LinkOptions;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.agent.record.FileRecordStore;
import io.evedge.agent.record.LinkRecordPublisher;
import io.evedge.agent.record.RecordBuilder;
import io.evedge.agent.record.RecordPublisher;
import io.evedge.agent.record.RecordStore;
import io.evedge.agent.record.Tariff;
import io.evedge.agent.session.ClockStatus;
import io.evedge.agent.session.SessionRecorder;
import io.evedge.agent.session.SessionSettings;
import io.evedge.agent.signal.SignalPublisher;
import io.evedge.agent.signal.SignalRouter;
import io.evedge.agent.signal.SignalTable;
import io.evedge.drivers.modbus.ModbusClients;
import io.evedge.drivers.modbus.ModbusPoller;
import io.evedge.drivers.modbus.ModbusStats;
import io.evedge.proto.AgentConfig;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.proto.MqttConfig;
import io.evedge.proto.SessionDetection;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * The running agent: drivers → signal table → MQTT, wired from a {@link Plan}. All timers go through
 * the given {@link Scheduler}; blocking I/O runs on one executor per device.
 */
public final class Agent implements AutoCloseable {

  private final Plan plan;
  private final Scheduler scheduler;
  private final MqttLink link;
  private final SignalTable table;
  private final List<ModbusPoller> pollers = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();
  private RecordStore records;
  private SessionRecorder recorder;

  Agent(Plan plan, Scheduler scheduler, MqttLink link) {
    this.plan = plan;
    this.scheduler = scheduler;
    this.link = link;
    AgentConfig c = plan.loaded().config();
    this.table = new SignalTable(new SignalPublisher(link, plan.topics(), c.getMqtt().getPayloadFormat(),
        c.getMqtt().getSignalQos()));
  }

  /** An agent that talks to the broker of the configuration through Paho. */
  public static Agent create(Plan plan, Scheduler scheduler) throws MqttException {
    return create(plan, scheduler, options -> {
      try {
        return new PahoMqttLink(options, scheduler);
      } catch (MqttException e) {
        throw new IllegalStateException("cannot create the MQTT client: " + e.getMessage(), e);
      }
    });
  }

  /** An agent with the MQTT link of the caller's choosing (tests). */
  public static Agent create(Plan plan, Scheduler scheduler, Function<LinkOptions, MqttLink> links) {
    return new Agent(plan, scheduler, links.apply(linkOptions(plan)));
  }

  static LinkOptions linkOptions(Plan plan) {
    MqttConfig m = plan.loaded().config().getMqtt();
    String uri = m.getUri().replaceFirst("^mqtt://", "tcp://").replaceFirst("^mqtts://", "ssl://");
    return new LinkOptions(uri, m.getClientId(), m.getUsername(),
        m.getPassword().getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(m.getKeepAliveS()), Duration.ofSeconds(m.getSessionExpiryS()),
        Duration.ofMillis(m.getConnectTimeoutMs()), Duration.ofMillis(m.getReconnectMinMs()),
        Duration.ofMillis(m.getReconnectMaxMs()), plan.topics().status(), Version.get());
  }

  /** Connects to the broker and starts polling; returns at once. */
  public void start() {
    AgentConfig c = plan.loaded().config();
    Logger.info("evedge agent {} starting as {} with {} device(s), {} signal(s)", Version.get(),
        c.getDeviceId(), c.getModbusCount(), plan.derivations().size());
    link.start();
    SignalRouter router = new SignalRouter(scheduler, table, plan.derivations());
    startSessions(router);
    for (ModbusDeviceConfig d : c.getModbusList()) {
      DeviceProfile profile = plan.loaded().profiles().get(d.getName());
      ExecutorService io = Threads.serial("modbus-" + d.getName());
      executors.add(io);
      ModbusStats stats = new ModbusStats();
      ModbusPoller poller = new ModbusPoller(d.getName(), ModbusClients.create(d, profile, stats),
          ModbusClients.unitId(d, profile), plan.readPlans().get(d.getName()),
          Duration.ofMillis(d.getPollIntervalMs()), Duration.ofMillis(d.getMaxBackoffMs()), stats, scheduler, io,
          router);
      pollers.add(poller);
      poller.start();
    }
  }

  // ---- charge sessions and records ----

  /** Opens the record store and starts the session recorder on the raw readings. */
  private void startSessions(SignalRouter router) {
    AgentConfig c = plan.loaded().config();
    SessionSettings s = SessionSettings.of(plan.loaded());
    try {
      FileRecordStore store = new FileRecordStore(s.stateDir().resolve("records"), s.zone(),
          s.records().getRetentionDays(), s.records().getRetentionBytes());
      records = store;
      if (s.sources().mode() == SessionDetection.SESSION_DETECTION_OFF) {
        Logger.info("Session detection is off: no charge records");
        return;
      }
      Tariff tariff = c.hasTariff() ? Tariff.of(c.getTariff(), true, s.zone()) : Tariff.none(s.zone());
      RecordBuilder builder = new RecordBuilder(c.getDeviceId(), c.getLocation(), c.hasLocation(),
          c.getPlacesList(), tariff);
      ExecutorService io = Threads.serial("journal");
      executors.add(io);
      recorder = new SessionRecorder(scheduler, s, c.getDeviceId(), table, store, recordPublisher(), builder,
          tariff, io, ClockStatus.of(scheduler, s.session().getClockSyncFile()));
      recorder.start();
      router.addListener(recorder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the state directory " + s.stateDir() + ": " + e.getMessage(), e);
    }
  }

  /** Where completed records go after the store: the link for now, the durable outbox once it lands. */
  private RecordPublisher recordPublisher() {
    AgentConfig c = plan.loaded().config();
    return new LinkRecordPublisher(link, plan.topics(), c.getMqtt().getPayloadFormat());
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
  public RecordStore records() {
    return records;
  }

  public SignalTable signals() {
    return table;
  }

  public MqttLink link() {
    return link;
  }

  public List<ModbusPoller> pollers() {
    return List.copyOf(pollers);
  }

  /** Stops polling, publishes {@code offline}, disconnects; every thread of the agent ends. */
  @Override
  public void close() {
    for (ModbusPoller p : pollers) {
      p.close();
    }
    stopSessions();
    for (ExecutorService e : executors) {
      Threads.shutdown(e, 2000);
    }
    link.close();
    Logger.info("evedge agent stopped");
  }
}
