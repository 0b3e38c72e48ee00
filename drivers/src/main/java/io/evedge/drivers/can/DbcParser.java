package io.evedge.drivers.can;

import io.evedge.drivers.can.DbcSignal.ByteOrder;
import io.evedge.drivers.can.DbcSignal.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the part of a Vector DBC file that decoding needs: messages ({@code BO_}), their signals
 * ({@code SG_}, with {@code M}/{@code mN} multiplexing), value descriptions ({@code VAL_}) and
 * float value types ({@code SIG_VALTYPE_}) and message cycle times (the {@code GenMsgCycleTime}
 * attribute).
 *
 * <p>Vehicle DBC files in the wild are untidy, so the parser is lenient where it can be and never
 * loses the file over one bad line: {@code VERSION}, the {@code NS_} block,
 * {@code BS_}, {@code BU_}, comments ({@code CM_}, also spanning lines and with {@code \"}),
 * attributes other than {@code GenMsgCycleTime} ({@code BA_DEF_}, {@code BA_DEF_DEF_}, {@code BA_}
 * and their relation forms), {@code VAL_TABLE_} and {@code BO_TX_BU_} are read and dropped; the pseudo-message {@code
 * VECTOR__INDEPENDENT_SIG_MSG} is skipped with its signals. Everything else that cannot be used, an
 * unsupported statement ({@code SG_MUL_VAL_}, {@code SIG_GROUP_}, {@code EV_}, ...) or a malformed
 * {@code BO_}/{@code SG_} line, becomes a {@link DbcWarning} with its line number and the rest of
 * the file still loads. Ids flagged with bit 31, or above 0x7FF, are extended. The file is read as
 * UTF-8, or as ISO-8859-1 if it is not valid UTF-8 (with a warning); CRLF and CR line ends are
 * accepted.
 */
public final class DbcParser {

  private static final String NUMBER = "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)";
  private static final Pattern MESSAGE =
      Pattern.compile("BO_\\s+(\\d+)\\s+(\\w+)\\s*:\\s*(\\d+)(?:\\s+(\\w+))?");
  private static final Pattern SIGNAL = Pattern.compile(
      "SG_\\s+(\\w+)(?:\\s+(M|m\\d+M?))?\\s*:\\s*(\\d+)\\s*\\|\\s*(\\d+)\\s*@\\s*([01])\\s*([+-])"
          + "\\s*\\(\\s*" + NUMBER + "\\s*,\\s*" + NUMBER + "\\s*\\)"
          + "\\s*\\[\\s*" + NUMBER + "\\s*\\|\\s*" + NUMBER + "\\s*\\]"
          + "\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(.*)");
  private static final Pattern IMPORT = Pattern.compile("CM_\\s+\"IMPORT\\s+([^\"]*)\"\\s*");
  private static final String SIGNAL_SYNTAX = "SG_ <name> [M|m<n>] : <start>|<length>@<0|1><+|->"
      + " (<factor>,<offset>) [<min>|<max>] \"<unit>\" <receivers>";

  /** Id of the pseudo-message that holds signals not sent in any message. */
  private static final long INDEPENDENT_SIGNALS_ID = 0xC000_0000L;
  private static final String INDEPENDENT_SIGNALS = "VECTOR__INDEPENDENT_SIG_MSG";
  /** The attribute that gives a message's period in milliseconds. */
  private static final String CYCLE_TIME = "GenMsgCycleTime";

  /** Statements on one line of their own, without a closing ';'. */
  private static final Set<String> LINE_STATEMENTS =
      Set.of("VERSION", "NS_", "BS_", "BU_", "BO_", "SG_");
  /** Statements read and dropped: nothing in them affects decoding. */
  private static final Set<String> DROPPED = Set.of("CM_", "BA_DEF_", "BA_DEF_DEF_", "BA_",
      "BA_DEF_REL_", "BA_DEF_DEF_REL_", "BA_REL_", "VAL_TABLE_", "BO_TX_BU_");
  /** Statements of the format this parser does not support; each one is a warning. */
  private static final Set<String> UNSUPPORTED = Set.of("SG_MUL_VAL_", "SIG_MUL_VAL_", "SIG_GROUP_",
      "EV_", "ENVVAR_DATA_", "EV_DATA_", "SGTYPE_", "SGTYPE_VAL_", "BA_DEF_SGTYPE_", "BA_SGTYPE_",
      "SIG_TYPE_REF_", "BU_SG_REL_", "BU_EV_REL_", "BU_BO_REL_", "CAT_DEF_", "CAT_", "FILTER");

  private final List<String> lines;
  private final List<DbcWarning> warnings = new ArrayList<>();
  private final Map<Long, MessageDraft> messages = new LinkedHashMap<>();
  private MessageDraft current;
  private int defaultCycleTimeMs;
  private boolean skippingSignals;
  private boolean inNamespace;

  private DbcParser(String text, List<DbcWarning> decodeWarnings) {
    this.lines = splitLines(text);
    this.warnings.addAll(decodeWarnings);
  }

  /** Parses the file; throws only if it cannot be read. */
  public static DbcDatabase parse(Path file) throws IOException {
    return parse(Files.readAllBytes(file));
  }

  /** Parses the rest of {@code in}; throws only if it cannot be read. It is not closed. */
  public static DbcDatabase parse(InputStream in) throws IOException {
    return parse(in.readAllBytes());
  }

  /** Parses the file's bytes: UTF-8, or ISO-8859-1 when they are not valid UTF-8. */
  public static DbcDatabase parse(byte[] content) {
    List<DbcWarning> decodeWarnings = new ArrayList<>();
    String text = decode(content, decodeWarnings);
    return new DbcParser(text, decodeWarnings).run();
  }

  /** Parses the file's text. */
  public static DbcDatabase parse(String text) {
    return new DbcParser(text, List.of()).run();
  }

  private DbcDatabase run() {
    int i = 0;
    while (i < lines.size()) {
      i = statementAt(i);
    }
    return build();
  }

  /** Handles the statement that starts at line index {@code i}; returns the index after it. */
  private int statementAt(int i) {
    String raw = lines.get(i);
    String text = raw.strip();
    int line = i + 1;
    if (inNamespace) {
      if (text.isEmpty() || Character.isWhitespace(raw.charAt(0)) || keyword(text).equals(text)) {
        return i + 1;
      }
      inNamespace = false;
    }
    if (text.isEmpty()) {
      return i + 1;
    }
    String keyword = keyword(text);
    if (!keyword.equals("SG_")) {
      current = null;
      skippingSignals = false;
    }
    if (LINE_STATEMENTS.contains(keyword) || !isKeyword(keyword)) {
      lineStatement(keyword, text, line);
      return i + 1;
    }
    StringBuilder statement = new StringBuilder(text);
    int last = i;
    while (true) {
      int semicolon = terminator(statement);
      if (semicolon >= 0) {
        if (!statement.substring(semicolon + 1).isBlank()) {
          warn(last + 1, "text after the ';' that ends " + keyword + " ignored");
        }
        statement(keyword, statement.substring(0, semicolon), line);
        return last + 1;
      }
      if (last + 1 == lines.size()) {
        warn(line, keyword + " statement has no closing ';' before the end of the file; skipped");
        return i + 1;
      }
      String next = lines.get(last + 1);
      if (!insideQuotes(statement) && isKeyword(keyword(next.strip()))) {
        warn(line, keyword + " statement has no closing ';' before line " + (last + 2)
            + "; skipped");
        return last + 1;
      }
      statement.append('\n').append(next);
      last++;
    }
  }

  private void lineStatement(String keyword, String text, int line) {
    switch (keyword) {
      case "VERSION", "BS_", "BU_" -> { }
      case "NS_" -> inNamespace = true;
      case "BO_" -> message(text, line);
      case "SG_" -> signal(text, line);
      default -> warn(line, keyword.isEmpty()
          ? "unreadable line ignored"
          : "unknown statement " + keyword + " ignored");
    }
  }

  private void statement(String keyword, String text, int line) {
    if (keyword.equals("CM_")) {
      Matcher m = IMPORT.matcher(text);
      if (m.matches()) {
        warn(line, "opendbc import of " + m.group(1) + " not followed; its messages are missing");
      }
    } else if (keyword.equals("BA_") || keyword.equals("BA_DEF_DEF_")) {
      cycleTime(keyword, tokens(text), line);
    } else if (keyword.equals("VAL_")) {
      values(tokens(text), line);
    } else if (keyword.equals("SIG_VALTYPE_")) {
      valueType(tokens(text), line);
    } else if (keyword.equals("SG_MUL_VAL_") || keyword.equals("SIG_MUL_VAL_")) {
      warn(line, "extended multiplexing (" + keyword + ") is not supported; ignored");
    } else if (UNSUPPORTED.contains(keyword)) {
      warn(line, "unsupported statement " + keyword + " ignored");
    }
  }

  private void message(String text, int line) {
    skippingSignals = true;
    Matcher m = MESSAGE.matcher(text);
    if (!m.matches()) {
      warn(line, "malformed message, expected BO_ <id> <name>: <dlc> <transmitter>;"
          + " it and its signals are skipped");
      return;
    }
    long fileId = parseId(m.group(1));
    String name = m.group(2);
    if (fileId == INDEPENDENT_SIGNALS_ID || name.equals(INDEPENDENT_SIGNALS)) {
      return;
    }
    long key = key(fileId);
    int dlc = m.group(3).length() > 2 ? Integer.MAX_VALUE : Integer.parseInt(m.group(3));
    if (key < 0) {
      warn(line, "message " + name + ": id " + m.group(1) + " is not a CAN id; skipped");
    } else if (dlc > 64) {
      warn(line, "message " + name + ": dlc " + m.group(3) + " out of range 0..64; skipped");
    } else if (messages.containsKey(key)) {
      warn(line, "message " + name + ": id " + m.group(1) + " already used by "
          + messages.get(key).name + " on line " + messages.get(key).line + "; skipped");
    } else {
      String transmitter = m.group(4) == null ? "" : m.group(4);
      current = new MessageDraft(line, key, name, dlc, transmitter);
      messages.put(key, current);
      skippingSignals = false;
    }
  }

  private void signal(String text, int line) {
    if (current == null) {
      if (!skippingSignals) {
        warn(line, "signal outside a message (SG_ must follow BO_); skipped");
      }
      return;
    }
    Matcher m = SIGNAL.matcher(text);
    if (!m.matches()) {
      warn(line, "malformed signal in " + current.name + ", expected " + SIGNAL_SYNTAX
          + "; skipped");
      return;
    }
    String name = m.group(1);
    int start = m.group(3).length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(m.group(3));
    int length = m.group(4).length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(m.group(4));
    ByteOrder order = m.group(5).equals("1") ? ByteOrder.INTEL : ByteOrder.MOTOROLA;
    String where = "signal " + current.name + "." + name;
    if (length < 1 || length > 64) {
      warn(line, where + ": length " + m.group(4) + " out of range 1..64; skipped");
      return;
    }
    if (start > DbcSignal.MAX_BIT || DbcSignal.bytesNeeded(start, length, order) > current.dlc) {
      warn(line, where + ": " + start + "|" + length + "@" + m.group(5)
          + " does not fit the " + current.dlc + "-byte message; skipped");
      return;
    }
    if (current.signals.containsKey(name)) {
      warn(line, where + " defined twice; the second is skipped");
      return;
    }
    SignalDraft s = new SignalDraft(line, name, start, length, order, m.group(6).equals("-"));
    s.factor = Double.parseDouble(m.group(7));
    s.offset = Double.parseDouble(m.group(8));
    s.min = Double.parseDouble(m.group(9));
    s.max = Double.parseDouble(m.group(10));
    s.unit = unescape(m.group(11));
    for (String r : m.group(12).split("[\\s,]+")) {
      if (!r.isEmpty()) {
        s.receivers.add(r);
      }
    }
    String mux = m.group(2);
    if ("M".equals(mux)) {
      s.multiplexor = true;
    } else if (mux != null) {
      boolean extended = mux.endsWith("M");
      String value = mux.substring(1, mux.length() - (extended ? 1 : 0));
      if (value.length() > 9) {
        warn(line, where + ": multiplex value " + value + " too large; skipped");
        return;
      }
      s.multiplexValue = Integer.parseInt(value);
      if (extended) {
        warn(line, where + ": extended multiplexing (" + mux + ") is not supported;"
            + " read as multiplexed signal m" + value + " only");
      }
    }
    current.signals.put(name, s);
  }

  /**
   * {@code BA_ "GenMsgCycleTime" BO_ <id> <ms> ;} and its default {@code BA_DEF_DEF_
   * "GenMsgCycleTime" <ms> ;}; other attributes are dropped.
   */
  private void cycleTime(String keyword, List<Token> t, int line) {
    if (t.size() < 2 || !t.get(1).quoted || !t.get(1).text.equals(CYCLE_TIME)) {
      return;
    }
    boolean isDefault = keyword.equals("BA_DEF_DEF_");
    if (!isDefault && (t.size() < 3 || !t.get(2).text.equals("BO_"))) {
      return;
    }
    int valueAt = isDefault ? 2 : 4;
    if (t.size() != valueAt + 1
        || (!isDefault && !t.get(3).text.chars().allMatch(Character::isDigit))) {
      warn(line, "malformed " + keyword + " \"" + CYCLE_TIME + "\"; ignored");
      return;
    }
    Long ms = parseLong(t.get(valueAt));
    if (ms == null || ms < 0 || ms > Integer.MAX_VALUE) {
      warn(line, CYCLE_TIME + " " + t.get(valueAt).text + " is not a number of milliseconds;"
          + " ignored");
      return;
    }
    if (isDefault) {
      defaultCycleTimeMs = ms.intValue();
      return;
    }
    long fileId = parseId(t.get(3).text);
    MessageDraft m = fileId == INDEPENDENT_SIGNALS_ID ? null : messages.get(key(fileId));
    if (m == null) {
      if (fileId != INDEPENDENT_SIGNALS_ID) {
        warn(line, "BA_ " + CYCLE_TIME + " for unknown message " + t.get(3).text + "; ignored");
      }
      return;
    }
    m.cycleTimeMs = ms.intValue();
  }

  /** {@code VAL_ <id> <signal> <value> "<text>" ... ;} */
  private void values(List<Token> t, int line) {
    if (t.size() > 1 && !t.get(1).quoted && !t.get(1).text.chars().allMatch(Character::isDigit)) {
      warn(line, "VAL_ of environment variable " + t.get(1).text + " not supported; ignored");
      return;
    }
    if (t.size() < 3 || t.get(1).quoted || t.get(2).quoted || t.size() % 2 == 0) {
      warn(line, "malformed VAL_, expected VAL_ <id> <signal> <value> \"<text>\" ...; ignored");
      return;
    }
    SignalDraft s = signalFor(t.get(1).text, t.get(2).text, "VAL_", line);
    if (s == null) {
      return;
    }
    Map<Long, String> table = new TreeMap<>();
    for (int i = 3; i < t.size(); i += 2) {
      Long value = parseLong(t.get(i));
      if (value == null || !t.get(i + 1).quoted) {
        warn(line, "malformed VAL_ for " + s.name
            + ": expected <integer> \"<text>\" pairs; ignored");
        return;
      }
      table.put(value, t.get(i + 1).text);
    }
    s.values = table;
  }

  /** {@code SIG_VALTYPE_ <id> <signal> : <0|1|2> ;} */
  private void valueType(List<Token> t, int line) {
    int colon = t.size() == 5 && t.get(3).text.equals(":") ? 1 : 0;
    if (t.size() != 4 + colon || !t.get(1).text.chars().allMatch(Character::isDigit)) {
      warn(line, "malformed SIG_VALTYPE_, expected SIG_VALTYPE_ <id> <signal> : <1|2>; ignored");
      return;
    }
    SignalDraft s = signalFor(t.get(1).text, t.get(2).text, "SIG_VALTYPE_", line);
    if (s == null) {
      return;
    }
    String code = t.get(3 + colon).text;
    ValueType type = switch (code) {
      case "0" -> ValueType.INTEGER;
      case "1" -> ValueType.FLOAT32;
      case "2" -> ValueType.FLOAT64;
      default -> null;
    };
    int bits = type == ValueType.FLOAT32 ? 32 : 64;
    if (type == null) {
      warn(line, "SIG_VALTYPE_ " + code + " for " + s.name + " is not 0, 1 or 2; ignored");
    } else if (type != ValueType.INTEGER && s.length != bits) {
      warn(line, "SIG_VALTYPE_ " + code + " for " + s.name + " needs " + bits
          + " bits, the signal has " + s.length + "; ignored");
    } else {
      s.valueType = type;
    }
  }

  private SignalDraft signalFor(String id, String signal, String keyword, int line) {
    long fileId = parseId(id);
    if (fileId == INDEPENDENT_SIGNALS_ID) {
      return null;
    }
    MessageDraft m = messages.get(key(fileId));
    SignalDraft s = m == null ? null : m.signals.get(signal);
    if (s == null) {
      warn(line, keyword + " for " + (m == null ? "unknown message " + id : "unknown signal "
          + m.name + "." + signal) + "; ignored");
    }
    return s;
  }

  private DbcDatabase build() {
    List<DbcMessage> out = new ArrayList<>();
    for (MessageDraft m : messages.values()) {
      SignalDraft muxDraft = null;
      for (SignalDraft s : m.signals.values()) {
        if (s.multiplexor && muxDraft == null) {
          muxDraft = s;
        } else if (s.multiplexor) {
          warn(s.line, "second multiplexor " + s.name + " in " + m.name + " (the first is "
              + muxDraft.name + "); read as a plain signal");
          s.multiplexor = false;
        }
      }
      DbcSignal mux = muxDraft == null ? null : muxDraft.build(null);
      List<DbcSignal> signals = new ArrayList<>();
      for (SignalDraft s : m.signals.values()) {
        if (s == muxDraft) {
          signals.add(mux);
        } else if (s.multiplexValue >= 0 && mux == null) {
          warn(s.line, "signal " + m.name + "." + s.name + " is multiplexed (m" + s.multiplexValue
              + ") but the message has no multiplexor (M); skipped");
        } else {
          signals.add(s.build(s.multiplexValue >= 0 ? mux : null));
        }
      }
      int id = (int) (m.key & CanFrame.MAX_EXTENDED_ID);
      out.add(new DbcMessage(id, m.key > CanFrame.MAX_EXTENDED_ID, m.name, m.dlc, m.transmitter,
          signals, m.cycleTimeMs >= 0 ? m.cycleTimeMs : defaultCycleTimeMs));
    }
    warnings.sort(Comparator.comparingInt(DbcWarning::line));
    return new DbcDatabase(out, warnings);
  }

  private void warn(int line, String message) {
    warnings.add(new DbcWarning(line, message));
  }

  /**
   * The lookup key of a DBC id: the 29-bit id with bit 31 set if extended (flagged in the file, or
   * above 0x7FF), or -1 if the id is not a CAN id.
   */
  private static long key(long fileId) {
    long id = fileId & 0x7FFF_FFFFL;
    if (fileId < 0 || fileId > 0xFFFF_FFFFL || id > CanFrame.MAX_EXTENDED_ID) {
      return -1;
    }
    boolean extended = (fileId & 0x8000_0000L) != 0 || id > CanFrame.MAX_STANDARD_ID;
    return extended ? id | 0x8000_0000L : id;
  }

  private static long parseId(String digits) {
    return digits.length() > 10 ? -1 : Long.parseLong(digits);
  }

  private static Long parseLong(Token t) {
    if (t.quoted || !t.text.matches("[-+]?\\d{1,18}")) {
      return null;
    }
    return Long.parseLong(t.text);
  }

  private static String keyword(String text) {
    int end = 0;
    while (end < text.length()
        && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
      end++;
    }
    return text.substring(0, end);
  }

  private static boolean isKeyword(String word) {
    return LINE_STATEMENTS.contains(word) || DROPPED.contains(word) || UNSUPPORTED.contains(word)
        || word.equals("VAL_") || word.equals("SIG_VALTYPE_");
  }

  /** Index of the first ';' outside a quoted string, or -1. */
  private static int terminator(CharSequence s) {
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  private static boolean insideQuotes(CharSequence s) {
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      }
    }
    return quoted;
  }

  /** Words, the punctuation {@code : ,} as words of their own, and quoted strings unescaped. */
  private static List<Token> tokens(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        StringBuilder b = new StringBuilder();
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < s.length()) {
            i++;
          }
          b.append(s.charAt(i++));
        }
        i++;
        out.add(new Token(b.toString(), true));
      } else if (c == ':' || c == ',') {
        out.add(new Token(String.valueOf(c), false));
        i++;
      } else {
        int start = i;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))
            && ":,\"".indexOf(s.charAt(i)) < 0) {
          i++;
        }
        out.add(new Token(s.substring(start, i), false));
      }
    }
    return out;
  }

  private static String unescape(String s) {
    return s.indexOf('\\') < 0 ? s : s.replaceAll("\\\\(.)", "$1");
  }

  private static List<String> splitLines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        out.add(text.substring(start, i));
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  /** UTF-8 without a byte order mark, or ISO-8859-1 with a warning naming the first bad byte. */
  private static String decode(byte[] bytes, List<DbcWarning> warnings) {
    int from = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
        && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = utf8.decode(in, out, true);
    if (!result.isError()) {
      utf8.flush(out);
      return out.flip().toString();
    }
    int bad = in.position();
    int line = 1;
    for (int i = 0; i < bad; i++) {
      if (bytes[i] == '\n' || (bytes[i] == '\r' && bytes[i + 1] != '\n')) {
        line++;
      }
    }
    warnings.add(new DbcWarning(line, String.format("byte 0x%02X is not UTF-8; the file is read as"
        + " ISO-8859-1", bytes[bad] & 0xFF)));
    return new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1);
  }

  private record Token(String text, boolean quoted) {}

  private static final class MessageDraft {
    final int line;
    final long key;
    final String name;
    final int dlc;
    final String transmitter;
    final Map<String, SignalDraft> signals = new LinkedHashMap<>();
    int cycleTimeMs = -1;

    MessageDraft(int line, long key, String name, int dlc, String transmitter) {
      this.line = line;
      this.key = key;
      this.name = name;
      this.dlc = dlc;
      this.transmitter = transmitter;
    }
  }

  private static final class SignalDraft {
    final int line;
    final String name;
    final int startBit;
    final int length;
    final ByteOrder byteOrder;
    final boolean signed;
    ValueType valueType = ValueType.INTEGER;
    double factor;
    double offset;
    double min;
    double max;
    String unit;
    final List<String> receivers = new ArrayList<>();
    boolean multiplexor;
    int multiplexValue = -1;
    Map<Long, String> values = new HashMap<>();

    SignalDraft(
        int line, String name, int startBit, int length, ByteOrder byteOrder, boolean signed) {
      this.line = line;
      this.name = name;
      this.startBit = startBit;
      this.length = length;
      this.byteOrder = byteOrder;
      this.signed = signed;
    }

    DbcSignal build(DbcSignal selectedBy) {
      return new DbcSignal(name, startBit, length, byteOrder, signed, valueType, factor, offset,
          min, max, unit, receivers, multiplexor, selectedBy == null ? -1 : multiplexValue,
          selectedBy, values);
    }
  }
}
