package io.evedge.agent.testing;

import io.evedge.drivers.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A broker of the test's own: a real {@code mosquitto} process on a free loopback port with a
 * generated configuration, so a test can stop it, restart it (same port) and reconfigure it. Where no
 * {@code mosquitto} binary exists it falls back to the embedded HiveMQ broker and says so; under
 * {@code CI=true} it refuses to fall back, so CI always tests against Mosquitto.
 *
 * <pre>{@code @RegisterExtension static final MqttBroker broker = new MqttBroker();}</pre>
 */
public final class MqttBroker implements BeforeAllCallback, AfterAllCallback {

  private final List<String> extraConfig = new ArrayList<>();
  private Path dir;
  private int port;
  private Process process;
  private AutoCloseable embedded;
  private boolean useEmbedded;

  /** Adds lines to the generated mosquitto.conf (takes effect at the next start). */
  public MqttBroker withConfig(String... lines) {
    extraConfig.addAll(List.of(lines));
    return this;
  }

  /**
   * Mosquitto with persistence in a directory of its own and room for 100,000 queued messages, so
   * a backend's session and its queued QoS 1 messages survive the broker's restarts; logs every
   * packet ({@code log_type all}), so a test can count what a client published.
   */
  public MqttBroker withPersistence() {
    try {
      Path store = Files.createTempDirectory("evedge-mosquitto-db-");
      // mosquitto started as root drops to its own user: let it write here
      Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxrwx"));
      return withConfig("persistence true", "persistence_location " + store + "/",
          "max_queued_messages 100000", "log_type all");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds {@code user} with {@code password} to the Mosquitto password file {@code file} (made if
   * missing, readable by mosquitto's own user), with {@code mosquitto_passwd}.
   */
  public static void addPassword(Path file, String user, String password) {
    ProcessBuilder pb = Files.exists(file)
        ? new ProcessBuilder("mosquitto_passwd", "-b", file.toString(), user, password)
        : new ProcessBuilder("mosquitto_passwd", "-b", "-c", file.toString(), user, password);
    try {
      Process p = pb.redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("mosquitto_passwd failed: " + out);
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running mosquitto_passwd", e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("evedge-broker-");
    // mosquitto started as root drops to its own user: let it write its log (and persistence) here
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    port = Ports.freePort();
    useEmbedded = findMosquitto() == null;
    if (useEmbedded) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true but no mosquitto binary on PATH or in /usr/sbin: "
            + ".ci/run installs it with apt-get install -y mosquitto");
      }
      System.err.println("[MqttBroker] no mosquitto binary found: falling back to the embedded HiveMQ broker");
    }
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** Whether this is a real Mosquitto (not the embedded fallback). */
  public boolean isMosquitto() {
    return !useEmbedded;
  }

  /** Starts the broker (again) on the same port and waits until it accepts connections. */
  public synchronized void start() throws IOException {
    if (process != null || embedded != null) {
      return;
    }
    if (useEmbedded) {
      embedded = EmbeddedHiveMq.start(port, dir.resolve("hivemq"));
    } else {
      Path conf = dir.resolve("mosquitto.conf");
      List<String> lines = new ArrayList<>(List.of(
          "listener " + port + " 127.0.0.1",
          "allow_anonymous true",
          "persistence false",
          "log_dest file " + dir.resolve("mosquitto.log"),
          "log_type error",
          "log_type warning",
          "log_type notice"));
      lines.addAll(extraConfig);
      Files.write(conf, lines);
      process = new ProcessBuilder(findMosquitto(), "-c", conf.toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("mosquitto.out").toFile())
          .start();
    }
    Await.until(Duration.ofSeconds(15), this::accepting, "the broker to accept connections on " + uri());
  }

  /** Stops the broker; clients see the connection drop. */
  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (Exception e) {
        System.err.println("[MqttBroker] stopping the embedded broker: " + e);
      }
      embedded = null;
    }
  }

  private boolean accepting() {
    if (process != null && !process.isAlive()) {
      throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": " + log());
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The broker's working directory (its configuration, log and output). */
  public Path dir() {
    return dir;
  }

  /** What mosquitto wrote, for failure messages. */
  public String log() {
    try {
      Path out = dir.resolve("mosquitto.out");
      Path log = dir.resolve("mosquitto.log");
      return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static String findMosquitto() {
    for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto",
        "/usr/bin/mosquitto", "/usr/local/bin/mosquitto", "/opt/homebrew/sbin/mosquitto"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(d, "mosquitto");
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }
}
