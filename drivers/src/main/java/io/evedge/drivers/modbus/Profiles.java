package io.evedge.drivers.modbus;

import io.evedge.proto.DeviceProfile;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import io.evedge.yaml.Shipped;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Device profiles by name (shipped in the jar under {@code profiles/<name>.yaml}) or by file path.
 */
public final class Profiles {

  /** The profiles shipped in the jar, by the names configs use. */
  public static final List<String> SHIPPED = List.of(
      "eastron-sdm630", "eastron-sdm120", "eastron-sdm72d", "abb-b23", "phoenix-charx", "evedge-sim-evse");

  private static final Shipped FILES = new Shipped(Profiles.class, "profiles", SHIPPED);

  private Profiles() {}

  /** Whether {@code ref} names a profile file rather than a shipped profile. */
  public static boolean isPath(String ref) {
    return Shipped.isPath(ref, "yaml", "yml");
  }

  /** Loads and checks a profile given by shipped name or path. */
  public static DeviceProfile load(String ref) throws ConfigException {
    if (isPath(ref)) {
      DeviceProfile p = ProtoYaml.read(Path.of(ref), DeviceProfile.newBuilder()).build();
      check(ref, p);
      return p;
    }
    DeviceProfile p = FILES.readYaml(ref, DeviceProfile.newBuilder(), "profile", "a profile file").build();
    check(FILES.resource(ref, "yaml"), p);
    return p;
  }

  /** Shipped profiles actually present in the jar. */
  public static List<String> available() {
    return FILES.available("yaml");
  }

  /** The compiled points of a profile. */
  public static List<Point> points(DeviceProfile profile) {
    return profile.getPointsList().stream().map(Point::of).toList();
  }

  /** The read plan of a profile. */
  public static List<ReadBlock> plan(DeviceProfile profile) {
    return BlockPlanner.plan(points(profile), profile.getDefaults().getMaxRegistersPerRead(),
        profile.getDefaults().getMaxGapRegisters());
  }

  private static void check(String source, DeviceProfile p) throws ConfigException {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < p.getPointsCount(); i++) {
      var point = p.getPoints(i);
      String path = "points[" + i + "]";
      if (!keys.add(point.getKey())) {
        throw new ConfigException(source, path + ".key", 0, "duplicate key '" + point.getKey() + "'");
      }
      boolean bits = point.getFunctionValue() <= 2;
      if (bits && point.getType() != io.evedge.proto.DataType.BOOL) {
        throw new ConfigException(source, path + ".type", 0,
            "coils and discrete inputs are single bits: expected type BOOL, got " + point.getType());
      }
      if (Point.of(point).end() > 65536) {
        throw new ConfigException(source, path + ".address", 0, "the value runs past register 65535");
      }
      for (String nv : point.getNoValueList()) {
        String hex = nv.replace(" ", "").replaceFirst("^0x", "");
        if (!hex.matches("([0-9A-Fa-f]{4})+")) {
          throw new ConfigException(source, path + ".no_value", 0,
              "expected whole registers in hex such as FFFF or FFFFFFFF, got '" + nv + "'");
        }
      }
    }
  }

}
