package io.evedge.agent.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.mqttv5.client.IMqttToken;
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

/**
 * A backend for tests: an MQTT v5 client with a persistent session (clean start off, a session
 * expiry), so a broker with persistence keeps queueing QoS 1 messages for it across broker restarts;
 * it records what it receives and can send requests with a Response Topic and Correlation Data.
 *
 * <p>It reconnects by itself with a new client while disconnected (checked every {@value
 * #RECONNECT_MS} ms): Paho's automatic reconnect was seen to lose the session after a dozen quick
 * broker restarts on a loaded machine.
 */
public final class Backend implements AutoCloseable {

  /** One received message. */
  public record Received(String topic, byte[] payload, String contentType, byte[] correlationData,
      boolean retained, boolean duplicate) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  static final long RECONNECT_MS = 250;

  private final String uri;
  private final String clientId;
  private MqttCallback callback;
  private volatile MqttAsyncClient client;
  private int downRounds;
  private final MqttConnectionOptions options = new MqttConnectionOptions();
  private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "backend-reconnect");
    t.setDaemon(true);
    return t;
  });
  private final ReceivedLog<Received> received = new ReceivedLog<>(Received::topic, Received::text);
  private final String replyTopic;

  public Backend(String uri, String clientId, String... filters) throws MqttException {
    this(uri, clientId, null, null, "backend/" + clientId + "/replies", filters);
  }

  /** A backend that logs in as {@code user} and asks for replies on {@code replyTopic}. */
  public static Backend withLogin(String uri, String clientId, String user, String password, String replyTopic,
      String... filters) throws MqttException {
    return new Backend(uri, clientId, user, password, replyTopic, filters);
  }

  private Backend(String uri, String clientId, String user, String password, String replyTopic, String[] filters)
      throws MqttException {
    this.uri = uri;
    this.clientId = clientId;
    client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
    this.replyTopic = replyTopic;
    MqttConnectionOptions o = options;
    if (user != null) {
      o.setUserName(user);
      o.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    o.setCleanStart(false);
    o.setSessionExpiryInterval(3600L);
    o.setUseSubscriptionIdentifiers(false);
    callback = new MqttCallback() {
      @Override
      public void disconnected(MqttDisconnectResponse r) {
        // the keeper reconnects; the session stays on the broker
      }

      @Override
      public void mqttErrorOccurred(MqttException e) {
        // reported by the awaits that fail
      }

      @Override
      public void messageArrived(String topic, MqttMessage m) {
        MqttProperties p = m.getProperties();
        received.add(new Received(topic, m.getPayload(), p == null ? null : p.getContentType(),
            p == null ? null : p.getCorrelationData(), m.isRetained(), m.isDuplicate()));
      }

      @Override
      public void deliveryComplete(IMqttToken token) {
        // nothing
      }

      @Override
      public void connectComplete(boolean reconnect, String serverUri) {
        // the broker resumes the session with its subscriptions
      }

      @Override
      public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // none
      }
    };
    client.setCallback(callback);
    client.connect(o).waitForCompletion(10_000);
    List<String> all = new ArrayList<>(List.of(filters));
    all.add(replyTopic);
    MqttSubscription[] subs = all.stream().map(f -> {
      MqttSubscription s = new MqttSubscription(f, 1);
      s.setRetainAsPublished(true);
      return s;
    }).toArray(MqttSubscription[]::new);
    client.subscribe(subs).waitForCompletion(10_000);
    keeper.scheduleWithFixedDelay(this::reconnectIfDown, RECONNECT_MS, RECONNECT_MS, TimeUnit.MILLISECONDS);
  }

  private void reconnectIfDown() {
    MqttAsyncClient c = client;
    if (c.isConnected()) {
      downRounds = 0;
      return;
    }
    if (++downRounds < 2) {
      return;
    }
    // a fresh client each time: reusing one raced with its own connect and sent the broker a second
    // CONNECT, which Mosquitto answers by dropping the session; the new client resumes it by its id
    downRounds = 0;
    abandon(c);
    try {
      MqttAsyncClient fresh = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
      fresh.setCallback(callback);
      client = fresh;
      fresh.connect(options).waitForCompletion(5000);
    } catch (MqttException e) {
      // the broker is not back yet: next round
    }
  }

  private static void abandon(MqttAsyncClient c) {
    try {
      c.disconnectForcibly(0, 0, false);
    } catch (MqttException ignored) {
      // closing it anyway
    }
    try {
      c.close(true);
    } catch (MqttException ignored) {
      // a connect still under way: the client is dropped
    }
  }

  /** Sends a request to {@code topic} and returns the reply with the same correlation data. */
  public Received request(String topic, byte[] payload, String contentType, Duration deadline) throws MqttException {
    byte[] corr = ("c-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    MqttProperties p = new MqttProperties();
    p.setResponseTopic(replyTopic);
    p.setCorrelationData(corr);
    if (contentType != null) {
      p.setContentType(contentType);
    }
    MqttMessage m = new MqttMessage(payload, 1, false, p);
    client.publish(topic, m).waitForCompletion(10_000);
    return await(replyTopic, r -> r.correlationData() != null
        && java.util.Arrays.equals(r.correlationData(), corr), deadline);
  }

  /** Publishes a message without a response topic. */
  public void publish(String topic, byte[] payload) throws MqttException {
    client.publish(topic, new MqttMessage(payload, 1, false, new MqttProperties())).waitForCompletion(10_000);
  }

  public String replyTopic() {
    return replyTopic;
  }

  /** Waits for a message on {@code topic} satisfying {@code test}. */
  public Received await(String topic, Predicate<Received> test, Duration deadline) {
    return received.await(topic, test, deadline);
  }

  /** Everything received on {@code topic}, in order. */
  public List<Received> on(String topic) {
    return received.on(topic);
  }

  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close() throws MqttException {
    keeper.shutdownNow();
    try {
      keeper.awaitTermination(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    MqttAsyncClient c = client;
    if (!c.isConnected()) {
      abandon(c);
      return;
    }
    try {
      c.disconnect().waitForCompletion(5000);
    } finally {
      c.close(true);
    }
  }
}
