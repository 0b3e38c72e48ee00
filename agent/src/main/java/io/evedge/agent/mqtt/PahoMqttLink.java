package io.evedge.agent.mqtt;

import io.evedge.proto.json.ProtoJson;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tinylog.Logger;

/**
 * {@link MqttLink} over Eclipse Paho's MQTT v5 async client.
 *
 * <p>What it does that Paho alone does not: connects with {@code cleanStart=false} and an explicit
 * session expiry (Paho sends 0 when it is left null); retries the first connect and reconnects on its
 * own, with capped backoff and jitter through the injected {@link Scheduler}; never has more QoS 1/2
 * publishes in flight than the broker's Receive Maximum (Paho throws "too many publishes in progress"
 * instead of waiting); and does no work in Paho's callback threads: every callback is handed to one
 * ordered thread of ours. Paho runs on one executor of ours, so reconnects leak no threads and
 * {@link #close()} leaves none behind.
 */
public final class PahoMqttLink implements MqttLink {

  /** Messages queued while the link is down, beyond which non-coalescing publishes are refused. */
  static final int MAX_QUEUED = 50_000;

  private enum State { IDLE, CONNECTING, CONNECTED, WAITING, CLOSED }

  private final LinkOptions options;
  private final Scheduler scheduler;
  private final ExecutorService events;
  private final ScheduledThreadPoolExecutor pahoThreads;
  private final MqttAsyncClient client;
  private final Backoff backoff;

  // state below is touched only on the events thread
  private State state = State.IDLE;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Map<String, Pending> queuedLatest = new HashMap<>();
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private final List<Consumer<LinkEvent>> connectionListeners = new ArrayList<>();
  private final java.util.Set<Pending> inFlight =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private int receiveMaximum = 65_535;
  private Scheduler.Cancellable retryTimer;
  private volatile boolean connected;
  private final AtomicLong connects = new AtomicLong();

  private record Subscription(String filter, int qos, Consumer<MqttIn> handler) {}

  private static final class Pending {
    MqttOut message;
    final CompletableFuture<Void> done;

    Pending(MqttOut message, CompletableFuture<Void> done) {
      this.message = message;
      this.done = done;
    }
  }

  public PahoMqttLink(LinkOptions options, Scheduler scheduler) throws MqttException {
    this.options = options;
    this.scheduler = scheduler;
    this.events = Threads.serial("mqtt");
    // Paho runs a receiver, a sender and a callback loop per connection plus short connect,
    // disconnect and ping tasks; eight threads leave room for an old connection winding down.
    this.pahoThreads = new ScheduledThreadPoolExecutor(8, Threads.factory("paho"));
    this.pahoThreads.setKeepAliveTime(30, TimeUnit.SECONDS);
    this.pahoThreads.allowCoreThreadTimeOut(true);
    this.client = new MqttAsyncClient(options.uri(), options.clientId(), new MemoryPersistence(), null,
        pahoThreads);
    this.client.setCallback(new Callback());
    this.backoff = new Backoff(options.reconnectMin(), options.reconnectMax(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The broker's Receive Maximum from the last CONNACK (65535 when it sent none). */
  public int receiveMaximum() {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    events.execute(() -> f.complete(receiveMaximum));
    return f.join();
  }

  /** Number of successful connects so far (first connect and reconnects). */
  public long connects() {
    return connects.get();
  }

  @Override
  public void start() {
    events.execute(() -> {
      if (state == State.IDLE) {
        connect();
      }
    });
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public void onLinkEvent(Consumer<LinkEvent> listener) {
    events.execute(() -> connectionListeners.add(listener));
  }

  @Override
  public CompletableFuture<Void> publish(MqttOut message) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      events.execute(() -> enqueue(new Pending(message, done)));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
    }
    return done;
  }

  @Override
  public void subscribe(String filter, int qos, Consumer<MqttIn> handler) {
    events.execute(() -> {
      Subscription s = new Subscription(filter, qos, handler);
      subscriptions.put(filter, s);
      if (state == State.CONNECTED) {
        sendSubscribe(s);
      }
    });
  }

  // ---- events thread ----

  private void enqueue(Pending p) {
    if (state == State.CLOSED) {
      p.done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
      return;
    }
    MqttOut m = p.message;
    if (m.coalesce()) {
      Pending queued = queuedLatest.get(m.topic());
      if (queued != null) {
        // replace the payload in place: the topic keeps its place in the queue
        queued.message = m;
        queued.done.whenComplete((v, e) -> {
          if (e == null) {
            p.done.complete(null);
          } else {
            p.done.completeExceptionally(e);
          }
        });
        return;
      }
      queuedLatest.put(m.topic(), p);
    } else if (queue.size() >= MAX_QUEUED) {
      p.done.completeExceptionally(new IllegalStateException(
          "MQTT queue full (" + MAX_QUEUED + " messages waiting for the broker)"));
      return;
    }
    queue.addLast(p);
    drain();
  }

  private void drain() {
    while (state == State.CONNECTED && !queue.isEmpty()) {
      Pending p = queue.peekFirst();
      if (p.message.qos() > 0 && inFlight.size() >= receiveMaximum) {
        return;
      }
      queue.pollFirst();
      if (p.message.coalesce()) {
        queuedLatest.remove(p.message.topic(), p);
      }
      send(p);
    }
  }

  private void send(Pending p) {
    MqttOut m = p.message;
    MqttMessage msg = new MqttMessage(m.payload(), m.qos(), m.retained(), properties(m));
    if (m.qos() > 0) {
      inFlight.add(p);
    }
    try {
      client.publish(m.topic(), msg, null, new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          events.execute(() -> {
            inFlight.remove(p);
            p.done.complete(null);
            drain();
          });
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          events.execute(() -> {
            if (!inFlight.remove(p)) {
              return; // already requeued after a reconnect without session
            }
            // lost with the connection: send again after the reconnect
            requeueFront(p);
          });
        }
      });
    } catch (MqttException e) {
      inFlight.remove(p);
      Logger.debug("Publish to {} refused by Paho ({}); requeued", m.topic(), e.getMessage());
      requeueFront(p);
    }
  }

