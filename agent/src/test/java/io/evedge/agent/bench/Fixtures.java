package io.evedge.agent.bench;

import io.evedge.agent.record.ClosedSession;
import io.evedge.agent.record.RecordBuilder;
import io.evedge.agent.record.Tariff;
import io.evedge.proto.CurvePoint;
import io.evedge.proto.EnergySource;
import io.evedge.proto.LocationConfig;
import io.evedge.proto.PlaceConfig;
import io.evedge.proto.TariffConfig;
import io.evedge.proto.TariffWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Fixed inputs shared by the agent benchmarks: a home charge point and one night's session. */
final class Fixtures {

  static final ZoneId ZONE = ZoneId.of("Europe/London");
  static final Instant PLUGGED_IN = Instant.parse("2026-11-23T18:02:11Z");

  private Fixtures() {}

  /** A home charge point with coordinates, two places (home matches) and a time-of-use tariff. */
  static RecordBuilder recordBuilder() {
    LocationConfig location = LocationConfig.newBuilder().setName("Home").setAddress("123 Park Lane, London")
        .setLatitude(51.5014).setLongitude(-0.1419).setIsHome(true).build();
    List<PlaceConfig> places = List.of(
        PlaceConfig.newBuilder().setLabel("home").setLatitude(51.50142).setLongitude(-0.14188).setRadiusM(150)
            .setHome(true).build(),
        PlaceConfig.newBuilder().setLabel("office").setLatitude(51.5155).setLongitude(-0.0922).build());
    TariffConfig tariff = TariffConfig.newBuilder().setCurrency("GBP").setEnergyPricePerKwh(0.30)
        .addWindows(TariffWindow.newBuilder().setStart("23:30").setEnd("05:30").setPricePerKwh(0.07))
        .setSessionFee(0.50).setIdleFeePerMinute(0.05).setIdleGraceMinutes(60).build();
    return new RecordBuilder("cp-garage-01", location, true, places, Tariff.of(tariff, true, ZONE));
  }

  /**
   * An evening-to-morning 11 kW AC session as the recorder closes it: 65 kWh from the import
   * register, the curve at its full 100 points with state of charge.
   */
  static ClosedSession closedSession() {
    Instant start = PLUGGED_IN.plusSeconds(40);
    Instant end = start.plus(Duration.ofMinutes(354));
    List<CurvePoint> curve = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Instant t = start.plusSeconds(i * 354 * 60 / 100);
      double kw = i < 90 ? 11.04 - (i % 7) * 0.013 : 11.04 * (100 - i) / 10.0;
      curve.add(CurvePoint.newBuilder().setTime(RecordBuilder.timestamp(t)).setPower(Math.round(kw * 1000) / 1000.0)
          .setStateOfCharge(22 + i * 0.68).build());
    }
    return new ClosedSession("cp-garage-01-000042-7f3a9c", 42, PLUGGED_IN, end.plus(Duration.ofMinutes(95)), start,
        end, 65.187354, EnergySource.METER, 7.2519981, 1234.5, 1299.687354, 22.0, 89.3, 95.0, 372.5, 11.048,
        11.071, 3, false, "EVDisconnected", false, false, 0, Duration.ofMinutes(95), curve);
  }
}
