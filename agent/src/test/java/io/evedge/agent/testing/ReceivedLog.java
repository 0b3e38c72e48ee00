package io.evedge.agent.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a test's MQTT client received, in order, with a wait for a message that passes a test:
 * the one log behind {@link TestSubscriber} and {@link Backend}. Thread-safe: the client's callback
 * thread adds, the test reads and waits.
 *
 * @param <R> the client's record of one message
 */
final class ReceivedLog<R> {

  private final List<R> received = new ArrayList<>();
  private final Function<R, String> topicOf;
  private final Function<R, String> textOf;

  /**
   * @param topicOf the topic a message came on
   * @param textOf its payload as text, for the message of a failed wait
   */
  ReceivedLog(Function<R, String> topicOf, Function<R, String> textOf) {
    this.topicOf = topicOf;
    this.textOf = textOf;
  }

  void add(R message) {
    synchronized (received) {
      received.add(message);
      received.notifyAll();
    }
  }

  /** Waits for a message on {@code topic} that satisfies {@code test}, returning the first such. */
  R await(String topic, Predicate<R> test, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    synchronized (received) {
      while (true) {
        for (R r : received) {
          if (topicOf.apply(r).equals(topic) && test.test(r)) {
            return r;
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no message on " + topic + " matching the test within " + deadline.toMillis()
              + " ms; received " + on(topic).stream().map(textOf).toList());
        }
        try {
          received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for a message on " + topic);
        }
      }
    }
  }

  /** Everything received on {@code topic}, in order. */
  List<R> on(String topic) {
    synchronized (received) {
      return received.stream().filter(r -> topicOf.apply(r).equals(topic)).toList();
    }
  }

  /** Everything received, in order. */
  List<R> all() {
    synchronized (received) {
      return new ArrayList<>(received);
    }
  }
}
