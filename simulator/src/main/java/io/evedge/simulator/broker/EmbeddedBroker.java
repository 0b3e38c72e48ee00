package io.evedge.simulator.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.evedge.simulator.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An MQTT 5 broker inside the simulator's process (HiveMQ CE, in-memory, loopback only), so the
 * demo needs nothing but Java.
 */
public final class EmbeddedBroker implements AutoCloseable {

  private final EmbeddedHiveMQ hivemq;
  private final Path dir;
  private final int port;

  private EmbeddedBroker(EmbeddedHiveMQ hivemq, Path dir, int port) {
    this.hivemq = hivemq;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a broker on 127.0.0.1:{@code port}; returns once it accepts connections. */
  public static EmbeddedBroker start(int port) throws IOException {
    Path dir = Files.createTempDirectory("evedge-broker-");
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("extensions"));
    Files.writeString(conf.resolve("config.xml"), """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
          </listeners>
          <persistence><mode>in-memory</mode></persistence>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """.formatted(port));
    EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf)
        .withDataFolder(dir.resolve("data"))
        .withExtensionsFolder(dir.resolve("extensions"))
        .build();
    try {
      hivemq.start().join();
    } catch (RuntimeException e) {
      TempDirs.delete(dir);
      throw new IOException("the embedded MQTT broker did not start on port " + port + ": " + e.getMessage(), e);
    }
    return new EmbeddedBroker(hivemq, dir, port);
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      hivemq.stop().join();
      hivemq.close();
    } catch (Exception e) {
      // stopping is best effort at exit
      org.tinylog.Logger.debug("Broker stop: {}", e.getMessage());
    }
    TempDirs.delete(dir);
  }
}
