package io.evedge.agent.session;

import com.google.protobuf.Message;
import io.evedge.agent.config.ConfigLoader;
import io.evedge.proto.AgentConfig;
import io.evedge.proto.DeviceProfile;
import io.evedge.proto.ModbusDeviceConfig;
import io.evedge.proto.PointSpec;
import io.evedge.proto.RecordStoreConfig;
import io.evedge.proto.SessionConfig;
import io.evedge.proto.SessionDetection;
import io.evedge.proto.VehicleConfig;
import io.evedge.yaml.ConfigException;
import io.evedge.yaml.ProtoYaml;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The session and record settings of a configuration with every default filled in (the schema
 * fills defaults only inside sections that are present), and which device feeds which input.
 *
 * @param session detection thresholds, journal interval, ring size
 * @param vehicle battery capacity for energy from state of charge
 * @param records retention of the record store
 * @param zone time zone of record dates, daily totals and tariff windows
 * @param sources the detection mode resolved and the devices it reads
 * @param stateDir where the journal ({@code session/}) and the records ({@code records/}) live
 */
public record SessionSettings(SessionConfig session, VehicleConfig vehicle, RecordStoreConfig records,
    ZoneId zone, Sources sources, Path stateDir) {

  /** Reading key of an EVSE's IEC 61851 state ("A".."F"). */
  public static final String CP_STATE = "cp_state";
  /** Reading key of a meter's import register (kWh). */
  public static final String ENERGY_IMPORT = "energy_import";

  /** Keys only the chosen meter may feed (a second device with a meter of its own is ignored). */
  static final Set<String> METER_KEYS = Set.of("voltage_l1", "voltage_l2", "voltage_l3", "current_l1",
      "current_l2", "current_l3", "power_l1", "power_l2", "power_l3", "power_total", ENERGY_IMPORT);

  /**
   * The detection mode and its devices.
   *
   * @param mode never AUTO
   * @param evseDevice the device whose {@code cp_state} is read, or null
   * @param meterDevice the device whose power and register are read, or null (any device then)
   */
  public record Sources(SessionDetection mode, String evseDevice, String meterDevice) {

    /** Whether {@code key} from {@code device} is an input of the recorder. */
    boolean accepts(String device, String key) {
      if (CP_STATE.equals(key)) {
        return evseDevice == null || evseDevice.equals(device);
      }
      if (METER_KEYS.contains(key)) {
        return meterDevice == null || meterDevice.equals(device);
      }
      return true;
    }

    /** One line for {@code check-config}. */
    public String describe() {
      return switch (mode) {
        case SESSION_DETECTION_EVSE -> "EVSE state (cp_state of " + evseDevice + ")"
            + (meterDevice == null ? "" : ", power and energy of " + meterDevice);
        case SESSION_DETECTION_METER -> "meter power of " + meterDevice;
        case SESSION_DETECTION_VEHICLE -> "vehicle signals (charge-ischargingcableconnected, charge-ischarging)"
            + (meterDevice == null ? "" : ", power and energy of " + meterDevice);
        default -> "off";
      };
    }
  }

  /** The settings of a loaded configuration. */
  public static SessionSettings of(ConfigLoader.Loaded loaded) {
    AgentConfig c = loaded.config();
    String evse = null;
    String meter = null;
    String powerOnly = null;
    for (ModbusDeviceConfig d : c.getModbusList()) {
      DeviceProfile p = loaded.profiles().get(d.getName());
      if (p == null) {
        continue;
      }
      Set<String> keys = p.getPointsList().stream().map(PointSpec::getKey).collect(Collectors.toSet());
      if (evse == null && keys.contains(CP_STATE)) {
        evse = d.getName();
      }
      boolean power = keys.contains("power_total") || keys.contains("power_l1");
      if (meter == null && keys.contains(ENERGY_IMPORT)) {
        meter = d.getName();
      }
      if (powerOnly == null && power) {
        powerOnly = d.getName();
      }
    }
    if (meter == null) {
      meter = powerOnly;
    }
    SessionConfig session = withDefaults(c.getSession());
    SessionDetection mode = session.getDetection();
    if (mode == SessionDetection.SESSION_DETECTION_AUTO || mode == SessionDetection.SESSION_DETECTION_UNSPECIFIED) {
      mode = evse != null ? SessionDetection.SESSION_DETECTION_EVSE
          : meter != null ? SessionDetection.SESSION_DETECTION_METER
          : SessionDetection.SESSION_DETECTION_VEHICLE;
    }
    return new SessionSettings(session, withDefaults(c.getVehicle()), withDefaults(c.getRecords()),
        zone(c), new Sources(mode, evse, meter), Path.of(c.getStateDir()));
  }

  /** The configured time zone (checked by {@link #problems}). */
  public static ZoneId zone(AgentConfig c) {
    return c.getTimezone().isEmpty() ? ZoneId.of("UTC") : ZoneId.of(c.getTimezone());
  }

  /** {@code message} with the schema's defaults filled in where it leaves them out. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M withDefaults(M message) {
    Message.Builder b = message.toBuilder();
    try {
      ProtoYaml.applyDefaults(b, "defaults");
    } catch (ConfigException e) {
      throw new IllegalStateException("a default in the schema does not parse: " + e.getMessage(), e);
    }
    return (M) b.build();
  }

  /** What the schema alone cannot check in the session and record settings. */
  public static List<ConfigException.Problem> problems(AgentConfig c, String source) {
    List<ConfigException.Problem> out = new ArrayList<>();
    if (!c.getTimezone().isEmpty()) {
      try {
        ZoneId.of(c.getTimezone());
      } catch (DateTimeException e) {
        out.add(new ConfigException.Problem(source, "timezone", 0,
            "expected an IANA time zone such as Europe/Berlin or UTC, got '" + c.getTimezone() + "'"));
      }
    }
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < c.getPlacesCount(); i++) {
      String label = c.getPlaces(i).getLabel();
      if (labels.contains(label)) {
        out.add(new ConfigException.Problem(source, "places[" + i + "].label", 0,
            "duplicate place label '" + label + "'; each place needs its own label"));
      }
      labels.add(label);
    }
    return out;
  }
}
