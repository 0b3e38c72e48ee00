package io.evedge.agent.mqtt;

import io.evedge.proto.json.ProtoJson;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
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
 * instead of waiting); and never blocks a Paho thread on work of ours.
 *
 * <p>The link's state is guarded by one lock. The path every message takes is run where it starts,
 * so a message costs no hand-over between threads of ours: {@link #publish} hands the message to Paho
 * on the caller's thread when the link is up and nothing waits before it, and an acknowledgement is
 * processed on Paho's callback thread when the lock is free at once (otherwise, and for every other
 * callback, on one ordered thread of ours). Paho's threads only ever try the lock, never wait for it:
 * the lock is taken before Paho's own locks, never after, so no order of events can deadlock. A
 * future that has dependents completes on our thread, never on Paho's.
 *
 * <p>Retransmission is ours alone. Paho, left with {@code cleanStart=false}, would resend its own
 * copy of every unacknowledged publish after a reconnect while failing its token, so the caller would
 * send a second copy (and push Paho past the Receive Maximum). Instead each connection gets a fresh
 * Paho client, and on a loss the messages in flight go back to the front of our queue in their
 * original order. Incoming messages are routed by our own topic matching from the one message
 * callback, so a request the broker delivers between CONNACK and SUBACK of a resumed session is not
 * lost. All Paho clients share one executor of ours: reconnects leak no threads and {@link #close()}
 * leaves none behind.
 *
 * <p>A PUBACK with a failure reason code (for example 0x87 not authorized, when an ACL forbids the
 * topic) fails the message's future: the broker has refused it, sending it again would not help.
 */
public final class PahoMqttLink implements MqttLink {

  /** Messages queued while the link is down, beyond which non-coalescing publishes are refused. */
  static final int MAX_QUEUED = 50_000;
  /** The largest packet the broker may send us (bytes). */
  static final long MAX_INCOMING_PACKET = 2L * 1024 * 1024;

  static {
    PahoLog.install();
  }

  private enum State { IDLE, CONNECTING, CONNECTED, WAITING, CLOSED }

  private final LinkOptions options;
  private final Scheduler scheduler;
  private final ExecutorService events;
  private final ScheduledThreadPoolExecutor pahoThreads;
  private final Backoff backoff;

  // package-private for the test that holds it while an acknowledgement arrives
  final ReentrantLock lock = new ReentrantLock();
  // state below is touched only with the lock held
  private State state = State.IDLE;
  private MqttAsyncClient client;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Map<String, Pending> queuedLatest = new HashMap<>();
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final List<Consumer<LinkEvent>> connectionListeners = new ArrayList<>();
  // in sending order, so a loss puts them back in that order
  private final Set<Pending> inFlight = new LinkedHashSet<>();
  private int receiveMaximum = 65_535;
  private Scheduler.Cancellable retryTimer;
  private volatile boolean connected;
  private volatile String lastError = "";
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong losses = new AtomicLong();

  private record Subscription(String filter, int qos, Consumer<MqttIn> handler) {}

  private static final class Pending {
    MqttOut message;
    final CompletableFuture<Void> done;

    Pending(MqttOut message, CompletableFuture<Void> done) {
      this.message = message;
      this.done = done;
    }
  }

  /** A publish the broker acknowledged with a failure reason code. */
  public static final class RefusedException extends Exception {
    private final int reasonCode;

    RefusedException(String topic, int reasonCode) {
      super(String.format("the broker refused the publish to %s: reason 0x%02X %s", topic, reasonCode,
          LinkErrors.reasonName(reasonCode)));
      this.reasonCode = reasonCode;
    }

    /** The MQTT v5 PUBACK reason code. */
    public int reasonCode() {
      return reasonCode;
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
    // fail now on a malformed URI rather than at the first connect
    newClient().close(true);
    this.backoff = new Backoff(options.reconnectMin(), options.reconnectMax(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  private MqttAsyncClient newClient() throws MqttException {
    return new MqttAsyncClient(options.uri(), options.clientId(), new MemoryPersistence(), null, pahoThreads);
  }

  /** The broker's Receive Maximum from the last CONNACK (65535 when it sent none). */
  public int receiveMaximum() {
    lock.lock();
    try {
      return receiveMaximum;
    } finally {
      lock.unlock();
    }
  }

  /** Number of successful connects so far (first connect and reconnects). */
  public long connects() {
    return connects.get();
  }

  /** Number of connections lost so far. */
  public long losses() {
    return losses.get();
  }

  /** Why the last connect failed or the last connection was lost, in words; empty when none has. */
  public String lastError() {
    return lastError;
  }

  @Override
  public void start() {
    later(() -> {
      if (state == State.IDLE) {
        connect();
      }
    });
  }

  /** Runs {@code task} with the lock held, on the link's own thread. */
  private void later(Runnable task) {
    events.execute(() -> locked(task));
  }

  /** Like {@link #later} but quiet when the link is already closed. */
  private void laterIfOpen(Runnable task) {
    try {
      later(task);
    } catch (RejectedExecutionException e) {
      // the link is closed
    }
  }

  private void locked(Runnable task) {
    lock.lock();
    try {
      task.run();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public void onLinkEvent(Consumer<LinkEvent> listener) {
    locked(() -> connectionListeners.add(listener));
  }

  @Override
  public CompletableFuture<Void> publish(MqttOut message) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    locked(() -> enqueue(new Pending(message, done)));
    return done;
  }

  @Override
  public void subscribe(String filter, int qos, Consumer<MqttIn> handler) {
    locked(() -> {
      Subscription s = new Subscription(filter, qos, handler);
      subscriptions.put(filter, s);
      if (state == State.CONNECTED) {
        sendSubscribe(client, List.of(s));
      }
    });
  }

  // ---- with the lock held ----

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
      if (!send(p)) {
        return;
      }
    }
  }

  /** Hands {@code p} to Paho; false when Paho refused it now (it is back at the front of the queue). */
  private boolean send(Pending p) {
    MqttOut m = p.message;
    MqttAsyncClient c = client;
    MqttMessage msg = new MqttMessage(m.payload(), m.qos(), m.retained(), properties(m));
    if (m.qos() > 0) {
      inFlight.add(p);
    }
    try {
      c.publish(m.topic(), msg, null, new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          int[] codes = token.getReasonCodes();
          int code = codes == null || codes.length == 0 ? 0 : codes[0];
          // on Paho's thread: only try the lock, and leave a future with dependents to our thread
          if (lock.tryLock()) {
            try {
              acknowledged(p);
            } finally {
              lock.unlock();
            }
            if (p.done.getNumberOfDependents() == 0) {
              complete(p, code);
              return;
            }
            laterIfOpen(() -> complete(p, code));
            return;
          }
          laterIfOpen(() -> {
            acknowledged(p);
            complete(p, code);
          });
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          laterIfOpen(() -> publishFailed(c, p, e));
        }
      });
      return true;
    } catch (MqttException e) {
      inFlight.remove(p);
      Logger.debug("Publish to {} refused by Paho ({}); requeued", m.topic(), e.getMessage());
      requeueFront(p);
      return false;
    }
  }

  private void acknowledged(Pending p) {
    inFlight.remove(p);
    drain();
  }

  private static void complete(Pending p, int reasonCode) {
    if (reasonCode >= 0x80) {
      p.done.completeExceptionally(new RefusedException(p.message.topic(), reasonCode));
    } else {
      p.done.complete(null);
    }
  }

  private void publishFailed(MqttAsyncClient c, Pending p, Throwable e) {
    if (p.message.qos() == 0) {
      p.done.completeExceptionally(e);
      return;
    }
    if (!inFlight.contains(p)) {
      return; // already requeued with the rest after the loss
    }
    if (isConnectionProblem(e)) {
      // the loss handler puts every message in flight back, in order
      if (c != client || state != State.CONNECTED) {
        inFlight.remove(p);
        requeueFront(p);
      }
      return;
    }
    inFlight.remove(p);
    p.done.completeExceptionally(e);
    drain();
  }

  private static boolean isConnectionProblem(Throwable e) {
    if (e instanceof MqttException me) {
      int r = me.getReasonCode();
      return r == MqttClientException.REASON_CODE_CONNECTION_LOST
          || r == MqttClientException.REASON_CODE_CLIENT_DISCONNECTING
          || r == MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED
          || r == MqttClientException.REASON_CODE_CLIENT_CLOSED
          || r == MqttClientException.REASON_CODE_CLIENT_TIMEOUT
          || r == MqttClientException.REASON_CODE_WRITE_TIMEOUT
          || r == MqttClientException.REASON_CODE_SERVER_DISCONNECTED;
    }
    return true;
  }

  /** Puts {@code p} back at the front of the queue, unless a newer value of its topic is waiting. */
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
    closeClient();
    MqttAsyncClient c;
    try {
      c = newClient();
    } catch (MqttException e) {
      onConnectFailed(e);
      return;
    }
    client = c;
    c.setCallback(new Callback(c));
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(false);
    o.setSessionExpiryInterval(options.sessionExpiry().toSeconds());
    o.setKeepAliveInterval((int) options.keepAlive().toSeconds());
    o.setConnectionTimeout((int) Math.max(1, options.connectTimeout().toSeconds()));
    o.setAutomaticReconnect(false);
    // the broker must not send us more than this (requests are small; the request server answers
    // those above its own limit with PAYLOAD_TOO_LARGE)
    o.setMaximumPacketSize(MAX_INCOMING_PACKET);
    // Paho 1.2.5 calls a listener twice when it also registers it under a subscription identifier
    o.setUseSubscriptionIdentifiers(false);
    if (options.socketFactory() != null) {
      o.setSocketFactory(options.socketFactory());
    }
    o.setHttpsHostnameVerificationEnabled(options.verifyHostname());
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
      c.connect(o, null, new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          MqttProperties connack = token.getResponseProperties();
          Integer max = connack == null ? null : connack.getReceiveMaximum();
          boolean sessionPresent = token.getSessionPresent();
          laterIfOpen(() -> onConnected(c, max, sessionPresent));
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          laterIfOpen(() -> {
            if (c == client) {
              onConnectFailed(e);
            }
          });
        }
      });
    } catch (MqttException e) {
      onConnectFailed(e);
    }
  }

  private void closeClient() {
    MqttAsyncClient old = client;
    client = null;
    if (old == null) {
      return;
    }
    try {
      old.close(true);
    } catch (MqttException e) {
      Logger.debug("Closing the previous MQTT client: {}", e.getMessage());
    }
  }

  private void onConnected(MqttAsyncClient c, Integer max, boolean sessionPresent) {
    if (state == State.CLOSED || c != client) {
      return;
    }
    state = State.CONNECTED;
    connected = true;
    connects.incrementAndGet();
    receiveMaximum = max == null || max <= 0 ? 65_535 : max;
    backoff.reset();
    Logger.info("Connected to {} as {} (session present: {}, broker receive maximum: {})",
        options.uri(), options.clientId(), sessionPresent, receiveMaximum);
    if (options.statusTopic() != null) {
      queue.addFirst(new Pending(MqttOut.each(options.statusTopic(), status("online"), 1, true,
          "application/json"), new CompletableFuture<>()));
    }
    if (!subscriptions.isEmpty()) {
      sendSubscribe(c, List.copyOf(subscriptions.values()));
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
    String why = LinkErrors.describe(e, options.uri());
    if (!why.equals(lastError)) {
      Logger.warn("Cannot connect to {}: {}", options.uri(), why);
    } else {
      Logger.debug("Cannot connect to {}: {}", options.uri(), why);
    }
    lastError = why;
    scheduleReconnect();
  }

  private void onConnectionLost(MqttAsyncClient c, String why) {
    if (state != State.CONNECTED || c != client) {
      return;
    }
    connected = false;
    losses.incrementAndGet();
    lastError = "connection lost: " + why;
    Logger.warn("Lost the connection to {}: {}", options.uri(), why);
    // what was in flight goes out again after the reconnect, first and in its order
    List<Pending> lost = new ArrayList<>(inFlight);
    inFlight.clear();
    for (int i = lost.size() - 1; i >= 0; i--) {
      requeueFront(lost.get(i));
    }
    for (Consumer<LinkEvent> l : connectionListeners) {
      l.accept(new LinkEvent(false, false));
    }
    closeClient();
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    state = State.WAITING;
    connected = false;
    Duration delay = backoff.next();
    Logger.debug("Reconnecting in {} ms", delay.toMillis());
    retryTimer = scheduler.schedule(() -> laterIfOpen(() -> {
      if (state == State.WAITING) {
        connect();
      }
    }), delay);
  }

  private void sendSubscribe(MqttAsyncClient c, List<Subscription> subs) {
    MqttSubscription[] array = new MqttSubscription[subs.size()];
    for (int i = 0; i < subs.size(); i++) {
      array[i] = new MqttSubscription(subs.get(i).filter(), subs.get(i).qos());
    }
    try {
      c.subscribe(array, null, new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          int[] codes = token.getReasonCodes();
          for (int i = 0; codes != null && i < codes.length && i < subs.size(); i++) {
            if (codes[i] >= 0x80) {
              Logger.warn("The broker refused the subscription to {}: reason 0x{} {}", subs.get(i).filter(),
                  Integer.toHexString(codes[i]), LinkErrors.reasonName(codes[i]));
            }
          }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          Logger.warn("Cannot subscribe: {}", LinkErrors.describe(e, options.uri()));
        }
      }, new MqttProperties());
    } catch (MqttException e) {
      Logger.warn("Cannot subscribe: {}", LinkErrors.describe(e, options.uri()));
    }
  }

  /** Hands an incoming message to its subscription's handler; on our thread, without the lock. */
  private void deliver(String topic, MqttMessage message) {
    MqttProperties p = message.getProperties();
    MqttIn in = new MqttIn(topic, message.getPayload(), p == null ? null : p.getContentType(),
        p == null ? null : p.getResponseTopic(), p == null ? null : p.getCorrelationData());
    List<Subscription> subs;
    lock.lock();
    try {
      subs = List.copyOf(subscriptions.values());
    } finally {
      lock.unlock();
    }
    for (Subscription s : subs) {
      if (TopicFilter.matches(s.filter(), topic)) {
        try {
          s.handler().accept(in);
        } catch (RuntimeException e) {
          Logger.error(e, "Handling a message on {} failed", topic);
        }
        return;
      }
    }
    Logger.debug("Message on {} matches no subscription; ignored", topic);
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

  @Override
  public void close() {
    CompletableFuture<Void> offline = new CompletableFuture<>();
    try {
      later(() -> {
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
    CompletableFuture<MqttAsyncClient> stopped = new CompletableFuture<>();
    try {
      later(() -> {
        state = State.CLOSED;
        connected = false;
        for (Pending p : queue) {
          p.done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
        }
        for (Pending p : inFlight) {
          p.done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
        }
        queue.clear();
        queuedLatest.clear();
        inFlight.clear();
        MqttAsyncClient c = client;
        client = null;
        stopped.complete(c);
      });
      MqttAsyncClient c = stopped.get(2, TimeUnit.SECONDS);
      if (c != null) {
        try {
          if (c.isConnected()) {
            // normal disconnect: the broker discards the will, our own offline status stands
            c.disconnect(1000).waitForCompletion(2000);
          }
        } catch (MqttException e) {
          Logger.debug("Disconnect: {}", e.getMessage());
        }
        try {
          c.close(true);
        } catch (MqttException e) {
          Logger.debug("Close: {}", e.getMessage());
        }
      }
    } catch (Exception e) {
      Logger.debug("Closing: {}", e.getMessage());
    }
    Threads.shutdown(events, 2000);
    Threads.shutdown(pahoThreads, 2000);
  }

  /** Paho's callbacks for one client: each is handed to our thread at once. */
  private final class Callback implements MqttCallback {
    private final MqttAsyncClient owner;

    Callback(MqttAsyncClient owner) {
      this.owner = owner;
    }

    private void hand(Runnable r) {
      laterIfOpen(r);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      String why = response.getReasonString() != null ? response.getReasonString()
          : response.getException() != null ? LinkErrors.describe(response.getException(), options.uri())
          : "reason code " + response.getReturnCode();
      hand(() -> onConnectionLost(owner, why));
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      Logger.warn("MQTT error: {}", LinkErrors.describe(exception, options.uri()));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      try {
        events.execute(() -> deliver(topic, message));
      } catch (RejectedExecutionException e) {
        // the link is closed
      }
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
