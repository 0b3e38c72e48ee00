package io.evedge.agent.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk framing of the session journal and the record files: each payload (a serialized proto
 * message) is written as
 *
 * <pre>
 *   magic   2 bytes  0xE5 0xD6
 *   length  4 bytes  big-endian, payload bytes, at most {@link #MAX_PAYLOAD}
 *   crc     4 bytes  big-endian CRC-32C of the length field and the payload
 *   payload length bytes
 * </pre>
 *
 * <p>Reading never throws on bad bytes: a frame that is torn (the file ends inside it), has an
 * impossible length or a wrong CRC is skipped, and reading resumes at the next magic after its first
 * byte, so one corrupt frame costs that frame only and a torn tail costs the tail only. A false
 * resynchronisation needs a CRC collision (2<sup>-32</sup>).
 */
public final class FrameCodec {

  /** First and second byte of every frame. */
  static final byte MAGIC0 = (byte) 0xE5;
  static final byte MAGIC1 = (byte) 0xD6;
  /** Bytes before the payload. */
  public static final int HEADER = 10;
  /** Largest payload accepted (bytes); anything longer is taken for corruption. */
  public static final int MAX_PAYLOAD = 4 << 20;

  private FrameCodec() {}

  /** The frame of {@code payload}. */
  public static byte[] frame(byte[] payload) {
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.BIG_ENDIAN);
    b.put(MAGIC0).put(MAGIC1).putInt(payload.length).putInt(crc(payload.length, payload, 0));
    b.put(payload);
    return b.array();
  }

  private static int crc(int length, byte[] data, int offset) {
    CRC32C c = new CRC32C();
    c.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
    c.update(data, offset, length);
    return (int) c.getValue();
  }

  /** One frame found: its payload and where the frame starts and ends in the input. */
  public record Frame(byte[] payload, int start, int end) {}

  /**
   * What {@link #read} found.
   *
   * @param frames the good frames, in order
   * @param skippedBytes bytes that belonged to no good frame (corrupt frames, a torn tail, garbage)
   * @param skippedRegions how many separate stretches of bad bytes there were
   */
  public record Result(List<Frame> frames, int skippedBytes, int skippedRegions) {
    public boolean clean() {
      return skippedBytes == 0;
    }
  }

  /** Every good frame in {@code data}, skipping bad stretches. */
  public static Result read(byte[] data) {
    List<Frame> frames = new ArrayList<>();
    int pos = 0;
    int skipped = 0;
    int regions = 0;
    boolean inBad = false;
    while (pos < data.length) {
      int end = tryFrame(data, pos);
      if (end > 0) {
        int length = end - pos - HEADER;
        byte[] payload = new byte[length];
        System.arraycopy(data, pos + HEADER, payload, 0, length);
        frames.add(new Frame(payload, pos, end));
        pos = end;
        inBad = false;
        continue;
      }
      int next = nextMagic(data, pos + 1);
      skipped += next - pos;
      if (!inBad) {
        regions++;
        inBad = true;
      }
      pos = next;
    }
    return new Result(frames, skipped, regions);
  }

  /** The end of a good frame starting at {@code pos}, or -1. */
  private static int tryFrame(byte[] data, int pos) {
    if (data.length - pos < HEADER || data[pos] != MAGIC0 || data[pos + 1] != MAGIC1) {
      return -1;
    }
    int length = readInt(data, pos + 2);
    if (length < 0 || length > MAX_PAYLOAD || length > data.length - pos - HEADER) {
      return -1;
    }
    int stored = readInt(data, pos + 6);
    if (crc(length, data, pos + HEADER) != stored) {
      return -1;
    }
    return pos + HEADER + length;
  }

  private static int nextMagic(byte[] data, int from) {
    for (int i = from; i < data.length - 1; i++) {
      if (data[i] == MAGIC0 && data[i + 1] == MAGIC1) {
        return i;
      }
    }
    return data.length;
  }

  private static int readInt(byte[] d, int i) {
    return ((d[i] & 0xFF) << 24) | ((d[i + 1] & 0xFF) << 16) | ((d[i + 2] & 0xFF) << 8) | (d[i + 3] & 0xFF);
  }
}
