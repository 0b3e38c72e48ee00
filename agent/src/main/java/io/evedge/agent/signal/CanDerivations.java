package io.evedge.agent.signal;

import io.evedge.drivers.Reading;
import io.evedge.drivers.can.CanMappings;
import io.evedge.drivers.can.MappedSignal;
import io.evedge.proto.Quality;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signals read from a CAN bus: a CAN mapping already names the agent signal of each reading (the
 * reading key is the signal name) and has transformed, filtered and timestamped it, so each signal
 * is set straight from its own reading, with the reading's (adapter) time, and only when that
 * reading arrives.
 *
 * <p>Besides the signals of {@link SignalCatalog}, a vehicle's battery offers two the catalog does
 * not name: {@link #BATTERY_VOLTAGE} and {@link #BATTERY_CURRENT}.
 */
public final class CanDerivations {

  /** The traction battery's pack voltage. */
  public static final SignalCatalog.Def BATTERY_VOLTAGE =
      new SignalCatalog.Def("tractionbattery-voltage", "volts", SignalCatalog.Kind.NUMBER);
  /** The traction battery's current, positive while charging. */
  public static final SignalCatalog.Def BATTERY_CURRENT =
      new SignalCatalog.Def("tractionbattery-current", "ampere", SignalCatalog.Kind.NUMBER);

  private static final Map<String, SignalCatalog.Def> EXTRA = new LinkedHashMap<>();

  static {
    EXTRA.put(BATTERY_VOLTAGE.name(), BATTERY_VOLTAGE);
    EXTRA.put(BATTERY_CURRENT.name(), BATTERY_CURRENT);
  }

  private CanDerivations() {}

  /** The signal a CAN mapping may feed under {@code name}. */
  public static Optional<SignalCatalog.Def> find(String name) {
    Optional<SignalCatalog.Def> d = SignalCatalog.find(name);
    return d.isPresent() ? d : Optional.ofNullable(EXTRA.get(name));
  }

  /**
   * What is wrong with feeding {@code s}'s agent signal from a CAN mapping, or empty: the signal
   * must exist and take the mapped value's shape (an OBJECT signal such as
   * {@code charge-chargelimits} takes a number, its active value).
   */
  public static Optional<String> check(MappedSignal s) {
    Optional<SignalCatalog.Def> def = find(s.key());
    if (def.isEmpty()) {
      List<String> known = new ArrayList<>(SignalCatalog.all().keySet());
      known.addAll(EXTRA.keySet());
      return Optional.of("unknown agent signal '" + s.key() + "'; known are "
          + String.join(", ", known));
    }
    SignalCatalog.Kind wanted = switch (s.kind()) {
      case NUMBER -> SignalCatalog.Kind.NUMBER;
      case BOOL -> SignalCatalog.Kind.BOOL;
      case TEXT -> SignalCatalog.Kind.TEXT;
    };
    SignalCatalog.Kind kind = def.get().kind();
    boolean fits = kind == wanted || (kind == SignalCatalog.Kind.OBJECT && wanted == SignalCatalog.Kind.NUMBER);
    if (!fits) {
      return Optional.of("'" + s.key() + "' is a " + kind + " signal, but " + s.source() + " is mapped to a "
          + s.kind() + (kind == SignalCatalog.Kind.BOOL ? " (give a value_map to true/false)" : ""));
    }
    return Optional.empty();
  }

  /** One derivation per mapped signal of bus {@code bus}, in mapping order. */
  public static List<Derivation> forBus(String bus, CanMappings.Compiled mapping) {
    List<Derivation> out = new ArrayList<>();
    for (MappedSignal s : mapping.signals()) {
      find(s.key()).ifPresent(def -> out.add(new Direct(def, bus, s.source())));
    }
    return out;
  }

  /**
   * A signal set from the reading of the same name.
   *
   * @param signal the signal, also the reading key
   * @param device the bus
   * @param source the DBC {@code Message.Signal} it is read from, for the plan
   */
  public record Direct(SignalCatalog.Def signal, String device, String source) implements Derivation {

    @Override
    public List<String> inputs() {
      return List.of(signal.name());
    }

    @Override
    public Object compute(Map<String, Reading> latest) {
      Reading r = latest.get(signal.name());
      return r == null ? null : r.value();
    }

    /** Sets the signal from its reading in {@code readings}, if there is one, at that reading's time. */
    void apply(List<Reading> readings, SignalTable table) {
      for (Reading r : readings) {
        if (r.key().equals(signal.name())) {
          table.set(signal, r.value(), r.time(), Quality.GOOD);
        }
      }
    }
  }
}
