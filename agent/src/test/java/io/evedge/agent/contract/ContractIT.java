package io.evedge.agent.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Struct;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.agent.signal.SignalTable;
import io.evedge.agent.testing.AgentHarness;
import io.evedge.agent.testing.Backend;
import io.evedge.agent.testing.MqttBroker;
import io.evedge.agent.testing.ReferenceShapes;
import io.evedge.agent.testing.SignalSamples;
import io.evedge.proto.ChargeRecord;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalValue;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a backend sees through a real Mosquitto: every signal of the catalog in its reference body,
 * retained, with its Content Type; the schema topic; records; metrics; and in protobuf, the same
 * messages decoded with nothing but the descriptor set the agent publishes.
 */
class ContractIT {

  @RegisterExtension
  static final MqttBroker broker = new MqttBroker();

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  @TempDir
  Path dir;

  private String config(String device, String format) {
    return """
        device_id: %s
        state_dir: %s
        mqtt:
          uri: %s
          payload_format: %s
          metrics_interval_s: 1
        """.formatted(device, dir.resolve(device), broker.uri(), format);
  }

  @Test
  void everySignalRecordSchemaAndMetricsInJson() throws Exception {
    String p = "evedge/contract-json";
    try (Backend backend = new Backend(broker.uri(), "be-json", p + "/#");
        AgentHarness h = new AgentHarness(dir, config("contract-json", "JSON")).start()) {
      backend.await(p + "/status", r -> r.text().contains("\"online\""), WAIT);
      Map<String, Object> values = SignalSamples.referenceValues();
      for (SignalCatalog.Def def : SignalCatalog.all().values()) {
        h.set(def, values.get(def.name()), T);
      }
      for (SignalCatalog.Def def : SignalCatalog.all().values()) {
        Backend.Received r = backend.await(p + "/signals/" + def.name(), x -> true, WAIT);
        assertTrue(r.retained(), def.name() + " is retained");
        assertEquals("application/json", r.contentType(), def.name());
        ReferenceShapes.assertShape(def.name(), r.text());
        ReferenceShapes.assertSameAsReference(def.name(), r.text());
      }

      Backend.Received schema = backend.await(p + "/schema", x -> true, WAIT);
      assertTrue(schema.retained());
      assertEquals("application/json", schema.contentType());
      Struct s = ReferenceShapes.parse(schema.text());
      assertEquals("1", s.getFieldsOrThrow("schemaVersion").getStringValue());
      assertEquals("JSON", s.getFieldsOrThrow("payloadFormat").getStringValue());
      assertEquals(64, s.getFieldsOrThrow("fingerprint").getStringValue().length());

      h.agent().records().enqueue(SignalSamples.referenceRecord().toBuilder().clearSequence().clearDeviceId().build());
      Backend.Received rec = backend.await(p + "/records", x -> true, WAIT);
      assertTrue(!rec.retained(), "records are not retained");
      Struct record = ReferenceShapes.parse(rec.text());
      assertEquals("CHG-20231015-A39B", record.getFieldsOrThrow("id").getStringValue());
      assertEquals(1, record.getFieldsOrThrow("sequence").getNumberValue());
      assertEquals("contract-json", record.getFieldsOrThrow("deviceId").getStringValue());

      Backend.Received metrics = backend.await(p + "/metrics",
          x -> x.text().contains("\"published\":1"), WAIT);
      assertTrue(metrics.retained());
      Struct m = ReferenceShapes.parse(metrics.text());
      assertTrue(m.getFieldsOrThrow("uptimeS").getNumberValue() >= 0);
      assertTrue(m.getFieldsOrThrow("heapUsedBytes").getNumberValue() > 0);
      assertEquals(0, m.getFieldsOrThrow("outbox").getStructValue().getFieldsOrThrow("depth").getNumberValue());
      assertTrue(m.getFieldsOrThrow("connects").getNumberValue() >= 1);

      Backend.Received reply = backend.request(p + "/req/signals/charge-voltage", new byte[0], null, WAIT);
      ReferenceShapes.assertSameAsReference("charge-voltage", reply.text());
    }
  }

