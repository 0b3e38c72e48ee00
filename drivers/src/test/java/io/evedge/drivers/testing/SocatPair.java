package io.evedge.drivers.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * A pair of connected pseudo-terminals made by socat
 * ({@code socat pty,raw,echo=0,link=DIR/ttyA pty,raw,echo=0,link=DIR/ttyB}), so serial code runs for
 * real without hardware: what is written to one end is read at the other. {@link #unplug()} ends
 * socat (both ports vanish, as an unplugged USB adapter does) and {@link #plugIn()} makes them again
 * under the same names.
 *
 * <p>Without socat the tests that need it are skipped, except under {@code CI=true}, where it is an
 * error (CI installs socat, see {@code .ci/run}).
 */
public final class SocatPair implements AutoCloseable {

  private final Path a;
  private final Path b;
  private Process process;

  private SocatPair(Path dir) {
    this.a = dir.resolve("ttyA");
    this.b = dir.resolve("ttyB");
  }

  /** Starts socat with its two ends linked as {@code dir/ttyA} and {@code dir/ttyB}. */
  public static SocatPair start(Path dir) throws IOException {
    requireSocat();
    SocatPair p = new SocatPair(dir);
    p.plugIn();
    return p;
  }

  private static void requireSocat() {
    boolean found = false;
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      found |= Files.isExecutable(Path.of(d, "socat"));
    }
    if (!found && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but socat is not on PATH; .ci/run installs it");
    }
    Assumptions.assumeTrue(found, "socat not installed (apt-get install socat): serial test skipped");
  }

  /** One end, the device path a serial port opens. */
  public String a() {
    return a.toString();
  }

  /** The other end. */
  public String b() {
    return b.toString();
  }

  /** Both ports appear (again), under the same names. */
  public synchronized void plugIn() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    process = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(a) && Files.exists(b))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException("socat did not create " + a + " and " + b);
      }
      LockSupport.parkNanos(5_000_000L);
    }
  }

  /** Both ports vanish, as when a USB adapter is pulled out. */
  public synchronized void unplug() throws IOException {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
    Files.deleteIfExists(a);
    Files.deleteIfExists(b);
  }

  @Override
  public void close() throws IOException {
    unplug();
  }
}
