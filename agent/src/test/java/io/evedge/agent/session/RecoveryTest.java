package io.evedge.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.record.RecordBuilder;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.EnergySource;
import io.evedge.proto.SessionDetection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent killed inside a session (the recorder dropped with whatever it had not yet synced) and
 * started again on the same state directory: the session goes on or is closed as interrupted, and
 * its record comes out once with the energy the meter counted, downtime included.
 */
class RecoveryTest {

  @TempDir
  Path dir;

  private Path journal() {
    return dir.resolve("session").resolve("journal");
  }

  @Test
  void stillPluggedInAfterTheRestartTheSessionGoesOn() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "");
    rig.cp = "B";
    rig.run(Duration.ofSeconds(30));
    double before = rig.registerKWh;
    rig.cp = "C";
    rig.setPower(11_000);
    rig.run(Duration.ofMinutes(20).plusSeconds(7));
    assertTrue(Files.exists(journal()));
    String id = rig.recorder.session().id;

    rig.kill();
    rig.idle(Duration.ofMinutes(3));
    rig.start();
    assertTrue(rig.recorder.recovering());
    rig.run(Duration.ofMinutes(20));
    assertFalse(rig.recorder.recovering());
    assertEquals(State.CHARGING, rig.recorder.state());
    assertEquals(rig.registerKWh - before, rig.energyAddedSignal(), 0.001, "charge-energyadded includes the downtime");

    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofMinutes(1));
    ChargeRecord r = rig.only();
    assertEquals(EnergySource.METER, r.getEnergySource());
    assertEquals(rig.registerKWh - before, r.getEnergyAdded(), 1e-6, "what the meter counted, downtime included");
    assertTrue(r.getInterrupted());
    assertEquals(id, r.getId(), "the id given at the start survives the restart");
    assertEquals("EVDisconnected", r.getStopReason());
    assertEquals(Rig.T0.plusSeconds(31), RecordBuilder.instant(r.getStartTime()));
    assertFalse(Files.exists(journal()), "the journal goes once the record is stored");

    rig.kill();
    rig.start();
    rig.run(Duration.ofMinutes(1));
    assertEquals(1, rig.published.size(), "a further restart brings no second record");
    assertEquals(1, rig.store.size());
  }

  @Test
  void unpluggedWhileTheAgentWasDownTheSessionIsClosedAsPowerLoss() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "");
    rig.cp = "C";
    rig.run(Duration.ofSeconds(1));
    double before = rig.registerKWh;
    rig.setPower(7_400);
    rig.run(Duration.ofMinutes(30));
    rig.run(Duration.ofSeconds(4));
    Instant killed = rig.clock.now();
    rig.kill();
    // the vehicle charges on for 10 minutes, then leaves, all while the agent is down
    rig.idle(Duration.ofMinutes(10));
    rig.setPower(0);
    rig.cp = "A";
    rig.idle(Duration.ofMinutes(10));
    rig.start();
    rig.run(Duration.ofSeconds(2));
    ChargeRecord r = rig.only();
    assertEquals("PowerLoss", r.getStopReason());
    assertTrue(r.getInterrupted());
    assertEquals(rig.registerKWh - before, r.getEnergyAdded(), 1e-6,
        "the register counted the 10 minutes of charging the agent did not see");
    assertEquals(7.4 * (40 * 60 + 4) / 3600, r.getEnergyAdded(), 1e-3);
    assertFalse(r.hasUnpluggedTime(), "nobody saw the unplug");
    Instant end = RecordBuilder.instant(r.getEndTime());
    assertTrue(!end.isBefore(killed.minusSeconds(10)) && !end.isAfter(killed),
        "ends at the last sample journaled, at most one sync interval before the kill: " + end);
    assertEquals(State.UNPLUGGED, rig.recorder.state());
  }

  @Test
  void meterOnlyDownLongerThanTheEndTimeIsPowerLossShorterGoesOn() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_METER, "session: {meter_start_s: 10, meter_end_s: 120}");
    rig.run(Duration.ofSeconds(5));
    double before = rig.registerKWh;
    rig.setPower(3_600);
    rig.run(Duration.ofMinutes(10));
    rig.kill();
    rig.idle(Duration.ofSeconds(40));
    rig.start();
    rig.run(Duration.ofMinutes(10));
    assertEquals(State.CHARGING, rig.recorder.state(), "back within the end time, still drawing power: goes on");
    rig.kill();
    rig.idle(Duration.ofMinutes(1));
    rig.setPower(0);
    rig.idle(Duration.ofMinutes(5));
    rig.start();
    rig.run(Duration.ofSeconds(3));
    ChargeRecord r = rig.only();
    assertEquals("PowerLoss", r.getStopReason());
    assertTrue(r.getInterrupted());
    assertEquals(rig.registerKWh - before, r.getEnergyAdded(), 1e-6);
    assertEquals(3.6 * (20 * 60 + 40 + 60) / 3600, r.getEnergyAdded(), 1e-3);
  }

  @Test
  void noWordFromTheHardwareAfterARestartClosesTheSessionAfterTheTimeout() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "session: {recovery_timeout_s: 300}");
    rig.cp = "C";
    rig.setPower(11_000);
    rig.run(Duration.ofMinutes(10));
    rig.kill();
    rig.start();
    rig.idle(Duration.ofSeconds(299));
    assertTrue(rig.published.isEmpty());
    rig.idle(Duration.ofSeconds(2));
    ChargeRecord r = rig.only();
    assertEquals("PowerLoss", r.getStopReason());
    assertEquals(11.0 / 6, r.getEnergyAdded(), 0.05, "what the journal had");
  }

  @Test
  void aRecordThatCouldNotBeStoredStaysInTheJournalAndComesOutOnceLater() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "");
    rig.cp = "C";
    rig.setPower(11_000);
    rig.run(Duration.ofMinutes(10));
    // the record store's disk fails: the closing record stays in the journal
    Path records = dir.resolve("records");
    Path moved = dir.resolve("records-away");
    Files.move(records, moved);
    Files.writeString(records, "not a directory");
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    assertTrue(rig.published.isEmpty(), "not published before it is stored");
    assertTrue(rig.recorder.ioErrors() > 0);
    assertTrue(Files.exists(journal()));
    String id = Journal.read(journal()).entries().stream().filter(e -> e.hasClosing())
        .map(e -> e.getClosing().getId()).findFirst().orElseThrow();

    // a new session opens while the record waits: its journal keeps the waiting record too
    rig.cp = "C";
    rig.setPower(3_700);
    rig.run(Duration.ofMinutes(2));
    assertTrue(Journal.read(journal()).entries().stream().anyMatch(e -> e.hasClosing()
        && e.getClosing().getId().equals(id)), "the waiting record survives the new session's journal");

    rig.kill();
    Files.delete(records);
    Files.move(moved, records);
    rig.start();
    assertEquals(1, rig.published.size(), "delivered at the restart");
    assertEquals(id, rig.published.get(0).getId());
    assertTrue(rig.recorder.recovering(), "and the second session is recovered");
    rig.run(Duration.ofMinutes(1));
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    assertEquals(2, rig.published.size(), rig.published.stream().map(ChargeRecord::getId).toList().toString());
    assertEquals(2, rig.store.size());
    assertFalse(Files.exists(journal()));
  }

  @Test
  void aRecordDeliveredWhileANewSessionRunsIsNotSentAgainAfterACrash() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "");
    rig.cp = "C";
    rig.setPower(11_000);
    rig.run(Duration.ofMinutes(10));
    Path records = dir.resolve("records");
    Path moved = dir.resolve("records-away");
    Files.move(records, moved);
    Files.writeString(records, "not a directory");
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    rig.cp = "C";
    rig.setPower(3_700);
    rig.run(Duration.ofSeconds(5));
    Files.delete(records);
    Files.move(moved, records);
    // the retry delivers the first record while the second session's journal still holds it
    rig.run(Duration.ofSeconds(11));
    assertEquals(1, rig.published.size());
    rig.kill();
    rig.start();
    rig.run(Duration.ofMinutes(1));
    assertEquals(1, rig.published.size(), "the journal says it was delivered");
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    assertEquals(2, rig.published.size());
  }

  @Test
  void aFailedDeliveryIsRetriedWhileTheAgentRuns() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "session: {journal_sync_s: 10}");
    rig.cp = "C";
    rig.setPower(11_000);
    rig.run(Duration.ofMinutes(10));
    Path records = dir.resolve("records");
    Path moved = dir.resolve("records-away");
    Files.move(records, moved);
    Files.writeString(records, "not a directory");
    rig.cp = "A";
    rig.setPower(0);
    rig.run(Duration.ofSeconds(20));
    assertTrue(rig.published.isEmpty());
    Files.delete(records);
    Files.move(moved, records);
    rig.run(Duration.ofSeconds(11));
    assertEquals(1, rig.published.size(), "the next journal sync retried it");
    rig.run(Duration.ofMinutes(1));
    assertEquals(1, rig.published.size());
    assertFalse(Files.exists(journal()));
  }

  @Test
  void aCleanStopSyncsTheJournalSoNothingIsLost() throws Exception {
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, "session: {journal_sync_s: 10}");
    rig.cp = "C";
    rig.setPower(11_000);
    rig.run(Duration.ofSeconds(127));
    long lastSample = rig.recorder.session().lastSampleT;
    String energy = rig.recorder.session().energy.toProto().toString();
    rig.recorder.close();
    rig.recorder = null;
    rig.start();
    assertEquals(lastSample, rig.recorder.session().lastSampleT, "the samples since the last periodic sync too");
    assertEquals(energy, rig.recorder.session().energy.toProto().toString());
  }

  /**
   * A small ring halves itself many times, between syncs as well as at them: the ring restored from
   * the journal's sample batches equals the one the agent had, value for value, and so does the one
   * restored from the snapshot the restored session wrote.
   *
   * <p>The live ring halved itself when its latest stretch of samples began; a restored ring holds
   * the same samples unhalved and halves itself when the first sample after the restart begins a
   * stretch. So each restored ring is compared after the hardware's first answer.
   */
  @Test
  void theRingIsRebuiltExactlyFromTheJournal() throws Exception {
    String yaml = "session: {journal_sync_s: 7, sample_ring_capacity: 64}";
    Rig rig = new Rig(dir, SessionDetection.SESSION_DETECTION_EVSE, yaml);
    rig.cp = "C";
    for (int i = 0; i < 80; i++) {
      rig.setPower(3_000 + 250 * (i % 9));
      rig.soc = 20 + i;
      rig.run(Duration.ofSeconds(13));
    }
    SampleRing live = rig.recorder.session().ring;
    assertTrue(live.stride() >= 8, "the ring halved itself, stride " + live.stride());
    String expected = describe(live);
    rig.recorder.close();
    rig.recorder = null;
    rig.start();
    rig.run(Duration.ofSeconds(1));
    assertEquals(expected, describe(rig.recorder.session().ring), "restored from the sample batches");
    // the restored session rewrote its journal as a snapshot: checkpoint, ring reset, one batch
    rig.recorder.close();
    rig.recorder = null;
    rig.start();
    rig.run(Duration.ofSeconds(1));
    assertEquals(expected, describe(rig.recorder.session().ring), "restored from the snapshot");
  }

  private static String describe(SampleRing ring) {
    StringBuilder b = new StringBuilder("stride " + ring.stride() + ":");
    for (int i = 0; i < ring.size(); i++) {
      b.append(' ').append(ring.time(i));
      for (int f = 0; f < SampleRing.FIELDS; f++) {
        b.append(f == 0 ? '=' : ',').append(ring.get(i, f));
      }
    }
    return b.toString();
  }
}
