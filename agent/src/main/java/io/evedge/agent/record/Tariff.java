package io.evedge.agent.record;

import io.evedge.proto.TariffConfig;
import io.evedge.proto.TariffWindow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What charging costs: a price per kWh that may change with the local time of day (time-of-use
 * windows, in the agent's time zone, DST included), a fee per session and an idle fee per minute the
 * vehicle stays plugged in after charging ended. Energy is priced where it flowed: an interval that
 * crosses a window boundary is split at the boundary in proportion to time.
 *
 * <p>Not thread-safe (it caches the price segment last used); one instance per session recorder.
 */
public final class Tariff {

  private final boolean present;
  private final String currency;
  private final double basePrice;
  private final List<Window> windows;
  private final double sessionFee;
  private final double idleFeePerMinute;
  private final int idleGraceMinutes;
  private final int decimals;
  private final ZoneId zone;

  private long cacheFrom = Long.MAX_VALUE;
  private long cacheUntil = Long.MIN_VALUE;
  private double cachePrice;

  private record Window(LocalTime start, int endMinutes, boolean allDay, double price, Set<DayOfWeek> days) {}

  private Tariff(TariffConfig c, boolean present, ZoneId zone) {
    this.present = present;
    this.currency = c.getCurrency();
    this.basePrice = c.getEnergyPricePerKwh();
    this.sessionFee = c.getSessionFee();
    this.idleFeePerMinute = c.getIdleFeePerMinute();
    this.idleGraceMinutes = c.getIdleGraceMinutes();
    this.decimals = c.hasDecimals() ? c.getDecimals() : 2;
    this.zone = zone;
    List<Window> ws = new ArrayList<>();
    for (TariffWindow w : c.getWindowsList()) {
      LocalTime start = LocalTime.parse(w.getStart());
      int end = w.getEnd().equals("24:00") ? 24 * 60 : LocalTime.parse(w.getEnd()).toSecondOfDay() / 60;
      int startMin = start.toSecondOfDay() / 60;
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (String d : w.getDaysList()) {
        days.add(day(d));
      }
      if (days.isEmpty()) {
        days = EnumSet.allOf(DayOfWeek.class);
      }
      ws.add(new Window(start, end, end == startMin, w.getPricePerKwh(), days));
    }
    this.windows = List.copyOf(ws);
  }

  /** The tariff of the configuration; {@code present} is false when the config has none. */
  public static Tariff of(TariffConfig config, boolean present, ZoneId zone) {
    return new Tariff(config, present, zone);
  }

  /** No tariff: nothing costs anything and records carry no cost. */
  public static Tariff none(ZoneId zone) {
    return new Tariff(TariffConfig.getDefaultInstance(), false, zone);
  }

  static DayOfWeek day(String d) {
    return switch (d.toLowerCase(Locale.ROOT)) {
      case "mon" -> DayOfWeek.MONDAY;
      case "tue" -> DayOfWeek.TUESDAY;
      case "wed" -> DayOfWeek.WEDNESDAY;
      case "thu" -> DayOfWeek.THURSDAY;
      case "fri" -> DayOfWeek.FRIDAY;
      case "sat" -> DayOfWeek.SATURDAY;
      case "sun" -> DayOfWeek.SUNDAY;
      default -> throw new IllegalArgumentException("not a day: " + d);
    };
  }

  public boolean present() {
    return present;
  }

  /** ISO 4217 code. */
  public String currency() {
    return currency;
  }

  /** The price per kWh at {@code t}. */
  public double price(Instant t) {
    long ms = t.toEpochMilli();
    if (ms >= cacheFrom && ms < cacheUntil) {
      return cachePrice;
    }
    return segment(ms);
  }

  /**
   * The cost of {@code kWh} that flowed evenly between {@code fromMs} and {@code toMs} (epoch
   * milliseconds), split at every price change in between.
   */
  public double energyCost(long fromMs, long toMs, double kWh) {
    if (!present || kWh == 0) {
      return 0;
    }
    if (toMs <= fromMs) {
      return kWh * price(Instant.ofEpochMilli(toMs));
    }
    if (fromMs >= cacheFrom && toMs <= cacheUntil) {
      return kWh * cachePrice;
    }
    double cost = 0;
    long t = fromMs;
    double span = toMs - fromMs;
    while (t < toMs) {
      double p = segment(t);
      long next = Math.min(cacheUntil, toMs);
      cost += kWh * ((next - t) / span) * p;
      t = next;
    }
    return cost;
  }

  /** Computes and caches the constant-price segment containing {@code ms}; returns its price. */
  private double segment(long ms) {
    Instant t = Instant.ofEpochMilli(ms);
    ZonedDateTime local = t.atZone(zone);
    LocalDate date = local.toLocalDate();
    double p = basePrice;
    for (Window w : windows) {
      if (contains(w, date, t) || contains(w, date.minusDays(1), t)) {
        p = w.price;
        break;
      }
    }
    long from = Long.MIN_VALUE;
    long until = date.plusDays(2).atStartOfDay(zone).toInstant().toEpochMilli();
    for (Window w : windows) {
      for (int d = -2; d <= 1; d++) {
        LocalDate day = date.plusDays(d);
        for (long b : new long[] {open(w, day), close(w, day)}) {
          if (b > ms && b < until) {
            until = b;
          }
          if (b <= ms && b > from) {
            from = b;
          }
        }
      }
    }
    if (from == Long.MIN_VALUE) {
      from = date.minusDays(2).atStartOfDay(zone).toInstant().toEpochMilli();
    }
    cacheFrom = from;
    cacheUntil = until;
    cachePrice = p;
    return p;
  }

  private boolean contains(Window w, LocalDate day, Instant t) {
    if (!w.days.contains(day.getDayOfWeek())) {
      return false;
    }
    long ms = t.toEpochMilli();
    return ms >= open(w, day) && ms < close(w, day);
  }

  private long open(Window w, LocalDate day) {
    return ZonedDateTime.of(day, w.start, zone).toInstant().toEpochMilli();
  }

  private long close(Window w, LocalDate day) {
    int startMin = w.start.toSecondOfDay() / 60;
    LocalDate endDay = w.allDay || w.endMinutes <= startMin ? day.plusDays(1) : day;
    if (w.endMinutes == 24 * 60) {
      return endDay.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }
    LocalTime end = LocalTime.ofSecondOfDay(w.endMinutes * 60L);
    return ZonedDateTime.of(endDay, end, zone).toInstant().toEpochMilli();
  }

  /** The fee for one session that charged. */
  public double sessionFee() {
    return present ? sessionFee : 0;
  }

  /** The idle fee for {@code idle} plugged in after charging ended: whole minutes beyond the grace. */
  public double idleFee(Duration idle) {
    if (!present || idle == null || idleFeePerMinute == 0) {
      return 0;
    }
    long minutes = idle.toMinutes() - idleGraceMinutes;
    return minutes > 0 ? minutes * idleFeePerMinute : 0;
  }

  /** {@code amount} rounded half-up to the tariff's decimals. */
  public double round(double amount) {
    return BigDecimal.valueOf(amount).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }
}
