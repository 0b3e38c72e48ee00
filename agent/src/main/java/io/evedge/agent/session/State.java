package io.evedge.agent.session;

/**
 * Where a charge session stands. The lifecycle is UNPLUGGED → PLUGGED → CHARGING ⇄ PAUSED →
 * FINISHED → UNPLUGGED; a record is made on the way from FINISHED to UNPLUGGED.
 */
enum State {
  /** No session: nothing plugged in (or, meter only, no power). */
  UNPLUGGED,
  /** Plugged in, no energy yet (meter only: power seen, waiting for it to last meter_start_s). */
  PLUGGED,
  /** Energy flowing. */
  CHARGING,
  /** Plugged in, energy flowed before and has stopped (vehicle full, paused, timer). */
  PAUSED,
  /** Unplugged (or, meter only, power stayed down), waiting out the replug debounce. */
  FINISHED
}
