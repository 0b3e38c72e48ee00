package io.evedge.drivers;

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
}