  private void requeueFront(Pending p) {
    if (state == State.CLOSED) {
      p.done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
      return;
    }
    if (p.message.coalesce()) {
      Pending newer = queuedLatest.get(p.message.topic());
      if (newer != null) {
        // a newer value is already waiting: this one is superseded
        p.done.complete(null);
        return;
      }
      queuedLatest.put(p.message.topic(), p);
    }
    queue.addFirst(p);
    drain();
  }

  private static MqttProperties properties(MqttOut m) {
    MqttProperties props = new MqttProperties();
    if (m.contentType() != null) {
      props.setContentType(m.contentType());
    }
    if (m.correlationData() != null) {
      props.setCorrelationData(m.correlationData());
    }
    return props;
  }

  private void connect() {
    state = State.CONNECTING;
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(false);
    o.setSessionExpiryInterval(options.sessionExpiry().toSeconds());
    o.setKeepAliveInterval((int) options.keepAlive().toSeconds());
    o.setConnectionTimeout((int) Math.max(1, options.connectTimeout().toSeconds()));
    o.setAutomaticReconnect(false);
    // Paho 1.2.5 calls a listener twice when it also registers it under a subscription identifier
    o.setUseSubscriptionIdentifiers(false);
    if (options.username() != null && !options.username().isEmpty()) {
      o.setUserName(options.username());
    }
    if (options.password() != null && options.password().length > 0) {
      o.setPassword(options.password());
    }
    if (options.statusTopic() != null) {
      MqttProperties willProps = new MqttProperties();
      willProps.setContentType("application/json");
      o.setWillMessageProperties(willProps);
      o.setWill(options.statusTopic(), new MqttMessage(status("offline"), 1, true, null));
    }
    try {
      client.connect(o, null, new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          MqttProperties connack = token.getResponseProperties();
          Integer max = connack == null ? null : connack.getReceiveMaximum();
          boolean sessionPresent = token.getSessionPresent();
          events.execute(() -> onConnected(max, sessionPresent));
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          events.execute(() -> onConnectFailed(e));
        }
      });
    } catch (MqttException e) {
      onConnectFailed(e);
    }
  }

  private void onConnected(Integer max, boolean sessionPresent) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CONNECTED;
    connected = true;
    connects.incrementAndGet();
    receiveMaximum = max == null || max <= 0 ? 65_535 : max;
    backoff.reset();
    if (!sessionPresent && !inFlight.isEmpty()) {
      // the broker has no session: what was in flight will not be completed by a resend
      List<Pending> lost = new ArrayList<>(inFlight);
      inFlight.clear();
      for (int i = lost.size() - 1; i >= 0; i--) {
        requeueFront(lost.get(i));
      }
    }
    Logger.info("Connected to {} as {} (session present: {}, broker receive maximum: {})",
        options.uri(), options.clientId(), sessionPresent, receiveMaximum);
    if (options.statusTopic() != null) {
      queue.addFirst(new Pending(MqttOut.each(options.statusTopic(), status("online"), 1, true,
          "application/json"), new CompletableFuture<>()));
    }
    for (Subscription s : subscriptions.values()) {
      sendSubscribe(s);
    }
    for (Consumer<LinkEvent> l : connectionListeners) {
      l.accept(new LinkEvent(true, sessionPresent));
    }
    drain();
  }

  private void onConnectFailed(Throwable e) {
    if (state == State.CLOSED) {
      return;
    }
    Logger.warn("Cannot connect to {}: {}", options.uri(), describe(e));
    scheduleReconnect();
  }

  private void onConnectionLost(String why) {
    if (state != State.CONNECTED) {
      return;
    }
    connected = false;
    Logger.warn("Lost the connection to {}: {}", options.uri(), why);
    for (Consumer<LinkEvent> l : connectionListeners) {
      l.accept(new LinkEvent(false, false));
    }
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    state = State.WAITING;
    connected = false;
    Duration delay = backoff.next();
    Logger.debug("Reconnecting in {} ms", delay.toMillis());
    retryTimer = scheduler.schedule(() -> events.execute(() -> {
      if (state == State.WAITING) {
        connect();
      }
    }), delay);
  }

  private void sendSubscribe(Subscription s) {
    try {
      // the array form: the single-listener overload of Paho 1.2.5 fails without a subscription id
      client.subscribe(new MqttSubscription[] {new MqttSubscription(s.filter(), s.qos())}, null, null,
          new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> {
            MqttProperties p = message.getProperties();
            MqttIn in = new MqttIn(topic, message.getPayload(), p == null ? null : p.getContentType(),
                p == null ? null : p.getResponseTopic(), p == null ? null : p.getCorrelationData());
            events.execute(() -> s.handler().accept(in));
          }}, new MqttProperties());
    } catch (MqttException e) {
      Logger.warn("Cannot subscribe to {}: {}", s.filter(), describe(e));
    }
  }

  private byte[] status(String state) {
    StringBuilder b = new StringBuilder("{\"state\":");
    ProtoJson.appendString(b, state);
    b.append(",\"timestamp\":");
    ProtoJson.appendString(b, scheduler.now().toString());
    b.append(",\"version\":");
    ProtoJson.appendString(b, options.version());
    b.append('}');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String describe(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return cause == e || cause.getMessage() == null ? top : top + " (" + cause.getMessage() + ")";
  }

  @Override
  public void close() {
    CompletableFuture<Void> offline = new CompletableFuture<>();
    try {
      events.execute(() -> {
        boolean wasConnected = state == State.CONNECTED && options.statusTopic() != null;
        if (retryTimer != null) {
          retryTimer.cancel();
        }
        if (wasConnected) {
          // the offline status goes out before anything still queued
          queue.addFirst(new Pending(MqttOut.each(options.statusTopic(), status("offline"), 1, true,
              "application/json"), offline));
          drain();
        } else {
          offline.complete(null);
        }
      });
      offline.get(2, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      Logger.warn("The offline status was not acknowledged within 2 s");
    } catch (Exception e) {
      Logger.debug("Closing: {}", e.getMessage());
    }
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    try {
      events.execute(() -> {
        state = State.CLOSED;
        connected = false;
        for (Pending p : queue) {
          p.done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
        }
        queue.clear();
        queuedLatest.clear();
        stopped.complete(null);
      });
      stopped.get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      Logger.debug("Closing: {}", e.getMessage());
    }
    try {
      if (client.isConnected()) {
        // normal disconnect: the broker discards the will, our own offline status stands
        client.disconnect(1000).waitForCompletion(2000);
      }
    } catch (MqttException e) {
      Logger.debug("Disconnect: {}", e.getMessage());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      Logger.debug("Close: {}", e.getMessage());
    }
    Threads.shutdown(events, 2000);
    Threads.shutdown(pahoThreads, 2000);
  }

  private final class Callback implements MqttCallback {
    @Override
    public void disconnected(MqttDisconnectResponse response) {
      String why = response.getReasonString() != null ? response.getReasonString()
          : response.getException() != null ? describe(response.getException())
          : "reason code " + response.getReturnCode();
      events.execute(() -> onConnectionLost(why));
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      Logger.warn("MQTT error: {}", describe(exception));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      // messages reach the per-subscription listeners
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
      // completion is tracked per publish through its action listener
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      // handled by the connect action listener
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
      // no enhanced authentication
    }
  }
}
