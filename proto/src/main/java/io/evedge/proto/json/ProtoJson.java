package io.evedge.proto.json;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.ListValue;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Renders our proto messages as the compact JSON of the reference APIs.
 *
 * <p>It follows the proto3 JSON mapping (lowerCamel names, enums by name, {@code Timestamp} as an
 * ISO-8601 string, {@code Value}/{@code Struct}/{@code ListValue} as plain JSON, unset fields left
 * out) with one difference that matters to the backends we serve: an integral double is written
 * without a fraction, so a current of 33 A reads {@code "value":33} exactly as the reference shows,
 * where {@code JsonFormat} writes {@code 33.0}. 64-bit integers are written as numbers, not strings.
 * Parsing goes through {@code JsonFormat.parser()}, which accepts both forms.
 */
public final class ProtoJson {

  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  private ProtoJson() {}

  /** The message as one line of JSON. */
  public static String print(MessageOrBuilder message) {
    StringBuilder out = new StringBuilder(128);
    appendMessage(out, message);
    return out.toString();
  }

  /**
   * The message as one line of JSON, where the fields {@code alwaysEmit} accepts are written even
   * when they hold their default: an empty list as {@code []}, a zero as {@code 0}. For reference
   * shapes that show such fields ({@code "values":[]}, {@code "otherAmount":0}). Unset message fields
   * and unset fields with explicit presence stay out.
   */
  public static String print(MessageOrBuilder message, Predicate<FieldDescriptor> alwaysEmit) {
    StringBuilder out = new StringBuilder(128);
    appendMessage(out, message, alwaysEmit);
    return out.toString();
  }

  /** Appends the message as JSON to {@code out}. */
  public static void appendMessage(StringBuilder out, MessageOrBuilder message) {
    appendMessage(out, message, null);
  }

  private static void appendMessage(StringBuilder out, MessageOrBuilder message,
      Predicate<FieldDescriptor> alwaysEmit) {
    if (message instanceof Timestamp ts) {
      out.append('"');
      appendTimestamp(out, ts.getSeconds(), ts.getNanos());
      out.append('"');
      return;
    }
    if (message instanceof Value v) {
      appendValue(out, v);
      return;
    }
    if (message instanceof Struct s) {
      appendStruct(out, s);
      return;
    }
    if (message instanceof ListValue l) {
      appendList(out, l);
      return;
    }
    out.append('{');
    boolean first = true;
    for (FieldDescriptor field : fields(message, alwaysEmit)) {
      Object value = message.getField(field);
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(out, field.getJsonName());
      out.append(':');
      if (field.isMapField()) {
        appendMap(out, field, (List<?>) value, alwaysEmit);
      } else if (field.isRepeated()) {
        out.append('[');
        List<?> items = (List<?>) value;
        for (int i = 0; i < items.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          appendField(out, field, items.get(i), alwaysEmit);
        }
        out.append(']');
      } else {
        appendField(out, field, value, alwaysEmit);
      }
    }
    out.append('}');
  }

  /** The fields to write, in field number order: those set, plus the defaults asked for. */
  private static Iterable<FieldDescriptor> fields(MessageOrBuilder message, Predicate<FieldDescriptor> alwaysEmit) {
    if (alwaysEmit == null) {
      return message.getAllFields().keySet();
    }
    List<FieldDescriptor> out = new ArrayList<>();
    for (FieldDescriptor f : message.getDescriptorForType().getFields()) {
      boolean set = f.isRepeated() ? message.getRepeatedFieldCount(f) > 0 : message.hasField(f);
      boolean forced = !set && alwaysEmit.test(f) && (f.isRepeated()
          || (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE && !f.hasPresence()));
      if (set || forced) {
        out.add(f);
      }
    }
    out.sort(Comparator.comparingInt(FieldDescriptor::getNumber));
    return out;
  }

  /** ISO-8601 UTC, as in the reference bodies ({@code 2026-11-23T13:09:14.123Z}). */
  public static String formatTimestamp(Timestamp ts) {
    StringBuilder out = new StringBuilder(30);
    appendTimestamp(out, ts.getSeconds(), ts.getNanos());
    return out.toString();
  }

  /** First and last second of the years 0001 to 9999, which {@link #appendTimestamp} writes itself. */
  private static final long FIRST_PLAIN_SECOND = -62_135_596_800L;
  private static final long LAST_PLAIN_SECOND = 253_402_300_799L;

