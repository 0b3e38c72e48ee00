package io.evedge.agent.record;

import io.evedge.proto.LocationMatch;
import io.evedge.proto.PlaceConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Matches a position against configured named places. A place matches within its radius; the
 * match's accuracy runs from 1 at the place's point to 0.5 at the edge of its radius, the nearest
 * place first.
 */
public final class Places {

  private static final double EARTH_RADIUS_M = 6_371_008.8;

  private Places() {}

  /** Great-circle distance in metres (haversine). */
  public static double distanceM(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double dp = p2 - p1;
    double dl = Math.toRadians(lon2 - lon1);
    double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  /** The places within their radius of ({@code lat}, {@code lon}), nearest first. */
  public static List<Match> match(double lat, double lon, List<PlaceConfig> places) {
    List<Match> out = new ArrayList<>();
    for (PlaceConfig p : places) {
      double d = distanceM(lat, lon, p.getLatitude(), p.getLongitude());
      double radius = p.hasRadiusM() ? p.getRadiusM() : 100;
      if (d <= radius) {
        double accuracy = Math.round((1 - 0.5 * d / radius) * 1000) / 1000.0;
        out.add(new Match(p, LocationMatch.newBuilder().setLabel(p.getLabel()).setAccuracy(accuracy)
            .setDistanceM(Math.round(d * 10) / 10.0).build()));
      }
    }
    out.sort(Comparator.comparingDouble(m -> m.match().getDistanceM()));
    return out;
  }

  /** A matched place and the record's view of the match. */
  public record Match(PlaceConfig place, LocationMatch match) {}
}
