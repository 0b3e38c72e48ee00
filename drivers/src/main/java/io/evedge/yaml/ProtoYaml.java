package io.evedge.yaml;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.evedge.proto.FieldRules;
import io.evedge.proto.OptionsProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a YAML document into a proto message, strictly: the keys are the message's field names, and
 * an unknown key, a value of the wrong type, a missing required key or a value outside the bounds
 * declared in the schema ({@link FieldRules}) is a {@link ConfigException} naming the file, the key
 * path, the line, and what was expected. All problems of a file are reported at once.
 *
 * <p>Numbers may be written in decimal or as {@code 0x} hex; enums by value name (case-insensitive,
 * with or without the enum's name prefix) or number; map fields as YAML mappings. Defaults declared
 * in the schema fill the keys left out.
 */
public final class ProtoYaml {

  private static final int MAX_SUGGESTION_DISTANCE = 3;

  private final String source;
  private final List<ConfigException.Problem> problems = new ArrayList<>();

  private ProtoYaml(String source) {
    this.source = source;
  }

  /** Reads {@code file} into {@code builder}, then applies the schema's defaults. */
  public static <B extends Message.Builder> B read(Path file, B builder) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "", 0, "no such file");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "", 0, "cannot read: " + e.getMessage());
    }
    return read(file.toString(), text, builder);
  }

  /** Reads YAML {@code text}, named {@code source} in messages, into {@code builder}. */
  public static <B extends Message.Builder> B read(String source, String text, B builder)
      throws ConfigException {
    ProtoYaml reader = new ProtoYaml(source);
    Optional<Node> root;
    try {
      root = new Compose(LoadSettings.builder().setLabel(source).build()).composeString(text);
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
      throw new ConfigException(source, "", line, "not valid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw new ConfigException(source, "", 0, "not valid YAML: " + e.getMessage());
    }
    if (root.isEmpty()) {
      throw new ConfigException(source, "", 0, "the file is empty");
    }
    reader.readMessage(root.get(), builder, "");
    if (reader.problems.isEmpty()) {
      applyDefaults(builder, source);
    }
    if (!reader.problems.isEmpty()) {
      throw new ConfigException(reader.problems);
    }
    return builder;
  }

  /** The rules a field declares in the schema, or the empty rules. */
  public static FieldRules rules(FieldDescriptor field) {
    return field.getOptions().hasExtension(OptionsProto.rules)
        ? field.getOptions().getExtension(OptionsProto.rules)
        : FieldRules.getDefaultInstance();
  }

  /** Fills every field left unset that declares a {@code default_value}, recursively. */
  public static void applyDefaults(Message.Builder builder, String source) throws ConfigException {
    ProtoYaml reader = new ProtoYaml(source);
    reader.defaults(builder, "");
    if (!reader.problems.isEmpty()) {
      throw new ConfigException(reader.problems);
    }
  }

  private void defaults(Message.Builder builder, String path) {
    for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
      String fieldPath = join(path, field.getName());
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
        if (field.isRepeated()) {
          for (int i = 0; i < builder.getRepeatedFieldCount(field); i++) {
            Message.Builder element = ((Message) builder.getRepeatedField(field, i)).toBuilder();
            defaults(element, fieldPath + "[" + i + "]");
            builder.setRepeatedField(field, i, element.build());
          }
        } else if (builder.hasField(field)) {
          defaults(builder.getFieldBuilder(field), fieldPath);
        }
        continue;
      }
      String def = rules(field).getDefaultValue();
      if (def.isEmpty() || field.isRepeated() || builder.hasField(field)) {
        continue;
      }
      Object value = scalar(field, def, fieldPath, 0);
      if (value != null) {
        builder.setField(field, value);
      }
    }
  }

  private void readMessage(Node node, Message.Builder builder, String path) {
    Descriptor type = builder.getDescriptorForType();
    if (isNull(node)) {
      checkRequired(type, Set.of(), path, line(node));
      return;
    }
    if (!(node instanceof MappingNode mapping)) {
      problem(path, node, "expected a mapping of keys (" + fieldList(type) + "), got " + describe(node));
      return;
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        problem(path, keyNode, "expected a plain key, got " + describe(keyNode));
        continue;
      }
      String key = keyScalar.getValue();
      String keyPath = join(path, key);
      FieldDescriptor field = type.findFieldByName(key);
      if (field == null) {
        String hint = suggest(key, type).map(s -> " (did you mean '" + s + "'?)").orElse("");
        problem(keyPath, keyNode, "unknown key" + hint + "; expected one of: " + fieldList(type));
        continue;
      }
      if (!seen.add(key)) {
        problem(keyPath, keyNode, "duplicate key");
        continue;
      }
      readField(tuple.getValueNode(), builder, field, keyPath);
    }
    checkRequired(type, seen, path, line(node));
  }

  private void checkRequired(Descriptor type, Set<String> seen, String path, int line) {
    for (FieldDescriptor field : type.getFields()) {
      if (rules(field).getRequired() && !seen.contains(field.getName())) {
        FieldRules r = rules(field);
        String what = r.getDoc().isEmpty() ? "" : ": " + r.getDoc();
        problems.add(new ConfigException.Problem(source, join(path, field.getName()), line,
            "missing required key" + what));
      }
    }
  }

  private void readField(Node node, Message.Builder builder, FieldDescriptor field, String path) {
    if (field.isMapField()) {
      readMap(node, builder, field, path);
    } else if (field.isRepeated()) {
      if (isNull(node)) {
        return;
      }
      if (!(node instanceof SequenceNode seq)) {
        problem(path, node, "expected a list, got " + describe(node));
        return;
      }
      List<Node> items = seq.getValue();
      for (int i = 0; i < items.size(); i++) {
        Object value = single(items.get(i), builder, field, path + "[" + i + "]");
        if (value != null) {
          builder.addRepeatedField(field, value);
        }
      }
    } else {
      Object value = single(node, builder, field, path);
      if (value != null) {
        builder.setField(field, value);
      }
    }
  }

  private void readMap(Node node, Message.Builder builder, FieldDescriptor field, String path) {
    if (isNull(node)) {
      return;
    }
    if (!(node instanceof MappingNode mapping)) {
      problem(path, node, "expected a mapping, got " + describe(node));
      return;
    }
    Descriptor entryType = field.getMessageType();
    FieldDescriptor keyField = entryType.findFieldByName("key");
    FieldDescriptor valueField = entryType.findFieldByName("value");
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode k)) {
        problem(path, tuple.getKeyNode(), "expected a plain key, got " + describe(tuple.getKeyNode()));
        continue;
      }
      String entryPath = path + "[" + k.getValue() + "]";
      Object key = scalar(keyField, k.getValue(), entryPath, line(k));
      Message.Builder entry = builder.newBuilderForField(field);
      Object value = single(tuple.getValueNode(), entry, valueField, entryPath);
      if (key != null && value != null) {
        entry.setField(keyField, key);
        entry.setField(valueField, value);
        builder.addRepeatedField(field, entry.build());
      }
    }
  }

  private Object single(Node node, Message.Builder parent, FieldDescriptor field, String path) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      Message.Builder child = parent.newBuilderForField(field);
      int before = problems.size();
      readMessage(node, child, path);
      return problems.size() == before ? child.build() : null;
    }
    if (!(node instanceof ScalarNode scalar)) {
      problem(path, node, "expected " + expected(field) + ", got " + describe(node));
      return null;
    }
    if (isNull(node)) {
      problem(path, node, "expected " + expected(field) + ", got nothing");
      return null;
    }
    return scalar(field, scalar.getValue(), path, line(node));
  }

  /** Converts scalar text to the field's Java value and checks the field's rules; null on a problem. */
  private Object scalar(FieldDescriptor field, String text, String path, int line) {
    FieldRules rules = rules(field);
    String t = text.trim();
    Object value;
    try {
      value = switch (field.getJavaType()) {
        case STRING -> text;
        case BOOLEAN -> parseBool(t);
        case INT -> (int) parseInteger(t, field);
        case LONG -> parseInteger(t, field);
        case DOUBLE -> parseDouble(t);
        case FLOAT -> (float) parseDouble(t);
        case ENUM -> parseEnum(t, field.getEnumType());
        default -> throw new IllegalArgumentException("unsupported field type " + field.getJavaType());
      };
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigException.Problem(source, path, line,
          "expected " + expected(field) + ", got '" + text + "'"));
      return null;
    }
    if (value instanceof String s && !rules.getPattern().isEmpty()
        && !Pattern.compile(rules.getPattern()).matcher(s).matches()) {
      String what = rules.getDoc().isEmpty() ? "a value matching " + rules.getPattern() : rules.getDoc();
      String shown = rules.getSecret() ? "(secret)" : "'" + s + "'";
      problems.add(new ConfigException.Problem(source, path, line, "expected " + what + ", got " + shown));
      return null;
    }
    if (rules.hasMin() || rules.hasMax()) {
      double d = numeric(field, value);
      if ((rules.hasMin() && d < rules.getMin()) || (rules.hasMax() && d > rules.getMax())) {
        problems.add(new ConfigException.Problem(source, path, line,
            "expected " + range(rules) + ", got " + t));
        return null;
      }
    }
    return value;
  }

  private static double numeric(FieldDescriptor field, Object value) {
    if (value instanceof Integer i) {
      return field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32
          ? Integer.toUnsignedLong(i) : i;
    }
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return 0;
  }

  private static boolean parseBool(String t) {
    if (t.equalsIgnoreCase("true")) {
      return true;
    }
    if (t.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(t);
  }

  private static long parseInteger(String t, FieldDescriptor field) {
    String s = t.replace("_", "");
    boolean negative = s.startsWith("-");
    String digits = negative || s.startsWith("+") ? s.substring(1) : s;
    long value;
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      value = Long.parseLong(digits.substring(2), 16);
    } else {
      value = Long.parseLong(digits);
    }
    value = negative ? -value : value;
    long min;
    long max;
    switch (field.getType()) {
      case INT32, SINT32, SFIXED32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
      case UINT32, FIXED32 -> { min = 0; max = 0xFFFF_FFFFL; }
      case UINT64, FIXED64 -> { min = 0; max = Long.MAX_VALUE; }
      default -> { min = Long.MIN_VALUE; max = Long.MAX_VALUE; }
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(t);
    }
    return value;
  }

  private static double parseDouble(String t) {
    String s = t.replace("_", "");
    if (s.startsWith("0x") || s.startsWith("0X")) {
      return Long.parseLong(s.substring(2), 16);
    }
    double d = Double.parseDouble(s);
    if (Double.isNaN(d) || Double.isInfinite(d) || s.endsWith("d") || s.endsWith("f")
        || s.endsWith("D") || s.endsWith("F")) {
      throw new IllegalArgumentException(t);
    }
    return d;
  }

  private static EnumValueDescriptor parseEnum(String t, EnumDescriptor type) {
    String wanted = t.toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    String prefix = enumPrefix(type);
    for (EnumValueDescriptor v : type.getValues()) {
      if (v.getNumber() == 0) {
        continue;
      }
      if (v.getName().equals(wanted) || v.getName().equals(prefix + wanted)) {
        return v;
      }
    }
    try {
      EnumValueDescriptor byNumber = type.findValueByNumber(Integer.parseInt(t));
      if (byNumber != null && byNumber.getNumber() != 0) {
        return byNumber;
      }
    } catch (NumberFormatException ignored) {
      // not a number either: reported by the caller with the list of names
    }
    throw new IllegalArgumentException(t);
  }

  /** {@code PayloadFormat} → {@code PAYLOAD_FORMAT_}, the prefix proto style puts on value names. */
  private static String enumPrefix(EnumDescriptor type) {
    return type.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT) + "_";
  }

  /** What a value of {@code field} must look like, for messages. */
  static String expected(FieldDescriptor field) {
    FieldRules rules = rules(field);
    String base = switch (field.getJavaType()) {
      case STRING -> "a string";
      case BOOLEAN -> "true or false";
      case INT, LONG -> field.getType().name().startsWith("U") || field.getType().name().startsWith("FIXED")
          ? "a whole number ≥ 0" : "a whole number";
      case DOUBLE, FLOAT -> "a number";
      case ENUM -> "one of " + enumNames(field.getEnumType());
      case MESSAGE -> "a mapping";
      default -> field.getJavaType().name().toLowerCase(Locale.ROOT);
    };
    if (rules.hasMin() || rules.hasMax()) {
      base = base + " " + range(rules).replaceFirst("^a number ", "");
    }
    return rules.getDoc().isEmpty() ? base : base + " (" + rules.getDoc() + ")";
  }

  private static String range(FieldRules rules) {
    String min = rules.hasMin() ? fmt(rules.getMin()) : null;
    String max = rules.hasMax() ? fmt(rules.getMax()) : null;
    if (min != null && max != null) {
      return "a number from " + min + " to " + max;
    }
    return min != null ? "a number ≥ " + min : "a number ≤ " + max;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static String enumNames(EnumDescriptor type) {
    String prefix = enumPrefix(type);
    return type.getValues().stream()
        .filter(v -> v.getNumber() != 0)
        .map(v -> v.getName().startsWith(prefix) ? v.getName().substring(prefix.length()) : v.getName())
        .collect(Collectors.joining(", "));
  }

  private static String fieldList(Descriptor type) {
    return type.getFields().stream().map(FieldDescriptor::getName).collect(Collectors.joining(", "));
  }

  private static Optional<String> suggest(String key, Descriptor type) {
    String best = null;
    int bestDistance = MAX_SUGGESTION_DISTANCE + 1;
    for (FieldDescriptor f : type.getFields()) {
      int d = distance(key.toLowerCase(Locale.ROOT), f.getName());
      if (d < bestDistance) {
        bestDistance = d;
        best = f.getName();
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance, for "did you mean". */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof ScalarNode s) {
      return "'" + s.getValue() + "'";
    }
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static int line(Node node) {
    return node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private void problem(String path, Node node, String message) {
    problems.add(new ConfigException.Problem(source, path, line(node), message));
  }
}
