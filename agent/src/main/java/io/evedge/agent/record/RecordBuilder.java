package io.evedge.agent.record;

import com.google.protobuf.Timestamp;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.LocationConfig;
import io.evedge.proto.PlaceConfig;
import io.evedge.proto.RecordCost;
import io.evedge.proto.RecordLocation;
import io.evedge.proto.RecordRange;
import java.time.Instant;
import java.util.List;

/**
 * Turns a {@link ClosedSession} into the {@link ChargeRecord} published and stored: adds the device,
 * the configured location (name only when privacy is on), the places it matches, AC/DC, whether it
 * is public and at home, and the cost (energy priced where it flowed, plus session and idle fees).
 */
public final class RecordBuilder {

  private final String deviceId;
  private final LocationConfig location;
  private final boolean hasLocation;
  private final List<PlaceConfig> places;
  private final Tariff tariff;

  /**
   * @param hasLocation whether the configuration has a {@code location}
   */
  public RecordBuilder(String deviceId, LocationConfig location, boolean hasLocation, List<PlaceConfig> places,
      Tariff tariff) {
    this.deviceId = deviceId;
    this.location = location;
    this.hasLocation = hasLocation;
    this.places = List.copyOf(places);
    this.tariff = tariff;
  }

  public ChargeRecord build(ClosedSession s) {
    ChargeRecord.Builder r = ChargeRecord.newBuilder()
        .setId(s.id())
        .setSequence(s.sequence())
        .setDeviceId(deviceId)
        .setEnergyAdded(round(s.energyKWh(), 6))
        .setEnergySource(s.source())
        .setAveragePower(round(s.averagePowerKw(), 3))
        .setMaxPower(round(s.maxPowerKw(), 3))
        .setStopReason(s.stopReason())
        .setInterrupted(s.interrupted())
        .setTimeUncertain(s.timeUncertain())
        .setMeterAnomalies(s.meterAnomalies())
        .addAllCurve(s.curve());
    setTime(s.start(), r::setStartTime);
    setTime(s.end(), r::setEndTime);
    setTime(s.pluggedIn(), r::setPluggedInTime);
    setTime(s.unplugged(), r::setUnpluggedTime);
    if (s.startSoc() != null) {
      r.setStartStateOfCharge(round(s.startSoc(), 2));
    }
    if (s.endSoc() != null) {
      r.setEndStateOfCharge(round(s.endSoc(), 2));
    }
    if (s.meterStart() != null) {
      r.setMeterStart(s.meterStart());
    }
    if (s.meterStop() != null) {
      r.setMeterStop(s.meterStop());
    }
    if (s.startRange() != null || s.endRange() != null) {
      RecordRange.Builder range = RecordRange.newBuilder();
      if (s.startRange() != null) {
        range.setStart(round(s.startRange(), 1));
      }
      if (s.endRange() != null) {
        range.setEnd(round(s.endRange(), 1));
      }
      r.setRange(range);
    }
    boolean dc = "DC".equals(location.getChargingType()) || s.dc();
    r.setChargingType(dc ? "DC" : "AC");
    r.setPhases(dc ? 0 : s.phases());
    r.setIsPublicCharger(location.getIsPublic());
    boolean home = location.getIsHome();
    if (hasLocation) {
      RecordLocation.Builder l = RecordLocation.newBuilder().setName(location.getName());
      if (!location.getPrivacy()) {
        l.setAddress(location.getAddress());
        if (location.hasLatitude() && location.hasLongitude()) {
          l.setLatitude(location.getLatitude()).setLongitude(location.getLongitude());
        }
      }
      r.setLocation(l);
      if (location.hasLatitude() && location.hasLongitude()) {
        for (Places.Match m : Places.match(location.getLatitude(), location.getLongitude(), places)) {
          r.addLocationMatches(m.match());
          home |= m.place().getHome();
        }
      }
    }
    r.setAtHome(home);
    if (tariff.present()) {
      double other = tariff.idleFee(s.idle()) + (s.energyKWh() > 0 ? tariff.sessionFee() : 0);
      r.setCost(RecordCost.newBuilder().setCurrency(tariff.currency())
          .setEnergyAmount(tariff.round(s.energyCost()))
          .setOtherAmount(tariff.round(other)));
    }
    return r.build();
  }

  private static void setTime(Instant t, java.util.function.Consumer<Timestamp> setter) {
    if (t != null) {
      setter.accept(timestamp(t));
    }
  }

  /** A proto timestamp of {@code t}. */
  public static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** The instant of a proto timestamp. */
  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
