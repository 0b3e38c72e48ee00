package io.evedge.agent.record;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.json.ProtoJson;
import java.util.List;

/**
 * The body of the {@code charge-chargerecords} signal: the most recent records, most recent first,
 * each with exactly the fields of the ChargeRecords item of {@code reference/charge-signals.md}
 * (the full records go to {@code <p>/records} and the request API).
 */
public final class ChargeRecordsSignal {

  private ChargeRecordsSignal() {}

  /** The {@code values} array of the signal body. */
  public static ListValue values(List<ChargeRecord> records) {
    ListValue.Builder list = ListValue.newBuilder();
    for (ChargeRecord r : records) {
      list.addValues(Value.newBuilder().setStructValue(item(r)));
    }
    return list.build();
  }

  /** One record in the reference shape. */
  static Struct item(ChargeRecord r) {
    Struct.Builder s = Struct.newBuilder();
    if (r.hasStartTime()) {
      s.putFields("startTime", text(ProtoJson.formatTimestamp(r.getStartTime())));
    }
    if (r.hasEndTime()) {
      s.putFields("endTime", text(ProtoJson.formatTimestamp(r.getEndTime())));
    }
    if (r.hasStartStateOfCharge()) {
      s.putFields("startStateOfCharge", number(r.getStartStateOfCharge()));
    }
    if (r.hasEndStateOfCharge()) {
      s.putFields("endStateOfCharge", number(r.getEndStateOfCharge()));
    }
    s.putFields("energyAdded", number(r.getEnergyAdded()));
    s.putFields("isPublicCharger", Value.newBuilder().setBoolValue(r.getIsPublicCharger()).build());
    s.putFields("chargingType", text(r.getChargingType()));
    if (r.hasCost()) {
      s.putFields("cost", Value.newBuilder().setStructValue(Struct.newBuilder()
          .putFields("currency", text(r.getCost().getCurrency()))
          .putFields("energyAmount", number(r.getCost().getEnergyAmount()))
          .putFields("otherAmount", number(r.getCost().getOtherAmount()))).build());
    }
    if (r.hasLocation()) {
      Struct.Builder l = Struct.newBuilder();
      if (r.getLocation().hasLatitude()) {
        l.putFields("latitude", number(r.getLocation().getLatitude()));
      }
      if (r.getLocation().hasLongitude()) {
        l.putFields("longitude", number(r.getLocation().getLongitude()));
      }
      if (!r.getLocation().getName().isEmpty()) {
        l.putFields("name", text(r.getLocation().getName()));
      }
      if (!r.getLocation().getAddress().isEmpty()) {
        l.putFields("address", text(r.getLocation().getAddress()));
      }
      s.putFields("location", Value.newBuilder().setStructValue(l).build());
    }
    s.putFields("id", text(r.getId()));
    return s.build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value number(double d) {
    return Value.newBuilder().setNumberValue(d).build();
  }
}
