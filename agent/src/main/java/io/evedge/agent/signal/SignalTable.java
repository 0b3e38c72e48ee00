package io.evedge.agent.signal;

import com.google.protobuf.Timestamp;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalValue;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The latest body of every signal. Updated on the agent's scheduler thread only (read from any); a
 * change of value or quality is passed to the listener (report-by-exception, then the publisher) at
 * once.
 */
public final class SignalTable {

  // written on the scheduler thread only; read from any (the request server)
  private final Map<String, SignalValue> current = Collections.synchronizedMap(new LinkedHashMap<>());
  // scheduler thread only: the value and quality each signal was last set from, so that setting the
  // same again (most signals on most polls) costs a map lookup, not a body built and compared
  private final Map<String, Input> lastInput = new HashMap<>();
  private final Consumer<Update> listener;

  /** One changed signal. */
  public record Update(SignalCatalog.Def def, SignalValue body) {}

  public SignalTable(Consumer<Update> listener) {
    this.listener = listener;
  }

  /**
   * Sets a signal. {@code value} is a Double, Boolean or String, a ready body or a list for an object
   * signal (see {@link SignalBodies#body}), or null for "no value"; numbers are rounded to three
   * decimals (float32 registers carry noise beyond that; kWh keep Wh resolution).
   */
  public void set(SignalCatalog.Def def, Object value, Instant time, Quality quality) {
    Input in = lastInput.get(def.name());
    if (in != null && in.quality == quality && Objects.equals(in.value, value)) {
      return;
    }
    lastInput.put(def.name(), new Input(value, quality));
    SignalValue.Builder b = SignalBodies.body(def, value);
    boolean noValue = value == null || (def.kind() != SignalCatalog.Kind.OBJECT && !b.hasValue());
    b.setTimestamp(timestamp(time))
        .setQuality(noValue && quality == Quality.GOOD ? Quality.UNAVAILABLE : quality);
    SignalValue next = b.build();
    SignalValue prev = current.get(def.name());
    if (prev != null && sameContent(prev, next)) {
      return;
    }
    current.put(def.name(), next);
    listener.accept(new Update(def, next));
  }

  /** Equal but for the timestamp. */
  static boolean sameContent(SignalValue a, SignalValue b) {
    return a.toBuilder().clearTimestamp().build().equals(b.toBuilder().clearTimestamp().build());
  }

  /** Keeps the last value of a signal but changes its quality (a source went stale or offline). */
  public void setQuality(SignalCatalog.Def def, Quality quality, Instant time) {
    SignalValue prev = current.get(def.name());
    if (prev == null) {
      set(def, null, time, quality);
      return;
    }
    if (prev.getQuality() == quality) {
      return;
    }
    SignalValue next = prev.toBuilder().setQuality(quality).setTimestamp(timestamp(time)).build();
    lastInput.remove(def.name());
    current.put(def.name(), next);
    listener.accept(new Update(def, next));
  }

  public Optional<SignalValue> get(String name) {
    return Optional.ofNullable(current.get(name));
  }

  public Map<String, SignalValue> snapshot() {
    synchronized (current) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(current));
    }
  }

  /** What a signal was set from. */
  private record Input(Object value, Quality quality) {}

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
