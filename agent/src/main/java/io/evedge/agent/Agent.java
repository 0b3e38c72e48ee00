package io.evedge.agent;

import io.evedge.agent.mqtt.LinkOptions;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.PahoMqttLink;
import io.evedge.agent.signal.SignalPublisher;
import io.evedge.agent.signal.SignalRouter;
import io.evedge.agent.signal.SignalTable;
import io.evedge.drivers.can.CanBus;
import io.evedge.drivers.can.SlcanBitrate;
import io.evedge.drivers.can.transport.SerialSlcanTransport;
import io.evedge.drivers.can.transport.SlcanTransport;
import io.evedge.drivers.can.transport.TcpSlcanTransport;
import io.evedge.drivers.modbus.J2modTcpClient;
import io.evedge.drivers.modbus.ModbusPoller;
import io.evedge.proto.AgentConfig;
import io.evedge.proto.CanBusConfig;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.proto.MqttConfig;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
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
  private final List<CanBus> buses = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();

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
    Logger.info("evedge agent {} starting as {} with {} device(s), {} CAN bus(es), {} signal(s)", Version.get(),
        c.getDeviceId(), c.getModbusCount(), c.getCanCount(), plan.derivations().size());
    link.start();
    SignalRouter router = new SignalRouter(scheduler, table, plan.derivations());
    for (ModbusDeviceConfig d : c.getModbusList()) {
      DeviceProfile profile = plan.loaded().profiles().get(d.getName());
      int unit = d.hasUnitId() ? d.getUnitId() : profile.getDefaults().getUnitId();
      ExecutorService io = Threads.serial("modbus-" + d.getName());
      executors.add(io);
      ModbusPoller poller = new ModbusPoller(d.getName(),
          new J2modTcpClient(d.getTcp().getHost(), d.getTcp().getPort(), d.getTimeoutMs(), false),
          unit, plan.readPlans().get(d.getName()), Duration.ofMillis(d.getPollIntervalMs()), scheduler, io,
          router);
      pollers.add(poller);
      poller.start();
    }
    for (CanBusConfig b : c.getCanList()) {
      startCan(b, router);
    }
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
    bus.start();
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

  public List<CanBus> canBuses() {
    return List.copyOf(buses);
  }

  /** Stops polling, publishes {@code offline}, disconnects; every thread of the agent ends. */
  @Override
  public void close() {
    for (ModbusPoller p : pollers) {
      p.close();
    }
    for (CanBus b : buses) {
      b.close();
    }
    for (ExecutorService e : executors) {
      Threads.shutdown(e, 2000);
    }
    link.close();
    Logger.info("evedge agent stopped");
  }
}
