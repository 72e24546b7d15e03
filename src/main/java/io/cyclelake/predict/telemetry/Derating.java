package io.cyclelake.predict.telemetry;

import java.io.Serializable;
import java.util.Locale;

/**
 * Derating advice: a documented heuristic from the predicted overheating risk and temperature change to a power
 * limit in steps (settings {@code cyclelake.telemetry.derating}).
 *
 * <ol>
 *   <li>Target: keep the hottest temperature below {@code limitC = threshold − margin}.</li>
 *   <li>Projected temperature: {@code Tp = T + max(ΔT̂₃₀, 0)}.</li>
 *   <li>No warning ({@code p < alarm threshold}) and {@code Tp ≤ limitC}: no limit (100 %).</li>
 *   <li>Otherwise, the rise above the coolant ({@code Tp − Tcool}; ambient if no coolant, else 25 °C) must shrink to
 *       {@code limitC − Tcool}. Losses, and so the rise, grow about as power^{@code loss-exponent}; the power must
 *       fall to {@code f = (allowed / rise)^(1/loss-exponent)} of the recent load (mean DC power of the last 60 s).
 *       A warning with {@code f ≥ 1} (the classifier sees risk that the forecast does not) takes one step off the
 *       recent load.</li>
 *   <li>Limit in % of rated power: {@code f × recent load / rated}, rounded down to a multiple of {@code step-pct},
 *       at least {@code min-pct}, at most 100.</li>
 * </ol>
 */
public record Derating(double thresholdC, double marginC, int stepPct, int minPct, double lossExponent,
    double ratedKw) implements Serializable {

  /** The advice: limit in % of rated power (100 = none) and the reason in words. */
  public record Advice(int limitPct, String text) {}

  public Advice advise(double probability, double alarmThreshold, double tempC, double deltaT30C, double coolantC,
      double ambientC, double recentPowerKw) {
    double limitC = thresholdC - marginC;
    double projected = tempC + Math.max(Double.isNaN(deltaT30C) ? 0 : deltaT30C, 0);
    boolean warn = probability >= alarmThreshold;
    if (Double.isNaN(tempC) || (!warn && !(projected > limitC))) {
      return new Advice(100, Double.isNaN(tempC) ? "no temperature this second: no advice" : "no action");
    }
    double ref = !Double.isNaN(coolantC) ? coolantC : !Double.isNaN(ambientC) ? ambientC : 25;
    double rise = projected - ref;
    double allowed = limitC - ref;
    double load = Double.isNaN(recentPowerKw) ? ratedKw : Math.max(0, Math.abs(recentPowerKw));
    double f;
    if (allowed <= 0) {
      f = 0;
    } else if (rise > allowed) {
      f = Math.pow(allowed / rise, 1 / lossExponent);
    } else {
      f = 1 - stepPct / 100.0;
    }
    int pct = (int) (Math.floor(100 * f * load / ratedKw / stepPct) * stepPct);
    pct = Math.max(minPct, Math.min(100 - stepPct, pct));
    return new Advice(pct, String.format(Locale.ROOT, "limit power to %d %% of rated: P(overheat) = %.2f%s, "
        + "forecast %.1f degC vs limit %.1f degC", pct, probability, warn ? " (warning)" : "", projected, limitC));
  }
}
