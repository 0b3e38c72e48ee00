package io.evedge.agent.signal;

import com.google.protobuf.ListValue;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalValue;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The latest body of every signal. Updated on the agent's scheduler thread only; a change of value
 * or quality is passed to the listener (the publisher) at once.
 */
public final class SignalTable {

  private final Map<String, SignalValue> current = new LinkedHashMap<>();
  private final Consumer<Update> listener;

  /** One changed signal. */
  public record Update(SignalCatalog.Def def, SignalValue body) {}

  public SignalTable(Consumer<Update> listener) {
    this.listener = listener;
  }

  /**
   * Sets a signal. {@code value} is a Double, Boolean or String, or null for "no value"; numbers are
   * rounded to three decimals (float32 registers carry noise beyond that; kWh keep Wh resolution).
   * A {@link ListValue} is the {@code values} array of a collection signal (charge-chargerecords).
   */
  public void set(SignalCatalog.Def def, Object value, Instant time, Quality quality) {
    SignalValue.Builder b = SignalValue.newBuilder()
        .setTimestamp(timestamp(time))
        .setQuality(value == null && quality == Quality.GOOD ? Quality.UNAVAILABLE : quality);
    if (value instanceof ListValue list) {
      b.setValues(list);
    } else if (value != null) {
      b.setValue(toValue(value));
    }
    if (!def.unit().isEmpty()) {
      b.setUnit(def.unit());
    }
    SignalValue next = b.build();
    SignalValue prev = current.get(def.name());
    if (prev != null && prev.getValue().equals(next.getValue()) && prev.getValues().equals(next.getValues())
        && prev.getQuality() == next.getQuality()) {
      return;
    }
    current.put(def.name(), next);
    listener.accept(new Update(def, next));
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
    current.put(def.name(), next);
    listener.accept(new Update(def, next));
  }

  public Optional<SignalValue> get(String name) {
    return Optional.ofNullable(current.get(name));
  }

  public Map<String, SignalValue> snapshot() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(current));
  }

  static Value toValue(Object value) {
    if (value instanceof Double d) {
      return Value.newBuilder().setNumberValue(Math.round(d * 1000.0) / 1000.0).build();
    }
    if (value instanceof Boolean bool) {
      return Value.newBuilder().setBoolValue(bool).build();
    }
    return Value.newBuilder().setStringValue(String.valueOf(value)).build();
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
