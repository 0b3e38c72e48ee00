package io.evedge.drivers.can;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a DBC file ({@code BO_} line and its {@code SG_} lines).
 *
 * @param id the CAN identifier without the DBC extended flag (bit 31)
 * @param extended whether the id is 29-bit: flagged with bit 31 in the file, or above 0x7FF
 * @param name message name
 * @param dlc payload length in bytes as declared, 0..64 (above 8 only on CAN FD)
 * @param transmitter the sending node as written, empty if none is given
 * @param signals the signals in file order
 * @param cycleTimeMs the period the message is sent with, in milliseconds, from the
 *     {@code GenMsgCycleTime} attribute ({@code BA_} or its {@code BA_DEF_DEF_} default); 0 when
 *     the file gives none (event-driven or unknown)
 */
public record DbcMessage(int id, boolean extended, String name, int dlc, String transmitter,
    List<DbcSignal> signals, int cycleTimeMs) {

  public DbcMessage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(transmitter, "transmitter");
    if (id < 0 || id > (extended ? CanFrame.MAX_EXTENDED_ID : CanFrame.MAX_STANDARD_ID)) {
      throw new IllegalArgumentException(
          name + ": id 0x" + Integer.toHexString(id) + " out of range");
    }
    if (dlc < 0 || dlc > 64) {
      throw new IllegalArgumentException(name + ": dlc " + dlc + " out of range 0..64");
    }
    if (cycleTimeMs < 0) {
      throw new IllegalArgumentException(name + ": cycle time " + cycleTimeMs + " ms is negative");
    }
    signals = List.copyOf(signals);
  }

  /** A message without a known cycle time. */
  public DbcMessage(int id, boolean extended, String name, int dlc, String transmitter,
      List<DbcSignal> signals) {
    this(id, extended, name, dlc, transmitter, signals, 0);
  }

  /** The signal called {@code name}. */
  public Optional<DbcSignal> signal(String name) {
    return signals.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The multiplexor signal ({@code M}), if the message is multiplexed. */
  public Optional<DbcSignal> multiplexor() {
    return signals.stream().filter(DbcSignal::multiplexor).findFirst();
  }

  /** Whether {@code frame} has this message's id and id format. */
  public boolean matches(CanFrame frame) {
    return frame.id() == id && frame.extended() == extended;
  }
}
