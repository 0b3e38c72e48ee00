package io.evedge.simulator.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A mosquitto process of the harness's own on a free loopback port. */
final class Mosquitto implements AutoCloseable {

  private final Process process;
  private final int port;

  private Mosquitto(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Mosquitto start(Path dir, int port) throws IOException {
    return start(dir, port, false);
  }

  /**
   * @param persistent keep sessions and queued messages in {@code dir} across a stop (SIGTERM) and a
   *     start on the same directory, with no bound on queued messages
   */
  static Mosquitto start(Path dir, int port, boolean persistent) throws IOException {
    String binary = find();
    if (binary == null) {
      throw new IOException("no mosquitto binary (apt-get install mosquitto)");
    }
    Path conf = dir.resolve("mosquitto.conf");
    Path store = dir.resolve("mosquitto-db");
    Files.createDirectories(store);
    // mosquitto started as root drops to its own user: let it write its database here
    store.toFile().setWritable(true, false);
    Files.write(conf, persistent
        ? List.of("listener " + port + " 127.0.0.1", "allow_anonymous true", "persistence true",
            "persistence_location " + store + "/", "max_queued_messages 0", "log_type error")
        : List.of("listener " + port + " 127.0.0.1", "allow_anonymous true", "persistence false", "log_type error"));
    Process p = Children.stoppedAtExit(new ProcessBuilder(binary, "-c", conf.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("mosquitto.log").toFile()).start());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new Mosquitto(p, port);
      } catch (IOException e) {
        LockSupport.parkNanos(20_000_000L);
      }
    }
    p.destroyForcibly();
    throw new IOException("mosquitto did not start on port " + port);
  }

  private static String find() {
    for (String c : new String[] {"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"}) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    return null;
  }

  int port() {
    return port;
  }

  String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(5, TimeUnit.SECONDS);
  }
}
