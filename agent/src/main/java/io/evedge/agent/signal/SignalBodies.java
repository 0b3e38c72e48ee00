package io.evedge.agent.signal;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Value;
import io.evedge.agent.contract.Payloads;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.ChargeScheduleConfig;
import io.evedge.proto.ChargeTimerConfig;
import io.evedge.proto.DepartureTimerConfig;
import io.evedge.proto.LocationConfig;
import io.evedge.proto.PayloadFormat;
import io.evedge.proto.Quality;
import io.evedge.proto.RecordCost;
import io.evedge.proto.SignalItem;
import io.evedge.proto.SignalValue;
import io.evedge.proto.json.ProtoJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * Turns a source's value into the reference body of a signal (without timestamp and quality), the
 * one place that knows the shapes of {@code reference/charge-signals.md}:
 *
 * <ul>
 *   <li>numbers, booleans and strings become {@code value} plus the signal's unit; a value of the
 *       wrong kind is converted (a CAN signal's 0/1 for a boolean signal, a number for a text one);
 *   <li>{@code charge-chargelimits} from a number (the active limit, percent) becomes
 *       {@code {"activeLimit":80,"values":[{"type":"GLOBAL","limit":80}],"unit":"percent"}};
 *   <li>{@code charge-chargerecords} from a list of {@link ChargeRecord}s becomes
 *       {@code {"values":[…]}} with the reference record fields of each;
 *   <li>{@code charge-chargetimers} from a list of {@link SignalItem}s becomes {@code {"values":[…]}};
 *   <li>a ready {@link SignalValue} is taken as it is.
 * </ul>
 */
public final class SignalBodies {

  private SignalBodies() {}

  /**
   * The body of {@code def} for {@code value}: a Double (or other Number), Boolean, String,
   * {@link SignalValue}, or a List of {@link ChargeRecord} or {@link SignalItem}; null for "no value".
   */
  public static SignalValue.Builder body(SignalCatalog.Def def, Object value) {
    if (value instanceof SignalValue v) {
      SignalValue.Builder b = v.toBuilder();
      if (!def.unit().isEmpty() && b.getUnit().isEmpty()) {
        b.setUnit(def.unit());
      }
      return b;
    }
    SignalValue.Builder b = SignalValue.newBuilder();
    if (def == SignalCatalog.CHARGE_LIMITS) {
      b.setUnit(def.unit());
      if (value instanceof Number n) {
        double limit = round(n.doubleValue());
        b.setActiveLimit(limit);
        b.addValues(SignalItem.newBuilder().setType(SignalItem.Type.GLOBAL).setLimit(limit));
      } else if (value instanceof List<?> list) {
        for (Object o : list) {
          if (o instanceof SignalItem item) {
            b.addValues(item);
            if (item.getType() == SignalItem.Type.GLOBAL && item.hasLimit()) {
              b.setActiveLimit(item.getLimit());
            }
          }
        }
      }
      return b;
    }
    if (def.kind() == SignalCatalog.Kind.OBJECT) {
      if (value instanceof List<?> list) {
        for (Object o : list) {
          if (o instanceof ChargeRecord r) {
            b.addValues(recordItem(r));
          } else if (o instanceof SignalItem item) {
            b.addValues(item);
          }
        }
      }
      return b;
    }
    if (!def.unit().isEmpty()) {
      b.setUnit(def.unit());
    }
    Value v = toValue(def, value);
    if (v != null) {
      b.setValue(v);
    }
    return b;
  }

  /** The reference fields of a charge record, as one item of {@code charge-chargerecords}. */
  public static SignalItem recordItem(ChargeRecord r) {
    SignalItem.Builder b = SignalItem.newBuilder();
    if (r.hasStartTime()) {
      b.setStartTime(r.getStartTime());
    }
    if (r.hasEndTime()) {
      b.setEndTime(r.getEndTime());
    }
    if (r.hasStartStateOfCharge()) {
      b.setStartStateOfCharge(r.getStartStateOfCharge());
    }
    if (r.hasEndStateOfCharge()) {
      b.setEndStateOfCharge(r.getEndStateOfCharge());
    }
    b.setEnergyAdded(r.getEnergyAdded());
    b.setIsPublicCharger(r.getIsPublicCharger());
    b.setChargingType(r.getChargingType());
    if (r.hasCost()) {
      b.setCost(r.getCost());
    }
    if (r.hasLocation()) {
      b.setLocation(r.getLocation());
    }
    b.setId(r.getId());
    return b.build();
  }

  /** The items of {@code charge-chargetimers} as configured; a LOCATION timer takes {@code location}. */
  public static List<SignalItem> timers(List<ChargeTimerConfig> timers, LocationConfig location) {
    return timers.stream().map(t -> {
      SignalItem.Builder b = SignalItem.newBuilder()
          .setType(t.getType() == SignalItem.Type.TYPE_UNSPECIFIED ? SignalItem.Type.GLOBAL : t.getType())
          .setIsOemOptimizationEnabled(t.getOemOptimization())
          .setScheduleId(t.getScheduleId())
          .setScheduleType(t.getScheduleType());
      if (t.getType() == SignalItem.Type.LOCATION) {
        SignalItem.Condition.Builder c = SignalItem.Condition.newBuilder()
            .setName(location.getName()).setAddress(location.getAddress());
        if (location.hasLatitude()) {
          c.setLatitude(location.getLatitude());
        }
        if (location.hasLongitude()) {
          c.setLongitude(location.getLongitude());
        }
        b.setCondition(c);
      } else if (t.getType() == SignalItem.Type.CHARGING_TYPE) {
        b.setCondition(SignalItem.Condition.newBuilder().setChargingType(t.getChargingType()));
      }
      for (ChargeScheduleConfig s : t.getSchedulesList()) {
        b.addSchedules(SignalItem.Schedule.newBuilder().addAllDays(s.getDaysList())
            .setStart(seconds(s.getStart())).setEnd(seconds(s.getEnd())));
      }
      for (DepartureTimerConfig d : t.getDepartureTimersList()) {
        b.addDepartureTimers(SignalItem.DepartureTimer.newBuilder().addAllDays(d.getDaysList())
            .setTime(seconds(d.getTime())));
      }
      return b.build();
    }).toList();
  }

  private static String seconds(String hhmm) {
    return hhmm.length() == 5 ? hhmm + ":00" : hhmm;
  }

  /** The payload of a body in {@code format}, JSON as {@link #json} writes it, with its Content Type. */
  public static Payloads.Encoded encode(PayloadFormat format, SignalCatalog.Def def, SignalValue body) {
    return format == PayloadFormat.PROTOBUF ? Payloads.protobuf(body)
        : new Payloads.Encoded(json(def, body).getBytes(StandardCharsets.UTF_8), Payloads.JSON);
  }

  /**
   * JSON of a body as the reference shows it: an object signal always has its {@code values} list
   * (empty when there is nothing), and a record's cost keeps its zero amounts.
   */
  public static String json(SignalCatalog.Def def, SignalValue body) {
    if (body.getValuesCount() > 0 || body.getQuality() == Quality.UNRECOGNIZED || nested(body.getValue())) {
      return ProtoJson.print(body, alwaysEmit(def));
    }
    // A scalar body, the one a poll publishes: written field by field, in field number order, as
    // ProtoJson.print writes it (SignalBodiesTest holds the two equal), without the reflective walk
    // over the message's fields that cost more than the rest of a publish.
    StringBuilder out = new StringBuilder(112);
    char separator = '{';
    if (body.hasValue()) {
      out.append(separator).append("\"value\":");
      ProtoJson.appendValue(out, body.getValue());
      separator = ',';
    }
    if (!body.getUnit().isEmpty()) {
      out.append(separator).append("\"unit\":");
      ProtoJson.appendString(out, body.getUnit());
      separator = ',';
    }
    if (body.hasTimestamp()) {
      out.append(separator).append("\"timestamp\":\"");
      ProtoJson.appendTimestamp(out, body.getTimestamp().getSeconds(), body.getTimestamp().getNanos());
      out.append('"');
      separator = ',';
    }
    if (body.getQuality() != Quality.QUALITY_UNSPECIFIED) {
      out.append(separator).append("\"quality\":\"").append(body.getQuality().name()).append('"');
      separator = ',';
    }
    if (body.hasActiveLimit()) {
      out.append(separator).append("\"activeLimit\":");
      ProtoJson.appendNumber(out, body.getActiveLimit());
      separator = ',';
    }
    if (def.kind() == SignalCatalog.Kind.OBJECT) {
      out.append(separator).append("\"values\":[]");
      separator = ',';
    }
    return (separator == '{' ? out.append('{') : out).append('}').toString();
  }

  private static boolean nested(Value v) {
    return v.hasStructValue() || v.hasListValue();
  }

  /** The fields the reference shows even at their default, for {@link ProtoJson#print}. */
  public static Predicate<FieldDescriptor> alwaysEmit(SignalCatalog.Def def) {
    boolean object = def.kind() == SignalCatalog.Kind.OBJECT;
    return f -> (object && f.getContainingType() == SignalValue.getDescriptor() && f.getName().equals("values"))
        || f.getContainingType() == RecordCost.getDescriptor();
  }

  static Value toValue(SignalCatalog.Def def, Object value) {
    if (value == null) {
      return null;
    }
    switch (def.kind()) {
      case BOOL -> {
        if (value instanceof Boolean bool) {
          return Value.newBuilder().setBoolValue(bool).build();
        }
        if (value instanceof Number n) {
          return Double.isNaN(n.doubleValue()) ? null : Value.newBuilder().setBoolValue(n.doubleValue() != 0).build();
        }
        String s = String.valueOf(value).trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
          return Value.newBuilder().setBoolValue(Boolean.parseBoolean(s)).build();
        }
        return null;
      }
      case TEXT -> {
        if (value instanceof Number n) {
          StringBuilder sb = new StringBuilder();
          ProtoJson.appendNumber(sb, n.doubleValue());
          return Value.newBuilder().setStringValue(sb.toString()).build();
        }
        return Value.newBuilder().setStringValue(String.valueOf(value)).build();
      }
      default -> {
        double d;
        if (value instanceof Number n) {
          d = n.doubleValue();
        } else if (value instanceof Boolean bool) {
          d = bool ? 1 : 0;
        } else {
          try {
            d = Double.parseDouble(String.valueOf(value).trim());
          } catch (NumberFormatException e) {
            return null;
          }
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          return null;
        }
        return Value.newBuilder().setNumberValue(round(d)).build();
      }
    }
  }

  /**
   * Three decimals: float32 registers carry noise beyond that, and kWh keep Wh resolution.
   */
  static double round(double d) {
    return Math.round(d * 1000.0) / 1000.0;
  }
}
