package io.evedge.drivers.can;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The messages of a DBC file, looked up by CAN id, and the warnings its parsing produced.
 * Immutable; {@link #find} allocates nothing, so it can run for every received frame.
 */
public final class DbcDatabase {

  private final List<DbcMessage> messages;
  private final List<DbcWarning> warnings;
  private final int[] keys;
  private final DbcMessage[] byKey;

  /**
   * @param messages messages with distinct (id, extended) pairs, in file order
   * @param warnings what was skipped, by line
   */
  public DbcDatabase(List<DbcMessage> messages, List<DbcWarning> warnings) {
    this.messages = List.copyOf(messages);
    this.warnings = List.copyOf(warnings);
    this.byKey = this.messages.toArray(new DbcMessage[0]);
    Arrays.sort(byKey, Comparator.comparingInt(m -> key(m.id(), m.extended())));
    this.keys = new int[byKey.length];
    for (int i = 0; i < byKey.length; i++) {
      keys[i] = key(byKey[i].id(), byKey[i].extended());
      if (i > 0 && keys[i] == keys[i - 1]) {
        throw new IllegalArgumentException("two messages with id 0x" + Integer.toHexString(
            byKey[i].id()) + ": " + byKey[i - 1].name() + ", " + byKey[i].name());
      }
    }
  }

  /** All messages in file order. */
  public List<DbcMessage> messages() {
    return messages;
  }

  /** Lines that were skipped or read in part, in line order; empty for a clean file. */
  public List<DbcWarning> warnings() {
    return warnings;
  }

  /** The message with this id and id format, or {@code null} if the file has none. */
  public DbcMessage find(int id, boolean extended) {
    int i = Arrays.binarySearch(keys, key(id, extended));
    return i >= 0 ? byKey[i] : null;
  }

  /** The message a received frame belongs to, or {@code null} if the file has none. */
  public DbcMessage find(CanFrame frame) {
    return find(frame.id(), frame.extended());
  }

  /** The message called {@code name}. */
  public Optional<DbcMessage> message(String name) {
    return messages.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  private static int key(int id, boolean extended) {
    return extended ? id | 0x8000_0000 : id;
  }
}
