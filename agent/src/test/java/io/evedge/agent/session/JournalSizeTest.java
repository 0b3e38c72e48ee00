package io.evedge.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.proto.ChargeRecord;
import io.evedge.proto.SessionDetection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An eight-hour session polled every second: the journal's writes stay small and its size bounded. */
class JournalSizeTest {

  @TempDir
  Path dir;

  @Test
  void eightHoursAtOneSampleASecond() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "session: {journal_sync_s: 10}");
    Path journal = dir.resolve("session").resolve("journal");
    rig.cp = "C";
    rig.run(Duration.ofSeconds(1));
    rig.setPower(11_000);
    long max = 0;
    long largestWrite = 0;
    long writes = 0;
    long written = 0;
    long last = 0;
    long rewrites = 0;
    long largestRewrite = 0;
    for (int s = 0; s < 8 * 3600; s++) {
      rig.run(Duration.ofSeconds(1));
      long size = Files.size(journal);
      if (size != last) {
        if (size > last) {
          largestWrite = Math.max(largestWrite, size - last);
          written += size - last;
        } else {
          written += size;
          rewrites++;
          largestRewrite = Math.max(largestRewrite, size);
        }
        writes++;
        last = size;
      }
      max = Math.max(max, size);
    }
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    ChargeRecord r = rig.only();
    assertEquals(88.0, r.getEnergyAdded(), 1e-6);
    assertTrue(r.getCurveCount() <= 100);
    System.out.printf("journal, 8 h at 1 s: %d writes (%d compactions of at most %d bytes), %d bytes written, "
        + "largest append %d bytes, largest file %d bytes%n", writes, rewrites, largestRewrite, written, largestWrite, max);
    assertTrue(max <= SessionRecorder.COMPACT_BYTES + 64 * 1024, "journal of " + max + " bytes");
    assertTrue(writes <= 8 * 360 + 10, writes + " writes: one per sync interval");
    assertTrue(largestWrite <= 2048, "an append of " + largestWrite + " bytes");
    assertTrue(rewrites <= 20, rewrites + " compactions");
  }
}
