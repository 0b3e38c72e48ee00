package io.evedge.drivers;

import java.time.Instant;
import java.util.List;

/**
 * Where a driver delivers what it reads. Called on the driver's own thread: implementations hand
 * the work over and return at once.
 */
public interface ReadingSink {

  /** The readings of one poll or one frame, all of the same device. */
  void onReadings(String device, List<Reading> readings);

  /** A device changed state; {@code detail} says why, for the log. */
  void onDeviceState(String device, DeviceState state, String detail);

  /**
   * Some readings of an online device went stale: their source has not delivered within its
   * timeout (a CAN message stopped arriving, the bus is in error). Their next reading makes them
   * current again. The default ignores it.
   *
   * @param keys the reading keys that went stale
   * @param time when they were found stale
   * @param detail why, for the log
   */
  default void onStale(String device, List<String> keys, Instant time, String detail) {}
}