  @Test
  void protobufPayloadsDecodeWithThePublishedDescriptorAlone() throws Exception {
    String p = "evedge/contract-pb";
    try (Backend backend = new Backend(broker.uri(), "be-pb", p + "/#");
        AgentHarness h = new AgentHarness(dir, config("contract-pb", "PROTOBUF")).start()) {
      Backend.Received schema = backend.await(p + "/schema", x -> true, WAIT);
      Struct s = ReferenceShapes.parse(schema.text());
      assertEquals("PROTOBUF", s.getFieldsOrThrow("payloadFormat").getStringValue());
      Map<String, Descriptor> types = descriptors(Base64.getDecoder().decode(
          s.getFieldsOrThrow("descriptorSet").getStringValue()));
      assertEquals("evedge.v1.SignalValue", s.getFieldsOrThrow("messages").getStructValue()
          .getFieldsOrThrow("signals/+").getStringValue());

      Map<String, Object> values = SignalSamples.referenceValues();
      List<SignalValue> expected = new ArrayList<>();
      SignalTable local = new SignalTable(u -> expected.add(u.body()));
      for (SignalCatalog.Def def : SignalCatalog.all().values()) {
        h.set(def, values.get(def.name()), T);
        local.set(def, values.get(def.name()), T, Quality.GOOD);
      }
      int i = 0;
      for (SignalCatalog.Def def : SignalCatalog.all().values()) {
        Backend.Received r = backend.await(p + "/signals/" + def.name(), x -> true, WAIT);
        assertEquals("application/x-protobuf; proto=evedge.v1.SignalValue", r.contentType());
        String type = r.contentType().substring(r.contentType().indexOf("proto=") + 6);
        DynamicMessage decoded = DynamicMessage.parseFrom(types.get(type), r.payload());
        assertEquals(expected.get(i++).toString(), decoded.toString(), def.name() + " round trip");
      }

      ChargeRecord sent = SignalSamples.referenceRecord().toBuilder().clearSequence().clearDeviceId().build();
      h.agent().records().enqueue(sent);
      Backend.Received rec = backend.await(p + "/records", x -> true, WAIT);
      assertEquals("application/x-protobuf; proto=evedge.v1.ChargeRecord", rec.contentType());
      DynamicMessage decoded = DynamicMessage.parseFrom(types.get("evedge.v1.ChargeRecord"), rec.payload());
      assertEquals(sent.toBuilder().setSequence(1).setDeviceId("contract-pb").build().toString(), decoded.toString());

      Backend.Received metrics = backend.await(p + "/metrics", x -> true, WAIT);
      DynamicMessage m = DynamicMessage.parseFrom(types.get("evedge.v1.AgentMetrics"), metrics.payload());
      assertTrue(m.toString().contains("heap_used_bytes"), m.toString());

      Backend.Received reply = backend.request(p + "/req/signals/charge-wattage", new byte[0],
          "application/x-protobuf", WAIT);
      assertEquals("application/x-protobuf; proto=evedge.v1.SignalValue", reply.contentType());
      String text = DynamicMessage.parseFrom(types.get("evedge.v1.SignalValue"), reply.payload()).toString();
      assertTrue(text.contains("number_value: 10.7") && text.contains("unit: \"watts\""), text);
    }
  }

  /** Every message type of a serialized FileDescriptorSet, built without our generated classes. */
  static Map<String, Descriptor> descriptors(byte[] set) throws Exception {
    FileDescriptorSet fds = FileDescriptorSet.parseFrom(set);
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    for (FileDescriptorProto f : fds.getFileList()) {
      protos.put(f.getName(), f);
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    Map<String, Descriptor> types = new HashMap<>();
    for (FileDescriptorProto f : fds.getFileList()) {
      FileDescriptor fd = build(f.getName(), protos, built);
      for (Descriptor d : fd.getMessageTypes()) {
        types.put(d.getFullName(), d);
      }
    }
    return types;
  }

  private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built) throws Exception {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto p = protos.get(name);
    List<FileDescriptor> deps = new ArrayList<>();
    for (String d : p.getDependencyList()) {
      deps.add(build(d, protos, built));
    }
    FileDescriptor fd = FileDescriptor.buildFrom(p, deps.toArray(new FileDescriptor[0]));
    built.put(name, fd);
    return fd;
  }
}
