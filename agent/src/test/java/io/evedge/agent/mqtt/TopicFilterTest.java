package io.evedge.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Topic filter matching as MQTT v5 section 4.7 describes it. */
class TopicFilterTest {

  @Test
  void wildcards() {
    assertTrue(TopicFilter.matches("evedge/cp-1/req/#", "evedge/cp-1/req/charge-records"));
    assertTrue(TopicFilter.matches("evedge/cp-1/req/#", "evedge/cp-1/req/signals/charge-voltage"));
    assertTrue(TopicFilter.matches("evedge/cp-1/req/#", "evedge/cp-1/req"), "# also matches the parent level");
    assertFalse(TopicFilter.matches("evedge/cp-1/req/#", "evedge/cp-2/req/charge-records"));
    assertTrue(TopicFilter.matches("evedge/+/status", "evedge/cp-1/status"));
    assertFalse(TopicFilter.matches("evedge/+/status", "evedge/cp-1/x/status"));
    assertTrue(TopicFilter.matches("a/+", "a/"), "+ matches an empty level");
    assertFalse(TopicFilter.matches("#", "$SYS/broker"), "$ topics do not match a leading wildcard");
    assertFalse(TopicFilter.matches("a/b", "a/bc"));
  }

  @Test
  void publishableTopics() {
    assertTrue(TopicFilter.isPublishable("backend/replies/1"));
    assertFalse(TopicFilter.isPublishable("backend/+/1"));
    assertFalse(TopicFilter.isPublishable("backend/#"));
    assertFalse(TopicFilter.isPublishable(""));
    assertFalse(TopicFilter.isPublishable("a\u0000b"));
  }
}
