package io.evedge.drivers.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A pair of connected pseudo-terminals made by {@code socat}, standing in for a serial cable: what
 * is written to {@link #a()} is read from {@link #b()} and back. {@link #unplug()} ends socat, so
 * both device links vanish as a USB adapter's do; {@link #plugIn()} makes them again under the same
 * paths.
 */
public final class PtyPair implements AutoCloseable {

  private final Path a;
  private final Path b;
  private Process socat;

  private PtyPair(Path dir) {
    this.a = dir.resolve("ttyA");
    this.b = dir.resolve("ttyB");
  }

  /** Starts socat with its links in {@code dir}; returns once both exist. */
  public static PtyPair start(Path dir) throws IOException {
    PtyPair p = new PtyPair(dir);
    p.plugIn();
    return p;
  }

  /** Whether socat is installed (tests that need it are skipped without it, except under CI). */
  public static boolean available() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, "socat"))) {
        return true;
      }
    }
    return false;
  }

  public Path a() {
    return a;
  }

  public Path b() {
    return b;
  }

  /** Starts socat (again); returns once both links exist. */
  public synchronized void plugIn() throws IOException {
    if (socat != null) {
      return;
    }
    socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!(Files.exists(a) && Files.exists(b))) {
      if (!socat.isAlive()) {
        throw new IOException("socat exited with " + socat.exitValue());
      }
      if (System.nanoTime() > end) {
        throw new IOException("socat made no pseudo-terminals within 10 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** Ends socat: both pseudo-terminals close and their links vanish. */
  public synchronized void unplug() {
    if (socat == null) {
      return;
    }
    socat.destroy();
    try {
      if (!socat.waitFor(5, TimeUnit.SECONDS)) {
        socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    socat = null;
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while ((Files.exists(a) || Files.exists(b)) && System.nanoTime() < end) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  @Override
  public void close() {
    unplug();
  }
}
