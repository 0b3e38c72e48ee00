package io.evedge.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.testing.AgentHarness;
import io.evedge.agent.testing.Await;
import io.evedge.agent.testing.Backend;
import io.evedge.agent.testing.MqttBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Mosquitto ACL of docs/mqtt.md and docs/operations.md, against a real Mosquitto. */
class AclIT {

  static final Path FILES = files();

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker().withConfig(
      "password_file " + FILES.resolve("passwd"),
      "acl_file " + FILES.resolve("acl"),
      "allow_anonymous false");

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private static Path files() {
    try {
      Path d = Files.createTempDirectory("evedge-acl-");
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path passwd = d.resolve("passwd");
      MqttBroker.addPassword(passwd, "cp-acl", "dev1ce-pass");
      MqttBroker.addPassword(passwd, "backend", "backend-pass");
      Files.writeString(d.resolve("acl"), """
          # every device: its own topics only (%u = the user name = the device id)
          pattern write evedge/%u/#
          pattern read evedge/%u/req/#

          # a backend
          user backend
          topic read evedge/#
          topic write evedge/+/req/#
          """);
      Files.setPosixFilePermissions(d.resolve("acl"), PosixFilePermissions.fromString("rw-r--r--"));
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }


  @Test
  void aDeviceWorksWithinItsPrefixAndRepliesUnderIt() throws Exception {
    String p = "evedge/cp-acl";
    try (Backend backend = Backend.withLogin(broker.uri(), "backend-1", "backend", "backend-pass", p + "/res/backend-1",
        "evedge/#");
        AgentHarness h = new AgentHarness(dir, """
            device_id: cp-acl
            state_dir: %s
            mqtt:
              uri: %s
              username: cp-acl
              password: dev1ce-pass
              metrics_interval_s: 0
            """.formatted(dir.resolve("state"), broker.uri())).start()) {
      backend.await(p + "/status", r -> r.text().contains("\"online\""), WAIT);
      h.set(SignalCatalog.VOLTAGE, 231.0, Instant.now());
      backend.await(p + "/signals/charge-voltage", r -> r.text().contains("\"value\":231,"), WAIT);
      h.agent().records().enqueue(io.evedge.proto.ChargeRecord.newBuilder().setId("acl-1").build());
      backend.await(p + "/records", r -> r.text().contains("\"id\":\"acl-1\""), WAIT);

      // requests work with a response topic under the device's prefix
      Await.until(WAIT, () -> {
        try {
          backend.request(p + "/req/signals/charge-voltage", new byte[0], null, Duration.ofMillis(500));
          return true;
        } catch (AssertionError | Exception e) {
          return false;
        }
      }, "a reply under the device's prefix");
      // the broker may pass the record on before the agent has handled its PUBACK
      Await.until(WAIT, () -> h.agent().metrics().snapshot().getOutbox().getDepth() == 0,
          "the record to leave the outbox on its PUBACK");
    }
  }

  @Test
  void aDeviceCannotPublishUnderAnotherPrefix() throws Exception {
    try (Backend backend = Backend.withLogin(broker.uri(), "backend-2", "backend", "backend-pass", "evedge/x/res",
        "evedge/#");
        AgentHarness h = new AgentHarness(dir, """
            device_id: cp-acl
            state_dir: %s
            mqtt:
              uri: %s
              topic_prefix: evedge-other
              username: cp-acl
              password: dev1ce-pass
              metrics_interval_s: 0
            """.formatted(dir.resolve("state2"), broker.uri())).start()) {
      Await.until(WAIT, () -> h.agent().link().isConnected(), "the connection");
      h.agent().records().enqueue(io.evedge.proto.ChargeRecord.newBuilder().setId("acl-2").build());
      // the broker refuses the publish with 0x87: the record stays in the outbox
      Await.until(WAIT, () -> h.agent().metrics().snapshot().getOutbox().getDepth() == 1, "the record to wait");
      assertTrue(backend.on("evedge-other/cp-acl/records").isEmpty());
      assertEquals(0, h.agent().metrics().snapshot().getOutbox().getPublished());
    }
  }
}
