package io.evedge.agent.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frame format: layout, a torn frame at every length, resynchronisation after corruption. */
class FrameCodecTest {

  private static byte[] payload(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void layoutMagicLengthCrcPayload() {
    byte[] f = FrameCodec.frame(payload("abc"));
    assertEquals(13, f.length);
    assertEquals((byte) 0xE5, f[0]);
    assertEquals((byte) 0xD6, f[1]);
    assertArrayEquals(new byte[] {0, 0, 0, 3}, Arrays.copyOfRange(f, 2, 6));
    // CRC-32C (Castagnoli) of 00 00 00 03 'a' 'b' 'c'
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(new byte[] {0, 0, 0, 3, 'a', 'b', 'c'});
    int c = (int) crc.getValue();
    assertArrayEquals(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c},
        Arrays.copyOfRange(f, 6, 10));
    assertArrayEquals(payload("abc"), Arrays.copyOfRange(f, 10, 13));
  }

  @Test
  void aTornLastFrameAtEveryLengthIsSkipped() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(FrameCodec.frame(payload("first")));
    out.writeBytes(FrameCodec.frame(payload("second")));
    int good = out.size();
    out.writeBytes(FrameCodec.frame(payload("the third, cut short")));
    byte[] all = out.toByteArray();
    for (int cut = good; cut < all.length; cut++) {
      FrameCodec.Result r = FrameCodec.read(Arrays.copyOf(all, cut));
      assertEquals(2, r.frames().size(), "cut at " + cut);
      assertEquals(cut - good, r.skippedBytes());
    }
    assertEquals(3, FrameCodec.read(all).frames().size());
  }

  @Test
  void aCorruptFrameInTheMiddleCostsOnlyThatFrame() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String s : List.of("one", "two", "three", "four")) {
      out.writeBytes(FrameCodec.frame(payload(s)));
    }
    byte[] all = out.toByteArray();
    int second = FrameCodec.frame(payload("one")).length;
    for (int i = second; i < second + FrameCodec.frame(payload("two")).length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] copy = all.clone();
        copy[i] ^= (byte) (1 << bit);
        FrameCodec.Result r = FrameCodec.read(copy);
        assertEquals(List.of("one", "three", "four"),
            r.frames().stream().map(f -> new String(f.payload(), StandardCharsets.UTF_8)).toList(),
            "bit " + bit + " of byte " + i);
        assertEquals(1, r.skippedRegions());
      }
    }
  }

  @Test
  void anImpossibleLengthIsCorruptionNotAnAllocation() {
    byte[] f = FrameCodec.frame(payload("x"));
    f[2] = 0x7F;
    FrameCodec.Result r = FrameCodec.read(f);
    assertEquals(0, r.frames().size());
    assertEquals(f.length, r.skippedBytes());
  }
}
