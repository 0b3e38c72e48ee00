package io.evedge.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.proto.TariffConfig;
import io.evedge.proto.TariffWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Prices by local time of day: window boundaries, midnight, days of the week, DST, fees, rounding. */
class TariffTest {

  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static TariffWindow window(String start, String end, double price, String... days) {
    return TariffWindow.newBuilder().setStart(start).setEnd(end).setPricePerKwh(price)
        .addAllDays(java.util.List.of(days)).build();
  }

  private static Tariff tariff(ZoneId zone, TariffWindow... windows) {
    return Tariff.of(TariffConfig.newBuilder().setCurrency("EUR").setEnergyPricePerKwh(0.30)
        .addAllWindows(java.util.List.of(windows)).build(), true, zone);
  }

  private static long ms(String local, ZoneId zone) {
    return LocalDateTime.parse(local).atZone(zone).toInstant().toEpochMilli();
  }

  @Test
  void flatPrice() {
    Tariff t = tariff(UTC);
    assertEquals(3.0, t.energyCost(ms("2026-11-23T10:00", UTC), ms("2026-11-23T12:00", UTC), 10), 1e-12);
    assertEquals(0.30, t.price(Instant.parse("2026-11-23T03:00:00Z")));
  }

  @Test
  void anIntervalCrossingAWindowBoundaryIsSplitInProportionToTime() {
    Tariff t = tariff(UTC, window("00:00", "07:00", 0.10), window("17:00", "21:00", 0.45));
    assertEquals(0.10 + 0.30, t.energyCost(ms("2026-11-23T06:00", UTC), ms("2026-11-23T08:00", UTC), 2), 1e-12);
    assertEquals(0.30 * 0.5 + 0.45 * 4 + 0.30 * 0.5,
        t.energyCost(ms("2026-11-23T16:30", UTC), ms("2026-11-23T21:30", UTC), 5), 1e-12);
    // a one-second interval on each side of 07:00
    assertEquals(0.10, t.energyCost(ms("2026-11-23T06:59:59", UTC), ms("2026-11-23T07:00", UTC), 1), 1e-12);
    assertEquals(0.30, t.energyCost(ms("2026-11-23T07:00", UTC), ms("2026-11-23T07:00:01", UTC), 1), 1e-12);
    assertEquals(0.10, t.price(Instant.parse("2026-11-23T06:59:59.999Z")));
    assertEquals(0.30, t.price(Instant.parse("2026-11-23T07:00:00Z")), "a window's end is exclusive");
  }

  @Test
  void aWindowThroughMidnightEndsTheNextDay() {
    Tariff t = tariff(UTC, window("22:00", "06:00", 0.12));
    assertEquals(0.30 + 0.12, t.energyCost(ms("2026-11-23T21:00", UTC), ms("2026-11-23T23:00", UTC), 2), 1e-12);
    assertEquals(0.12, t.price(Instant.parse("2026-11-24T05:59:00Z")));
    assertEquals(0.30, t.price(Instant.parse("2026-11-24T06:00:00Z")));
    assertEquals(0.12 * 8, t.energyCost(ms("2026-11-23T22:00", UTC), ms("2026-11-24T06:00", UTC), 8), 1e-12);
  }

  @Test
  void daysOfTheWeekAndWholeDays() {
    // 2026-11-28 is a Saturday
    Tariff t = tariff(UTC, window("00:00", "24:00", 0.20, "sat", "SUN"), window("08:00", "08:00", 0.50, "mon"));
    assertEquals(0.30, t.price(Instant.parse("2026-11-27T23:59:00Z")));
    assertEquals(0.20, t.price(Instant.parse("2026-11-28T00:00:00Z")));
    assertEquals(0.20, t.price(Instant.parse("2026-11-29T23:59:59Z")));
    assertEquals(0.50, t.price(Instant.parse("2026-11-30T08:00:00Z")), "start = end: 24 hours from Monday 08:00");
    assertEquals(0.50, t.price(Instant.parse("2026-12-01T07:59:00Z")));
    assertEquals(0.30, t.price(Instant.parse("2026-12-01T08:00:00Z")));
    assertEquals(0.30 + 0.20, t.energyCost(ms("2026-11-27T23:00", UTC), ms("2026-11-28T01:00", UTC), 2), 1e-12);
  }

  @Test
  void windowsFollowLocalTimeThroughDaylightSaving() {
    // Europe/Berlin springs forward at 02:00 on 2026-03-29: 01:00-04:00 local lasts two hours that day
    Tariff t = tariff(BERLIN, window("01:00", "04:00", 0.10));
    long from = ms("2026-03-29T00:00", BERLIN);
    long to = ms("2026-03-29T05:00", BERLIN);
    assertEquals(Duration.ofHours(4).toMillis(), to - from);
    assertEquals(0.30 + 2 * 0.10 + 0.30, t.energyCost(from, to, 4), 1e-12);
  }

  @Test
  void overlappingWindowsTheFirstListedWins() {
    Tariff t = tariff(UTC, window("10:00", "12:00", 0.05), window("11:00", "13:00", 0.50));
    assertEquals(0.05, t.price(Instant.parse("2026-11-23T11:30:00Z")));
    assertEquals(0.50, t.price(Instant.parse("2026-11-23T12:30:00Z")));
  }

  @Test
  void feesAndRounding() {
    Tariff t = Tariff.of(TariffConfig.newBuilder().setCurrency("EUR").setEnergyPricePerKwh(0.3)
        .setSessionFee(1.5).setIdleFeePerMinute(0.10).setIdleGraceMinutes(30).setDecimals(2).build(), true, UTC);
    assertEquals(1.5, t.sessionFee());
    assertEquals(0, t.idleFee(Duration.ofMinutes(30)));
    assertEquals(1.5, t.idleFee(Duration.ofMinutes(45).plusSeconds(59)), 1e-12, "whole minutes beyond the grace");
    assertEquals(12.35, t.round(12.345));
    assertEquals(0, Tariff.none(UTC).energyCost(0, 3_600_000, 10));
    Tariff yen = Tariff.of(TariffConfig.newBuilder().setCurrency("JPY").setEnergyPricePerKwh(31).setDecimals(0)
        .build(), true, UTC);
    assertEquals(340, yen.round(yen.energyCost(0, 3_600_000, 10.97)));
  }
}
