package io.evedge.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.evedge.agent.mqtt.LinkEvent;
import io.evedge.proto.Quality;
import io.evedge.proto.SignalPolicy;
import io.evedge.proto.SignalsConfig;
import io.evedge.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Report-by-exception on the virtual clock: what reaches the link, and when. */
class ReportByExceptionTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private final VirtualScheduler clock = new VirtualScheduler(T0);
  private final List<String> sent = new ArrayList<>();
  private ReportByException rbe;
  private SignalTable table;

  private void wire(SignalsConfig config) {
    rbe = new ReportByException(clock, config, (def, body, every) -> {
      String v = switch (body.getValue().getKindCase()) {
        case NUMBER_VALUE -> SignalBodies.json(def, body).replaceAll(".*\"value\":([^,]+),.*", "$1");
        case BOOL_VALUE -> Boolean.toString(body.getValue().getBoolValue());
        default -> body.getValue().toString();
      };
      long t = Duration.between(T0, clock.now()).toMillis();
      sent.add(def.name().replace("charge-", "") + "=" + v + (body.getQuality() == Quality.GOOD ? "" : "/"
          + body.getQuality()) + "@" + t + (every ? "!" : ""));
    });
    table = new SignalTable(rbe);
  }

  private void link(boolean up, boolean sessionPresent) {
    rbe.onLink(new LinkEvent(up, sessionPresent));
    clock.runDue();
  }

  private void set(SignalCatalog.Def def, Object value) {
    table.set(def, value, clock.now(), Quality.GOOD);
  }

  private void at(long ms) {
    clock.advance(Duration.between(clock.now(), T0.plusMillis(ms)));
  }

  private static SignalsConfig policy(String signal, SignalPolicy p) {
    return SignalsConfig.newBuilder().putPerSignal(signal, p).build();
  }

  @Test
  void absoluteDeadbandMeasuresFromTheLastPublishedValueSoDriftIsReported() {
    wire(policy("charge-voltage", SignalPolicy.newBuilder().setDeadband(2).build()));
    link(true, false);
    set(SignalCatalog.VOLTAGE, 230.0);
    set(SignalCatalog.VOLTAGE, 231.0);
    set(SignalCatalog.VOLTAGE, 231.9);
    set(SignalCatalog.VOLTAGE, 232.0);
    set(SignalCatalog.VOLTAGE, 230.5);
    assertEquals(List.of("voltage=230@0!", "voltage=232@0"), sent);
  }

  @Test
  void percentDeadbandScalesWithTheValue() {
    wire(policy("charge-wattage", SignalPolicy.newBuilder().setDeadbandPercent(10).build()));
    link(true, false);
    set(SignalCatalog.WATTAGE, 10000.0);
    set(SignalCatalog.WATTAGE, 10900.0);
    set(SignalCatalog.WATTAGE, 11000.0);
    set(SignalCatalog.WATTAGE, 0.0);
    set(SignalCatalog.WATTAGE, 5.0);
    assertEquals(List.of("wattage=10000@0!", "wattage=11000@0", "wattage=0@0", "wattage=5@0"), sent,
        "from zero any change counts");
  }

  @Test
  void minimumIntervalHoldsBackAndThenSendsTheLatest() {
    wire(policy("charge-amperage", SignalPolicy.newBuilder().setMinIntervalMs(1000).build()));
    link(true, false);
    set(SignalCatalog.AMPERAGE, 10.0);
    at(200);
    set(SignalCatalog.AMPERAGE, 11.0);
    at(400);
    set(SignalCatalog.AMPERAGE, 12.0);
    at(999);
    assertEquals(List.of("amperage=10@0!"), sent);
    at(1000);
    assertEquals(List.of("amperage=10@0!", "amperage=12@1000"), sent);
    at(2500);
    set(SignalCatalog.AMPERAGE, 13.0);
    assertEquals("amperage=13@2500", sent.get(2), "after the interval a change goes out at once");
  }

  @Test
  void booleanTransitionsAreNeverSwallowedByTheMinimumInterval() {
    wire(SignalsConfig.newBuilder().setDefaults(SignalPolicy.newBuilder().setMinIntervalMs(60_000)).build());
    link(true, false);
    set(SignalCatalog.CABLE_CONNECTED, false);
    at(10);
    set(SignalCatalog.CABLE_CONNECTED, true);
    at(20);
    set(SignalCatalog.CABLE_CONNECTED, false);
    at(30);
    set(SignalCatalog.CABLE_CONNECTED, true);
    assertEquals(List.of("ischargingcableconnected=false@0!", "ischargingcableconnected=true@10!",
        "ischargingcableconnected=false@20!", "ischargingcableconnected=true@30!"), sent,
        "each transition at once and as its own message");
  }

  @Test
  void aQualityChangeGoesOutAtOnceWhateverTheDeadband() {
    wire(SignalsConfig.newBuilder().setDefaults(SignalPolicy.newBuilder().setDeadband(100).setMinIntervalMs(60_000))
        .build());
    link(true, false);
    set(SignalCatalog.VOLTAGE, 230.0);
    at(5);
    table.setQuality(SignalCatalog.VOLTAGE, Quality.UNAVAILABLE, clock.now());
    assertEquals(List.of("voltage=230@0!", "voltage=230/UNAVAILABLE@5!"), sent);
  }

  @Test
  void heartbeatRepublishesAnUnchangedValue() {
    wire(policy("charge-voltage", SignalPolicy.newBuilder().setDeadband(5).setMaxIntervalS(60).build()));
    link(true, false);
    set(SignalCatalog.VOLTAGE, 230.0);
    at(30_000);
    set(SignalCatalog.VOLTAGE, 231.0);
    at(59_999);
    assertEquals(1, sent.size());
    at(60_000);
    assertEquals("voltage=231@60000", sent.get(1), "the latest value, within the deadband");
    at(120_000);
    assertEquals("voltage=231@120000", sent.get(2));
    set(SignalCatalog.VOLTAGE, 240.0);
    at(150_000);
    assertEquals(List.of("voltage=230@0!", "voltage=231@60000", "voltage=231@120000", "voltage=240@120000"), sent,
        "a publish restarts the heartbeat");
    at(180_000);
    assertEquals("voltage=240@180000", sent.get(4));
  }

  @Test
  void afterAReconnectOnlyWhatChangedIsSentAndMissedTransitionsAreReplayed() {
    wire(SignalsConfig.getDefaultInstance());
    link(true, false);
    set(SignalCatalog.VOLTAGE, 230.0);
    set(SignalCatalog.WATTAGE, 0.0);
    set(SignalCatalog.CABLE_CONNECTED, false);
    set(SignalCatalog.IS_CHARGING, false);
    sent.clear();

    link(false, false);
    set(SignalCatalog.WATTAGE, 7000.0);
    set(SignalCatalog.WATTAGE, 7400.0);
    set(SignalCatalog.CABLE_CONNECTED, true);
    set(SignalCatalog.IS_CHARGING, true);
    set(SignalCatalog.IS_CHARGING, false);
    assertEquals(List.of(), sent, "nothing while the link is down");

    link(true, true);
    assertEquals(List.of("wattage=7400@0", "ischargingcableconnected=true@0!", "ischarging=true@0!",
        "ischarging=false@0!"), sent, "voltage did not change; the charging blip is replayed");
  }

  @Test
  void withoutTheSessionEverySignalIsSentAgain() {
    wire(SignalsConfig.getDefaultInstance());
    link(true, false);
    set(SignalCatalog.VOLTAGE, 230.0);
    set(SignalCatalog.CABLE_CONNECTED, true);
    sent.clear();
    link(false, false);
    link(true, false);
    assertEquals(List.of("voltage=230@0!", "ischargingcableconnected=true@0!"), sent,
        "the broker may have lost its retained messages");
  }

  @Test
  void valuesSetBeforeTheFirstConnectGoOutOnConnect() {
    wire(SignalsConfig.getDefaultInstance());
    set(SignalCatalog.VOLTAGE, 230.0);
    set(SignalCatalog.VOLTAGE, 231.0);
    assertEquals(List.of(), sent);
    link(true, true);
    assertEquals(List.of("voltage=231@0"), sent);
  }

  @Test
  void noTimerIsLeftWhenTheLinkGoesDown() {
    wire(SignalsConfig.newBuilder().setDefaults(SignalPolicy.newBuilder().setMinIntervalMs(1000).setMaxIntervalS(10))
        .build());
    link(true, false);
    set(SignalCatalog.VOLTAGE, 230.0);
    set(SignalCatalog.VOLTAGE, 240.0);
    link(false, false);
    assertEquals(0, clock.pending());
    at(60_000);
    assertEquals(List.of("voltage=230@0!"), sent);
  }
}
