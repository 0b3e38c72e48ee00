package io.evedge.agent.outbox;

import com.google.protobuf.util.JsonFormat;
import io.evedge.agent.record.RecordPublisher;
import io.evedge.proto.ChargeRecord;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.tinylog.Logger;

/**
 * A test seam, off unless the JVM is started with {@code -D}{@value #PROPERTY}{@code =DIR}: every
 * {@value #POLL_MS} ms, each {@code *.json} file in DIR (a ChargeRecord in its JSON form) is put in
 * the outbox through {@link RecordPublisher#enqueue}, as the session recorder does with a completed
 * session, and deleted once the record is on disk. It lets crash tests drive records through a real
 * agent process when they want them, without waiting for a charge session; nothing in production
 * reads it.
 */
public final class RecordInbox implements AutoCloseable {

  /** The system property that turns the seam on. */
  public static final String PROPERTY = "evedge.test.record-inbox";
  static final long POLL_MS = 100;

  private final Path dir;
  private final RecordPublisher publisher;
  private final ExecutorService io = Threads.serial("record-inbox");
  private final Scheduler.Cancellable timer;

  private RecordInbox(Path dir, RecordPublisher publisher, Scheduler scheduler) {
    this.dir = dir;
    this.publisher = publisher;
    this.timer = scheduler.scheduleAtFixedRate(() -> io.execute(this::scan), Duration.ZERO,
        Duration.ofMillis(POLL_MS));
  }

  /** The seam when the property is set, else null. */
  public static RecordInbox fromSystemProperty(RecordPublisher publisher, Scheduler scheduler) {
    String d = System.getProperty(PROPERTY);
    if (d == null || d.isEmpty()) {
      return null;
    }
    Logger.warn("Test seam on: records are taken from {}", d);
    return new RecordInbox(Path.of(d), publisher, scheduler);
  }

  private void scan() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      ds.forEach(files::add);
    } catch (IOException e) {
      return;
    }
    files.sort(null);
    for (Path f : files) {
      try {
        ChargeRecord.Builder b = ChargeRecord.newBuilder();
        JsonFormat.parser().merge(Files.readString(f, StandardCharsets.UTF_8), b);
        publisher.enqueue(b.build());
        Files.delete(f);
      } catch (IOException | RuntimeException e) {
        Logger.error("Record inbox: {}: {}", f, e.getMessage());
        return;
      }
    }
  }

  @Override
  public void close() {
    timer.cancel();
    Threads.shutdown(io, 2000);
  }
}
