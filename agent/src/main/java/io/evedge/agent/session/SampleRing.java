package io.evedge.agent.session;

import java.util.Arrays;

/**
 * The samples of one session in fixed memory: time (session timeline, ns), V and A per phase, total
 * power (W), import register (kWh) and state of charge (%), in primitive arrays allocated once.
 *
 * <p>Samples are offered at the sampling rate and accepted one per {@link #stride()}: the values of
 * the {@code stride} samples offered are merged into one (voltages, currents and power averaged,
 * register and state of charge the latest, time the first). When the ring is full it halves itself,
 * merging neighbours pairwise, and doubles the stride. A session of any length therefore keeps its
 * start and end and an even coverage in between, at a resolution that halves each time its length
 * doubles. Offering a sample allocates nothing.
 *
 * <p>The ring's contents follow from the sequence of accepted samples alone, so a ring rebuilt by
 * {@link #insert inserting} the accepted samples of a journal, in order, equals the original; one
 * that was full and had halved itself as a new stretch began is rebuilt full, and halves itself
 * when the next sample is offered.
 * Missing values are NaN and do not count in an average.
 */
final class SampleRing {

  static final int V1 = 0;
  static final int V2 = 1;
  static final int V3 = 2;
  static final int I1 = 3;
  static final int I2 = 4;
  static final int I3 = 5;
  static final int P = 6;
  static final int E = 7;
  static final int SOC = 8;
  static final int FIELDS = 9;

  private final int capacity;
  private final long[] times;
  private final double[] values;
  private int count;
  private int stride = 1;

  private int pendingN;
  private long pendingT;
  private final double[] pendingSum = new double[FIELDS];
  private final int[] pendingCount = new int[FIELDS];
  private final double[] scratch = new double[FIELDS];

  /** A ring of {@code capacity} samples (even, at least 4). */
  SampleRing(int capacity) {
    if (capacity < 4 || capacity % 2 != 0) {
      throw new IllegalArgumentException("capacity must be even and at least 4, got " + capacity);
    }
    this.capacity = capacity;
    this.times = new long[capacity];
    this.values = new double[capacity * FIELDS];
  }

  /**
   * Offers one sample; returns true when it completed a stride and a merged sample was accepted (the
   * newest, at index {@code size() - 1}).
   */
  boolean offer(long t, double v1, double v2, double v3, double i1, double i2, double i3, double p, double e,
      double soc) {
    if (pendingN == 0) {
      if (count == capacity) {
        // halve before a new stretch begins, so that it is as long as the merged neighbours
        compact();
      }
      pendingT = t;
      Arrays.fill(pendingSum, 0);
      Arrays.fill(pendingCount, 0);
      scratch[E] = Double.NaN;
      scratch[SOC] = Double.NaN;
    }
    pendingN++;
    add(V1, v1);
    add(V2, v2);
    add(V3, v3);
    add(I1, i1);
    add(I2, i2);
    add(I3, i3);
    add(P, p);
    if (!Double.isNaN(e)) {
      scratch[E] = e;
    }
    if (!Double.isNaN(soc)) {
      scratch[SOC] = soc;
    }
    if (pendingN < stride) {
      return false;
    }
    for (int f = V1; f <= P; f++) {
      scratch[f] = pendingCount[f] == 0 ? Double.NaN : pendingSum[f] / pendingCount[f];
    }
    pendingN = 0;
    insert(pendingT, scratch);
    return true;
  }

  private void add(int field, double v) {
    if (!Double.isNaN(v)) {
      pendingSum[field] += v;
      pendingCount[field]++;
    }
  }

  /** Appends an already merged sample ({@code FIELDS} values), halving the ring first when full. */
  void insert(long t, double[] sample) {
    if (count == capacity) {
      compact();
    }
    times[count] = t;
    System.arraycopy(sample, 0, values, count * FIELDS, FIELDS);
    count++;
  }

  private void compact() {
    int half = capacity / 2;
    for (int k = 0; k < half; k++) {
      int a = 2 * k;
      int b = a + 1;
      times[k] = times[a];
      for (int f = 0; f < FIELDS; f++) {
        double x = values[a * FIELDS + f];
        double y = values[b * FIELDS + f];
        double merged;
        if (f == E || f == SOC) {
          merged = Double.isNaN(y) ? x : y;
        } else if (Double.isNaN(x)) {
          merged = y;
        } else if (Double.isNaN(y)) {
          merged = x;
        } else {
          merged = (x + y) / 2;
        }
        values[k * FIELDS + f] = merged;
      }
    }
    count = half;
    stride *= 2;
  }

  /** Empties the ring and sets its stride (a journal's snapshot of a ring follows). */
  void reset(int newStride) {
    count = 0;
    stride = Math.max(1, newStride);
    pendingN = 0;
  }

  int size() {
    return count;
  }

  int capacity() {
    return capacity;
  }

  /** Samples offered per sample accepted. */
  int stride() {
    return stride;
  }

  long time(int i) {
    check(i);
    return times[i];
  }

  double get(int i, int field) {
    check(i);
    return values[i * FIELDS + field];
  }

  /** Copies sample {@code i}'s values into {@code into}. */
  void copy(int i, double[] into) {
    check(i);
    System.arraycopy(values, i * FIELDS, into, 0, FIELDS);
  }

  private void check(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("sample " + i + " of " + count);
    }
  }
}