  /**
   * Appends the instant as {@link DateTimeFormatter#ISO_INSTANT} writes it (the fraction in groups of
   * three digits, as many as it needs, none when whole), without its formatter: a signal body carries
   * a timestamp, and the formatter's general machinery cost more than the rest of the body. Years
   * outside 0001–9999 and nanos outside a second go to the formatter.
   */
  public static void appendTimestamp(StringBuilder out, long seconds, int nanos) {
    if (seconds < FIRST_PLAIN_SECOND || seconds > LAST_PLAIN_SECOND || nanos < 0 || nanos > 999_999_999) {
      out.append(ISO.format(Instant.ofEpochSecond(seconds, nanos)));
      return;
    }
    LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
    int second = (int) Math.floorMod(seconds, 86_400L);
    digits(out, day.getYear(), 4).append('-');
    digits(out, day.getMonthValue(), 2).append('-');
    digits(out, day.getDayOfMonth(), 2).append('T');
    digits(out, second / 3600, 2).append(':');
    digits(out, second / 60 % 60, 2).append(':');
    digits(out, second % 60, 2);
    if (nanos != 0) {
      out.append('.');
      if (nanos % 1_000_000 == 0) {
        digits(out, nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        digits(out, nanos / 1000, 6);
      } else {
        digits(out, nanos, 9);
      }
    }
    out.append('Z');
  }

  /** Appends {@code value} (not negative) with leading zeros to {@code width} digits. */
  private static StringBuilder digits(StringBuilder out, int value, int width) {
    for (int limit = 10, i = 1; i < width; i++, limit *= 10) {
      if (value < limit) {
        out.append('0');
      }
    }
    return out.append(value);
  }

  private static void appendMap(StringBuilder out, FieldDescriptor field, List<?> entries,
      Predicate<FieldDescriptor> alwaysEmit) {
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    out.append('{');
    boolean first = true;
    for (Object o : entries) {
      MessageOrBuilder entry = (MessageOrBuilder) o;
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(out, String.valueOf(entry.getField(keyField)));
      out.append(':');
      appendField(out, valueField, entry.getField(valueField), alwaysEmit);
    }
    out.append('}');
  }

  private static void appendField(StringBuilder out, FieldDescriptor field, Object value,
      Predicate<FieldDescriptor> alwaysEmit) {
    switch (field.getJavaType()) {
      case MESSAGE -> appendMessage(out, (MessageOrBuilder) value, alwaysEmit);
      case ENUM -> appendString(out, ((EnumValueDescriptor) value).getName());
      case STRING -> appendString(out, (String) value);
      case BOOLEAN -> out.append(((Boolean) value).booleanValue());
      case DOUBLE -> appendNumber(out, (Double) value);
      case FLOAT -> appendNumber(out, ((Float) value).doubleValue());
      case INT -> {
        int i = (Integer) value;
        boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32
            || field.getType() == FieldDescriptor.Type.FIXED32;
        out.append(unsigned ? Integer.toUnsignedString(i) : Integer.toString(i));
      }
      case LONG -> {
        long l = (Long) value;
        boolean unsigned = field.getType() == FieldDescriptor.Type.UINT64
            || field.getType() == FieldDescriptor.Type.FIXED64;
        out.append(unsigned ? Long.toUnsignedString(l) : Long.toString(l));
      }
      case BYTE_STRING -> appendString(out,
          java.util.Base64.getEncoder().encodeToString(((com.google.protobuf.ByteString) value).toByteArray()));
    }
  }

  /** Appends a {@code google.protobuf.Value} as plain JSON (an unset kind as {@code null}). */
  public static void appendValue(StringBuilder out, Value v) {
    switch (v.getKindCase()) {
      case NUMBER_VALUE -> appendNumber(out, v.getNumberValue());
      case STRING_VALUE -> appendString(out, v.getStringValue());
      case BOOL_VALUE -> out.append(v.getBoolValue());
      case STRUCT_VALUE -> appendStruct(out, v.getStructValue());
      case LIST_VALUE -> appendList(out, v.getListValue());
      case NULL_VALUE, KIND_NOT_SET -> out.append("null");
    }
  }

  private static void appendStruct(StringBuilder out, Struct s) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Value> e : s.getFieldsMap().entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(out, e.getKey());
      out.append(':');
      appendValue(out, e.getValue());
    }
    out.append('}');
  }

  private static void appendList(StringBuilder out, ListValue l) {
    out.append('[');
    for (int i = 0; i < l.getValuesCount(); i++) {
      if (i > 0) {
        out.append(',');
      }
      appendValue(out, l.getValues(i));
    }
    out.append(']');
  }

  /**
   * A JSON number: integral values within ±2^53 without a fraction, others in the shortest form that
   * reads back to the same double; NaN and infinities (not JSON) as null.
   */
  public static void appendNumber(StringBuilder out, double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      out.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
      out.append((long) d);
    } else {
      out.append(d);
    }
  }

  /** Appends {@code s} as a JSON string with the escapes RFC 8259 requires. */
  public static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
