package io.cyclelake.predict.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeratingTest {
  final Derating d = new Derating(90, 3, 10, 30, 1.5, 100);

  @Test
  void noRiskNoLimit() {
    assertEquals(100, d.advise(0.1, 0.5, 70, 2, 40, 25, 80).limitPct());
  }

  @Test
  void projectedOverTheLimitScalesTheRiseByThePowerLaw() {
    // projected 95, coolant 40: rise 55 must become 47 -> f = (47/55)^(1/1.5) = 0.9006; at 80 kW of 100: 72 % -> 70
    Derating.Advice a = d.advise(0.2, 0.5, 90, 5, 40, 25, 80);
    assertEquals(70, a.limitPct());
    // a cooler coolant needs less
    assertEquals(70, d.advise(0.2, 0.5, 90, 5, 20, 25, 80).limitPct());
    // hard cases are floored at min-pct
    assertEquals(30, d.advise(0.9, 0.5, 130, 10, 80, 25, 100).limitPct());
  }

  @Test
  void aWarningWithoutAForecastExcessTakesOneStep() {
    // 60 kW recent load, warning, forecast below the limit: 90 % of 60 kW = 54 % of rated -> 50
    assertEquals(50, d.advise(0.8, 0.5, 80, 1, 40, 25, 60).limitPct());
  }
}
