package io.evedge.drivers.can;

/**
 * The standard CAN bit rates an SLCAN adapter selects with {@code S0}..{@code S8} (Lawicel
 * CAN232/CANUSB command set, "Sn[CR] Setup with standard CAN bit-rates").
 */
public enum SlcanBitrate {
  BPS_10K(10_000),
  BPS_20K(20_000),
  BPS_50K(50_000),
  BPS_100K(100_000),
  BPS_125K(125_000),
  BPS_250K(250_000),
  BPS_500K(500_000),
  BPS_800K(800_000),
  BPS_1M(1_000_000);

  private final int bitsPerSecond;

  SlcanBitrate(int bitsPerSecond) {
    this.bitsPerSecond = bitsPerSecond;
  }

  /** The bit rate in bit/s. */
  public int bitsPerSecond() {
    return bitsPerSecond;
  }

  /** The digit after {@code S}: {@code '0'} for 10 kbit/s up to {@code '8'} for 1 Mbit/s. */
  public char code() {
    return (char) ('0' + ordinal());
  }

  /** The constant for {@code bitsPerSecond}; throws naming the supported rates if there is none. */
  public static SlcanBitrate of(int bitsPerSecond) {
    for (SlcanBitrate b : values()) {
      if (b.bitsPerSecond == bitsPerSecond) {
        return b;
      }
    }
    throw new IllegalArgumentException("CAN bit rate " + bitsPerSecond
        + " bit/s is not an SLCAN standard rate; expected one of 10000, 20000, 50000, 100000,"
        + " 125000, 250000, 500000, 800000, 1000000");
  }
}
