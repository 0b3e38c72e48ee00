package io.evedge.drivers.can;

/**
 * The adapter's reply to {@code F} (Lawicel "Read Status Flags", reply {@code Fxx[CR]}): the
 * controller's error and FIFO flags as one byte. Bit 4 is unused.
 *
 * @param flags the status byte, 0..255
 */
public record SlcanStatus(int flags) {

  public SlcanStatus {
    if (flags < 0 || flags > 0xFF) {
      throw new IllegalArgumentException("status flags " + flags + " out of range 0..255");
    }
  }

  /** Bit 0: the receive FIFO is full; frames are being lost. */
  public boolean rxFifoFull() {
    return (flags & 0x01) != 0;
  }

  /** Bit 1: the transmit FIFO is full. */
  public boolean txFifoFull() {
    return (flags & 0x02) != 0;
  }

  /** Bit 2: error warning. */
  public boolean errorWarning() {
    return (flags & 0x04) != 0;
  }

  /** Bit 3: data overrun in the controller. */
  public boolean dataOverrun() {
    return (flags & 0x08) != 0;
  }

  /** Bit 5: the controller is error passive. */
  public boolean errorPassive() {
    return (flags & 0x20) != 0;
  }

  /** Bit 6: arbitration lost. */
  public boolean arbitrationLost() {
    return (flags & 0x40) != 0;
  }

  /** Bit 7: bus error. */
  public boolean busError() {
    return (flags & 0x80) != 0;
  }

  /** Whether no flag is set. */
  public boolean ok() {
    return flags == 0;
  }
}
