package io.evedge.agent.mqtt;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The agent's connection to its broker, behind our own interface so nothing else imports Paho.
 *
 * <p>{@link #publish} never blocks: messages queue while the link is down and are sent when it is
 * up, at most as many QoS 1 messages in flight as the broker's Receive Maximum allows. The link
 * connects on {@link #start()}, retries the first connect and reconnects after a loss on its own,
 * with capped exponential backoff and jitter.
 */
public interface MqttLink extends AutoCloseable {

  /** Begins connecting; returns at once. */
  void start();

  /**
   * Queues {@code message}. The future completes when the broker has it (PUBACK for QoS 1, written
   * for QoS 0), or when a newer coalescing message on the same topic replaced it before it was sent;
   * it fails when the link is closed first or the queue is full. When the broker acknowledges a
   * message whose future has stages waiting, the future completes on the link's own thread, not on
   * the MQTT client's; keep such stages short.
   */
  CompletableFuture<Void> publish(MqttOut message);

  /**
   * Subscribes {@code filter} now and after every reconnect. {@code handler} runs on the link's own
   * ordered thread, never on Paho's; it must return quickly.
   */
  void subscribe(String filter, int qos, Consumer<MqttIn> handler);

  /** Whether the link is connected now. */
  boolean isConnected();

  /** Called on the link's thread with {@code true} on every (re)connect and {@code false} on every loss. */
  default void onConnectionChange(Consumer<Boolean> listener) {
    onLinkEvent(e -> listener.accept(e.connected()));
  }

  /**
   * Called on the link's thread on every (re)connect and every loss, with whether the broker resumed
   * the session. The listener must return quickly.
   */
  void onLinkEvent(Consumer<LinkEvent> listener);

  /** Publishes the {@code offline} status, disconnects and stops every thread of the link. */
  @Override
  void close();
}
