package io.evedge.agent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The example body of every signal as {@code reference/charge-signals.md} shows it (the two
 * tractionbattery signals as the design gives them), and a check that a published body has the same
 * shape: the same keys with the same JSON types, recursively, plus {@code timestamp} and
 * {@code quality}. A list item must match the shape of one of the reference's items, with no key the
 * reference does not have (a record without state of charge leaves those keys out).
 */
public final class ReferenceShapes {

  private static final Map<String, String> EXAMPLES = build();

  private ReferenceShapes() {}

  private static Map<String, String> build() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("charge-amperage",
        "{\"value\":33,\"unit\":\"ampere\"}");
    m.put("charge-amperagemax",
        "{\"value\":48,\"unit\":\"ampere\"}");
    m.put("charge-amperagerequested",
        "{\"value\":48,\"unit\":\"ampere\"}");
    m.put("charge-chargelimits",
        "{\"activeLimit\":80,\"values\":[{\"type\":\"GLOBAL\",\"limit\":80},{\"type\":\"LOCATION\",\"condition\":{\"name\":\"Home\",\"address\":\"123 2nd street\",\"latitude\":90,\"longitude\":90},\"limit\":72},{\"type\":\"CHARGING_TYPE\",\"condition\":{\"chargingType\":\"AC\"},\"limit\":52}],\"unit\":\"percent\"}");
    m.put("charge-chargeportstatuscolor",
        "{\"value\":\"Green\"}");
    m.put("charge-chargerate",
        "{\"value\":48,\"unit\":\"km/h\"}");
    m.put("charge-chargerecords",
        "{\"values\":[{\"startTime\":\"2023-10-15T19:30:00.000Z\",\"endTime\":\"2023-10-16T06:45:00.000Z\",\"startStateOfCharge\":25,\"endStateOfCharge\":90,\"energyAdded\":65.2,\"isPublicCharger\":false,\"chargingType\":\"DC\",\"cost\":{\"currency\":\"GBP\",\"energyAmount\":12.56,\"otherAmount\":0},\"location\":{\"latitude\":51.5014,\"longitude\":-0.1419,\"name\":\"Home\",\"address\":\"123 Park Lane, London SW1A 1AA\"},\"id\":\"CHG-20231015-A39B\"}]}");
    m.put("charge-chargerphases",
        "{\"value\":3}");
    m.put("charge-chargetimers",
        "{\"values\":[{\"type\":\"GLOBAL\",\"isOEMOptimizationEnabled\":true,\"schedules\":[{\"days\":[\"MONDAY\",\"TUESDAY\",\"WEDNESDAY\",\"THURSDAY\",\"FRIDAY\"],\"start\":\"23:00:00\",\"end\":\"07:00:00\"}],\"departureTimers\":[{\"days\":[\"MONDAY\",\"TUESDAY\",\"WEDNESDAY\",\"THURSDAY\",\"FRIDAY\"],\"time\":\"08:30:00\"}]},{\"type\":\"LOCATION\",\"condition\":{\"latitude\":51.5014,\"longitude\":-0.1419,\"name\":\"Home\",\"address\":\"123 Main St, London\"},\"isOEMOptimizationEnabled\":true,\"schedules\":[{\"days\":[\"MONDAY\",\"TUESDAY\",\"WEDNESDAY\",\"THURSDAY\",\"FRIDAY\"],\"start\":\"22:00:00\",\"end\":\"06:00:00\"}],\"departureTimers\":[{\"days\":[\"MONDAY\",\"TUESDAY\",\"WEDNESDAY\",\"THURSDAY\",\"FRIDAY\"],\"time\":\"08:00:00\"}],\"scheduleId\":\"f47ac10b-58cc-4372-a567-0e02b2c3d479\",\"scheduleType\":\"DAILY\"},{\"type\":\"CHARGING_TYPE\",\"condition\":{\"chargingType\":\"DC\"},\"isOEMOptimizationEnabled\":true,\"schedules\":[{\"days\":[\"MONDAY\",\"TUESDAY\",\"WEDNESDAY\",\"THURSDAY\",\"FRIDAY\"],\"start\":\"22:00:00\",\"end\":\"06:00:00\"}],\"departureTimers\":[{\"days\":[\"MONDAY\",\"TUESDAY\"],\"time\":\"08:00:00\"}]}]}");
    m.put("charge-chargingconnectortype",
        "{\"value\":\"J1772\"}");
    m.put("charge-detailedchargingstatus",
        "{\"value\":\"CHARGING\"}");
    m.put("charge-energyadded",
        "{\"value\":35.6,\"unit\":\"kWh\"}");
    m.put("charge-fastchargertype",
        "{\"value\":\"CCS\"}");
    m.put("charge-ischarging",
        "{\"value\":true}");
    m.put("charge-ischargingcableconnected",
        "{\"value\":true}");
    m.put("charge-ischargingcablelatched",
        "{\"value\":true}");
    m.put("charge-ischargingportflapopen",
        "{\"value\":true}");
    m.put("charge-isfastchargerpresent",
        "{\"value\":false}");
    m.put("charge-timetocomplete",
        "{\"value\":100,\"unit\":\"min\"}");
    m.put("charge-voltage",
        "{\"value\":240,\"unit\":\"volts\"}");
    m.put("charge-wattage",
        "{\"value\":10.7,\"unit\":\"watts\"}");
    m.put("tractionbattery-stateofcharge",
        "{\"value\":80,\"unit\":\"percent\"}");
    m.put("tractionbattery-range",
        "{\"value\":250,\"unit\":\"km\"}");
    return Collections.unmodifiableMap(m);
  }

  /** Signal name to its reference example body. */
  public static Map<String, String> examples() {
    return EXAMPLES;
  }

  /** {@code json} parsed into a Struct, for comparisons that ignore key order and number form. */
  public static Struct parse(String json) {
    try {
      Struct.Builder b = Struct.newBuilder();
      JsonFormat.parser().merge(json, b);
      return b.build();
    } catch (Exception e) {
      throw new AssertionError("not a JSON object: " + json, e);
    }
  }

  /**
   * {@code json} (a published body) parsed as the JSON of {@code type}'s message; fails with the
   * text if it is not one.
   */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M parse(String json, M type) {
    try {
      Message.Builder b = type.newBuilderForType();
      JsonFormat.parser().merge(json, b);
      return (M) b.build();
    } catch (Exception e) {
      throw new AssertionError("not a " + type.getDescriptorForType().getName() + ": " + json, e);
    }
  }

  /** Fails unless {@code json} is a body of {@code signal} in the reference shape. */
  public static void assertShape(String signal, String json) {
    String example = EXAMPLES.get(signal);
    if (example == null) {
      fail("no reference example for " + signal);
    }
    Struct body = parse(json);
    assertTrue(body.containsFields("timestamp") && body.getFieldsOrThrow("timestamp").hasStringValue(),
        signal + ": no timestamp in " + json);
    assertTrue(body.containsFields("quality") && body.getFieldsOrThrow("quality").hasStringValue(),
        signal + ": no quality in " + json);
    Struct.Builder rest = body.toBuilder().removeFields("timestamp").removeFields("quality");
    String problem = compare(parse(example), rest.build(), signal, true);
    if (problem != null) {
      fail(problem + "\n  reference: " + example + "\n  published: " + json);
    }
  }

  private static String compare(Struct ref, Struct got, String path, boolean exactKeys) {
    Set<String> refKeys = ref.getFieldsMap().keySet();
    Set<String> gotKeys = got.getFieldsMap().keySet();
    if (exactKeys ? !refKeys.equals(gotKeys) : !refKeys.containsAll(gotKeys)) {
      Set<String> extra = new HashSet<>(gotKeys);
      extra.removeAll(refKeys);
      Set<String> missing = new HashSet<>(refKeys);
      missing.removeAll(gotKeys);
      return path + ": keys differ, extra " + extra + (exactKeys ? ", missing " + missing : "");
    }
    for (String k : gotKeys) {
      String p = compare(ref.getFieldsOrThrow(k), got.getFieldsOrThrow(k), path + "." + k);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static String compare(Value ref, Value got, String path) {
    if (ref.getKindCase() != got.getKindCase()) {
      return path + ": expected a " + ref.getKindCase() + ", got a " + got.getKindCase();
    }
    if (ref.hasStructValue()) {
      return compare(ref.getStructValue(), got.getStructValue(), path, false);
    }
    if (ref.hasListValue()) {
      ListValue refs = ref.getListValue();
      for (int i = 0; i < got.getListValue().getValuesCount(); i++) {
        Value item = got.getListValue().getValues(i);
        String last = path + "[" + i + "]: empty reference list";
        boolean matched = false;
        for (Value r : refs.getValuesList()) {
          last = compare(r, item, path + "[" + i + "]");
          if (last == null) {
            matched = true;
            break;
          }
        }
        if (!matched) {
          return last;
        }
      }
    }
    return null;
  }

  /** The reference example of {@code signal} equals {@code json} minus timestamp and quality. */
  public static void assertSameAsReference(String signal, String json) {
    Struct.Builder got = parse(json).toBuilder().removeFields("timestamp").removeFields("quality");
    assertEquals(parse(EXAMPLES.get(signal).replace(".000Z", "Z")), got.build(), signal + ": " + json);
  }
}
