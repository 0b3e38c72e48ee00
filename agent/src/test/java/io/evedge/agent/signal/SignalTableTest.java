package io.evedge.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.proto.Quality;
import io.evedge.proto.json.ProtoJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalTableTest {

  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void publishesChangesOnlyAndRendersTheReferenceBody() {
    List<String> out = new ArrayList<>();
    SignalTable t = new SignalTable(u -> out.add(u.def().name() + " " + ProtoJson.print(u.body())));
    t.set(SignalCatalog.AMPERAGE, 33.0000001, T, Quality.GOOD);
    t.set(SignalCatalog.AMPERAGE, 33.0000002, T.plusSeconds(1), Quality.GOOD);
    t.set(SignalCatalog.AMPERAGE, 32.5, T.plusSeconds(2), Quality.GOOD);
    assertEquals(List.of(
        "charge-amperage {\"value\":33,\"unit\":\"ampere\",\"timestamp\":\"2026-11-23T10:00:00Z\",\"quality\":\"GOOD\"}",
        "charge-amperage {\"value\":32.5,\"unit\":\"ampere\",\"timestamp\":\"2026-11-23T10:00:02Z\",\"quality\":\"GOOD\"}"),
        out);
  }

  @Test
  void qualityChangeKeepsTheLastValue() {
    List<String> out = new ArrayList<>();
    SignalTable t = new SignalTable(u -> out.add(ProtoJson.print(u.body())));
    t.set(SignalCatalog.VOLTAGE, 230.1, T, Quality.GOOD);
    t.setQuality(SignalCatalog.VOLTAGE, Quality.UNAVAILABLE, T.plusSeconds(5));
    t.setQuality(SignalCatalog.VOLTAGE, Quality.UNAVAILABLE, T.plusSeconds(6));
    assertEquals(2, out.size());
    assertEquals("{\"value\":230.1,\"unit\":\"volts\",\"timestamp\":\"2026-11-23T10:00:05Z\",\"quality\":\"UNAVAILABLE\"}",
        out.get(1));
  }

  @Test
  void noValueIsUnavailable() {
    List<String> out = new ArrayList<>();
    SignalTable t = new SignalTable(u -> out.add(ProtoJson.print(u.body())));
    t.set(SignalCatalog.WATTAGE, null, T, Quality.GOOD);
    assertEquals(List.of("{\"unit\":\"watts\",\"timestamp\":\"2026-11-23T10:00:00Z\",\"quality\":\"UNAVAILABLE\"}"), out);
  }

  @Test
  void theSameValueAgainIsSilentButAfterAQualityChangeItIsGoodAgain() {
    List<String> out = new ArrayList<>();
    SignalTable t = new SignalTable(u -> out.add(u.body().getQuality() + " " + u.body().getValue().getNumberValue()));
    t.set(SignalCatalog.VOLTAGE, 230.1, T, Quality.GOOD);
    t.set(SignalCatalog.VOLTAGE, 230.1, T.plusSeconds(1), Quality.GOOD);
    t.setQuality(SignalCatalog.VOLTAGE, Quality.STALE, T.plusSeconds(2));
    t.set(SignalCatalog.VOLTAGE, 230.1, T.plusSeconds(3), Quality.GOOD);
    t.set(SignalCatalog.VOLTAGE, 230.1, T.plusSeconds(4), Quality.GOOD);
    t.set(SignalCatalog.VOLTAGE, 230.1, T.plusSeconds(5), Quality.UNAVAILABLE);
    assertEquals(List.of("GOOD 230.1", "STALE 230.1", "GOOD 230.1", "UNAVAILABLE 230.1"), out);
  }
}
