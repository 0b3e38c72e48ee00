package io.evedge.drivers;

/** Whether a device answers. */
public enum DeviceState {
  /** Not yet polled. */
  UNKNOWN,
  /** Answered its last poll. */
  ONLINE,
  /** Stopped answering; its readings are unavailable until it answers again. */
  OFFLINE
}
