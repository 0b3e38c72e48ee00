package io.evedge.agent.signal;

import io.evedge.drivers.Reading;
import java.util.List;
import java.util.Map;

/** How one signal is computed from the latest readings of one device. */
public interface Derivation {

  SignalCatalog.Def signal();

  /** The configured device whose readings feed this signal. */
  String device();

  /** The reading keys used, for the plan {@code check-config} prints. */
  List<String> inputs();

  /**
   * The signal value from the device's latest readings: a {@link Double}, {@link Boolean} or
   * {@link String}, or {@code null} when the inputs hold no value.
   */
  Object compute(Map<String, Reading> latest);
}
