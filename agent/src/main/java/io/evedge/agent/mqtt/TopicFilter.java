package io.evedge.agent.mqtt;

/** MQTT topic filter matching ({@code +} one level, {@code #} the rest), as a broker does it. */
public final class TopicFilter {

  private TopicFilter() {}

  /** Whether {@code topic} (no wildcards) matches {@code filter}. */
  public static boolean matches(String filter, String topic) {
    int f = 0;
    int t = 0;
    int fl = filter.length();
    int tl = topic.length();
    if (tl > 0 && topic.charAt(0) == '$' && fl > 0 && (filter.charAt(0) == '+' || filter.charAt(0) == '#')) {
      return false; // $SYS and friends do not match leading wildcards
    }
    while (f < fl) {
      char c = filter.charAt(f);
      if (c == '#') {
        return true;
      }
      if (c == '+') {
        while (t < tl && topic.charAt(t) != '/') {
          t++;
        }
        f++;
      } else {
        if (t >= tl || topic.charAt(t) != c) {
          // "a/#" also matches "a"
          return t >= tl && filter.startsWith("/#", f);
        }
        f++;
        t++;
      }
    }
    return t == tl;
  }

  /** Whether {@code topic} is a valid topic to publish to: not empty, no wildcard, no NUL. */
  public static boolean isPublishable(String topic) {
    if (topic == null || topic.isEmpty() || topic.length() > 65_535) {
      return false;
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (c == '+' || c == '#' || c == 0) {
        return false;
      }
    }
    return true;
  }
}
