package io.evedge.agent.session;

/** What moves a session from one {@link State} to the next. */
enum Event {
  /** The plug went in (EVSE state B, C or D; vehicle cable connected). */
  PLUG_IN,
  /** Meter only: power rose above the threshold; confirmed after meter_start_s. */
  POWER_SEEN,
  /** Meter only: power stayed up for meter_start_s. */
  START_CONFIRMED,
  /** Meter only: power fell before meter_start_s had passed: no session. */
  START_ABANDONED,
  /** Energy started flowing. */
  CHARGE_START,
  /** Energy stopped flowing, still plugged in. */
  CHARGE_STOP,
  /** The plug came out (EVSE state A; vehicle cable disconnected). */
  UNPLUG,
  /** The plug went back in within the debounce time: the same session goes on. */
  REPLUG,
  /** The unplug lasted the debounce time (meter only: power stayed down meter_end_s). */
  END_CONFIRMED,
  /** The session is written as a record. */
  CLOSE,
  /** The agent restarted inside the session and found it in the journal. */
  RECOVERED
}
