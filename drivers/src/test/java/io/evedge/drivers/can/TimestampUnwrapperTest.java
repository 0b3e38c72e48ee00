package io.evedge.drivers.can;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TimestampUnwrapperTest {

  @Test
  void unwrapsAcrossSeveralMinutes() {
    TimestampUnwrapper u = new TimestampUnwrapper();

    assertEquals(59_990, u.unwrap(59_990));
    assertEquals(59_999, u.unwrap(0xEA5F));
    assertEquals(60_000, u.unwrap(0));
    assertEquals(60_005, u.unwrap(5));
    assertEquals(90_000, u.unwrap(30_000));
    assertEquals(90_000, u.unwrap(30_000));
    // 59000 -> 100 crosses the wrap: 1000 ms to 0, then 100
    assertEquals(119_000, u.unwrap(59_000));
    assertEquals(120_100, u.unwrap(100));
  }

  @Test
  void resetStartsAgainFromTheNextTimestamp() {
    TimestampUnwrapper u = new TimestampUnwrapper();
    u.unwrap(50_000);
    u.unwrap(10);

    u.reset();

    assertEquals(7, u.unwrap(7));
  }

  @Test
  void rejectsValuesOutsideTheCounterRange() {
    TimestampUnwrapper u = new TimestampUnwrapper();
    assertThrows(IllegalArgumentException.class, () -> u.unwrap(60_000));
    assertThrows(IllegalArgumentException.class, () -> u.unwrap(-1));
  }
}
