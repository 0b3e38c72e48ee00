package io.evedge.simulator.scenario;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as scenario files write them: {@code 90s}, {@code 15m}, {@code 2h30m}, {@code 1h5m30.5s}, or ISO-8601. */
public final class Durations {

  private static final Pattern SHORT = Pattern.compile(
      "(?:(\\d+(?:\\.\\d+)?)h)?(?:(\\d+(?:\\.\\d+)?)m(?!s))?(?:(\\d+(?:\\.\\d+)?)s)?(?:(\\d+)ms)?");

  private Durations() {}

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming what was expected. */
  public static Duration parse(String text) {
    String t = text.trim();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        return Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 15m, 2h30m or PT2H");
      }
    }
    Matcher m = SHORT.matcher(t);
    if (t.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 15m, 2h30m or PT2H");
    }
    double seconds = 0;
    seconds += m.group(1) == null ? 0 : Double.parseDouble(m.group(1)) * 3600;
    seconds += m.group(2) == null ? 0 : Double.parseDouble(m.group(2)) * 60;
    seconds += m.group(3) == null ? 0 : Double.parseDouble(m.group(3));
    long nanos = Math.round(seconds * 1e9);
    if (m.group(4) != null) {
      nanos += Long.parseLong(m.group(4)) * 1_000_000L;
    }
    return Duration.ofNanos(nanos);
  }
}
