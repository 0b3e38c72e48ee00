package io.evedge.agent.record;

import io.evedge.proto.CurvePoint;
import io.evedge.proto.EnergySource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the session recorder knows of a session once it is over, before location, tariff and
 * configuration turn it into a {@link io.evedge.proto.ChargeRecord}. Nullable fields are unknown.
 *
 * @param id unique and stable across restarts
 * @param sequence per device, from 1
 * @param pluggedIn when the plug went in (null where the hardware cannot tell: a meter only)
 * @param unplugged when it came out (null where the hardware cannot tell, or the agent was down)
 * @param start when energy first flowed
 * @param end when it last stopped flowing
 * @param energyKWh energy added, from {@code source}
 * @param energyCost cost of that energy, priced where it flowed, unrounded
 * @param meterStart import register at the start (kWh), when a meter was read
 * @param meterStop import register at the end (kWh)
 * @param averagePowerKw energy over the time spent charging
 * @param maxPowerKw the highest power sampled
 * @param phases phases that carried current (1 to 3), 0 when unknown or DC
 * @param dc the vehicle reported a DC fast charger
 * @param stopReason OCPP 2.0.1 ReasonEnumType name
 * @param interrupted the agent restarted inside the session
 * @param timeUncertain the clock was not known to be synchronised
 * @param meterAnomalies register readings rejected
 * @param idle time plugged in after charging last ended (null when unknown)
 * @param curve downsampled power and state of charge, at most 100 points
 */
public record ClosedSession(String id, long sequence, Instant pluggedIn, Instant unplugged, Instant start,
    Instant end, double energyKWh, EnergySource source, double energyCost, Double meterStart, Double meterStop,
    Double startSoc, Double endSoc, Double startRange, Double endRange, double averagePowerKw,
    double maxPowerKw, int phases, boolean dc, String stopReason, boolean interrupted, boolean timeUncertain,
    int meterAnomalies, Duration idle, List<CurvePoint> curve) {}
