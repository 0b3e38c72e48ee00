package io.evedge.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.drivers.DeviceState;
import io.evedge.drivers.Reading;
import io.evedge.drivers.can.CanMappings;
import io.evedge.proto.Quality;
import io.evedge.proto.json.ProtoJson;
import io.evedge.time.VirtualScheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CAN readings through the router into the signal table: values, their own times, staleness. */
class CanDerivationsTest {

  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  private final VirtualScheduler clock = new VirtualScheduler(T);
  private final List<String> published = new ArrayList<>();
  private final SignalTable table = new SignalTable(u -> published.add(u.def().name() + " "
      + ProtoJson.print(u.body())));

  private SignalRouter router() throws Exception {
    CanMappings.Compiled m = CanMappings.load("evedge-generic-ev", "", null);
    return new SignalRouter(clock, table, CanDerivations.forBus("car", m));
  }

  private static Reading reading(String key, Object value, Instant time) {
    return new Reading("car", key, value, "", time);
  }

  @Test
  void eachSignalIsSetOnlyByItsOwnReadingAtItsOwnTime() throws Exception {
    SignalRouter r = router();
    r.onReadings("car", List.of(reading("tractionbattery-stateofcharge", 80.5, T.plusMillis(3)),
        reading("charge-ischargingportflapopen", true, T.plusMillis(5))));
    r.onReadings("car", List.of(reading("charge-ischargingportflapopen", false, T.plusMillis(105)),
        reading("charge-ischargingportflapopen", true, T.plusMillis(205))));
    clock.runDue();
    assertEquals(List.of(
        "tractionbattery-stateofcharge {\"value\":80.5,\"unit\":\"percent\",\"timestamp\":\"2026-11-23T10:00:00.003Z\","
            + "\"quality\":\"GOOD\"}",
        "charge-ischargingportflapopen {\"value\":true,\"timestamp\":\"2026-11-23T10:00:00.005Z\",\"quality\":\"GOOD\"}",
        "charge-ischargingportflapopen {\"value\":false,\"timestamp\":\"2026-11-23T10:00:00.105Z\",\"quality\":\"GOOD\"}",
        "charge-ischargingportflapopen {\"value\":true,\"timestamp\":\"2026-11-23T10:00:00.205Z\",\"quality\":\"GOOD\"}"),
        published);
  }

  @Test
  void staleReadingsTurnTheirSignalsStaleAndALostBusUnavailable() throws Exception {
    SignalRouter r = router();
    r.onReadings("car", List.of(reading("tractionbattery-stateofcharge", 80.5, T),
        reading("tractionbattery-range", 312.0, T),
        reading("tractionbattery-voltage", 401.2, T)));
    r.onStale("car", List.of("tractionbattery-stateofcharge"), T.plusSeconds(1), "no BMS_SOC frame");
    clock.runDue();
    assertEquals(Quality.STALE, quality("tractionbattery-stateofcharge"));
    assertEquals(Quality.GOOD, quality("tractionbattery-range"));
    assertEquals(80.5, table.get("tractionbattery-stateofcharge").orElseThrow().getValue().getNumberValue(),
        "the last value is kept");

    r.onDeviceState("car", DeviceState.OFFLINE, "adapter lost");
    clock.runDue();
    assertEquals(Quality.UNAVAILABLE, quality("tractionbattery-stateofcharge"));
    assertEquals(Quality.UNAVAILABLE, quality("tractionbattery-range"));
    assertEquals(Quality.UNAVAILABLE, quality("tractionbattery-voltage"));

    // the same value again: good again
    published.clear();
    r.onReadings("car", List.of(reading("tractionbattery-stateofcharge", 80.5, T.plusSeconds(9))));
    clock.runDue();
    assertEquals(List.of("tractionbattery-stateofcharge {\"value\":80.5,\"unit\":\"percent\","
        + "\"timestamp\":\"2026-11-23T10:00:09Z\",\"quality\":\"GOOD\"}"), published);
  }

  private Quality quality(String name) {
    return table.get(name).orElseThrow().getQuality();
  }
}
