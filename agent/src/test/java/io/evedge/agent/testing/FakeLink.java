package io.evedge.agent.testing;

import io.evedge.agent.mqtt.LinkEvent;
import io.evedge.agent.mqtt.MqttIn;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.agent.mqtt.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A fake at the {@link MqttLink} seam: records what is published and leaves each future for the
 * test to complete (the PUBACK) or not; delivers messages to subscribers on the caller's thread.
 */
public final class FakeLink implements MqttLink {

  /** One publish and its completion. */
  public record Sent(MqttOut message, CompletableFuture<Void> done) {
    public String text() {
      return new String(message.payload(), StandardCharsets.UTF_8);
    }
  }

  private final List<Sent> sent = new ArrayList<>();
  private final List<Consumer<LinkEvent>> listeners = new ArrayList<>();
  private final List<String> filters = new ArrayList<>();
  private final List<Consumer<MqttIn>> handlers = new ArrayList<>();
  private volatile boolean autoAck;
  private volatile boolean connected;

  /** Completes every publish at once (an always-acknowledging broker). */
  public FakeLink autoAck(boolean on) {
    autoAck = on;
    return this;
  }

  @Override
  public void start() {
    connected = true;
  }

  @Override
  public synchronized CompletableFuture<Void> publish(MqttOut message) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    sent.add(new Sent(message, f));
    if (autoAck) {
      f.complete(null);
    }
    notifyAll();
    return f;
  }

  @Override
  public synchronized void subscribe(String filter, int qos, Consumer<MqttIn> handler) {
    filters.add(filter);
    handlers.add(handler);
  }

  /** Delivers {@code in} as the broker would to our subscriptions. */
  public void deliver(MqttIn in) {
    Consumer<MqttIn> h = null;
    synchronized (this) {
      for (int i = 0; i < filters.size(); i++) {
        if (TopicFilter.matches(filters.get(i), in.topic())) {
          h = handlers.get(i);
          break;
        }
      }
    }
    if (h != null) {
      h.accept(in);
    }
  }

  public synchronized List<String> filters() {
    return List.copyOf(filters);
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public synchronized void onLinkEvent(Consumer<LinkEvent> listener) {
    listeners.add(listener);
  }

  /** Tells the listeners the link connected or was lost. */
  public void event(boolean up, boolean sessionPresent) {
    connected = up;
    List<Consumer<LinkEvent>> ls;
    synchronized (this) {
      ls = List.copyOf(listeners);
    }
    for (Consumer<LinkEvent> l : ls) {
      l.accept(new LinkEvent(up, sessionPresent));
    }
  }

  public synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** Publishes on {@code topic}, in order. */
  public synchronized List<Sent> on(String topic) {
    return sent.stream().filter(s -> s.message().topic().equals(topic)).toList();
  }

  public synchronized void clear() {
    sent.clear();
  }

  @Override
  public void close() {
    connected = false;
  }
}
