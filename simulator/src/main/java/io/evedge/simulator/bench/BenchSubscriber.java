package io.evedge.simulator.bench;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * The harness's subscriber for the latency runs: a bare Paho client whose message callback is the
 * moment of delivery, taken on Paho's own callback thread (the agent's link would add a hand-over to
 * a thread of its own, which is not the agent's cost).
 */
final class BenchSubscriber implements AutoCloseable {

  /** Sees each message on Paho's callback thread, with {@link System#nanoTime()} at its arrival. */
  @FunctionalInterface
  interface Handler {
    void onMessage(String topic, byte[] payload, long arrivedNanos);
  }

  private final MqttAsyncClient client;

  private BenchSubscriber(MqttAsyncClient client) {
    this.client = client;
  }

  /** Connects to {@code uri} and subscribes {@code filter} at QoS 1; returns once subscribed. */
  static BenchSubscriber start(String uri, String clientId, String filter, Handler handler) throws MqttException {
    MqttAsyncClient c = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
    c.setCallback(new MqttCallback() {
      @Override
      public void messageArrived(String topic, MqttMessage message) {
        handler.onMessage(topic, message.getPayload(), System.nanoTime());
      }

      @Override
      public void disconnected(MqttDisconnectResponse response) {
        // the run reports what did not arrive
      }

      @Override
      public void mqttErrorOccurred(MqttException exception) {
        // likewise
      }

      @Override
      public void deliveryComplete(IMqttToken token) {
        // subscribes only
      }

      @Override
      public void connectComplete(boolean reconnect, String serverURI) {
        // waited for below
      }

      @Override
      public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no enhanced authentication
      }
    });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    o.setAutomaticReconnect(false);
    c.connect(o).waitForCompletion(10_000);
    c.subscribe(filter, 1).waitForCompletion(10_000);
    return new BenchSubscriber(c);
  }

  @Override
  public void close() {
    try {
      client.disconnect().waitForCompletion(2000);
    } catch (MqttException e) {
      // closing anyway
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      // closing anyway
    }
  }
}
