package io.cyclelake.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CycleSummaryTest {
  /** A 2 A constant-current discharge for 1 h with voltage falling linearly from 4.0 to 3.0 V. */
  @Test
  void constantCurrentDischargeByHand() {
    int n = 61;
    double[] t = new double[n];
    double[] v = new double[n];
    double[] i = new double[n];
    double[] temp = new double[n];
    for (int k = 0; k < n; k++) {
      t[k] = 60.0 * k;
      v[k] = 4.0 - k / 60.0;
      i[k] = -2.0;
      temp[k] = 24.0 + 0.1 * k; // linear 24 -> 30
    }
    CycleSummary s = CycleSummary.of(t, v, i, temp, n);
    assertEquals(61, s.nSamples());
    assertEquals(3600.0, s.durationS(), 1e-9);
    assertEquals(2.0, s.chargeAh(), 1e-12);
    assertEquals(2.0, s.throughputAh(), 1e-12);
    assertEquals(7.0, s.energyWh(), 1e-9); // 2 A x mean 3.5 V x 1 h
    assertEquals(3.5, s.voltageMeanV(), 1e-12);
    assertEquals(3.0, s.voltageMinV(), 1e-12);
    assertEquals(4.0, s.voltageMaxV(), 1e-12);
    assertEquals(-2.0, s.currentMeanA(), 1e-12);
    assertEquals(27.0, s.temperatureMeanC(), 1e-9);
    assertEquals(30.0, s.temperatureMaxC(), 1e-9);
    assertEquals(24.0, s.temperatureMinC(), 1e-9);
    assertEquals(6.0, s.temperatureRiseC(), 1e-9);
  }

  /**
   * NASA's Capacity rule: the trapezoid of |I| up to and including the first sample below the cutoff, not to the end.
   * By hand: samples at 0, 10, 20, 30, 40 s with |I| 0, 2, 2, 2, 0.01 A and V 4.1, 3.5, 2.9, 2.6, 3.0 (the load
   * switched off after the 2.6 V sample, the voltage relaxing). To 2.7 V (through t = 30 s): 10 + 20 + 20 = 50 A·s;
   * to the end 50 + 10·(2 + 0.01)/2 = 60.05 A·s; to 2.95 V (through t = 20 s): 30 A·s.
   */
  @Test
  void chargeToCutoffStopsAtTheFirstSampleBelowIt() {
    double[] t = {0, 10, 20, 30, 40};
    double[] v = {4.1, 3.5, 2.9, 2.6, 3.0};
    double[] i = {0, -2, -2, -2, -0.01};
    assertEquals(50.0 / 3600, CycleSummary.chargeToCutoffAh(t, v, i, null, 5, 2.7), 1e-15);
    assertEquals(30.0 / 3600, CycleSummary.chargeToCutoffAh(t, v, i, null, 5, 2.95), 1e-15);
    // never below the cutoff: the whole discharge, as chargeAh
    assertEquals(60.05 / 3600, CycleSummary.chargeToCutoffAh(t, v, i, null, 5, 2.0), 1e-15);
    assertEquals(CycleSummary.of(t, v, i, new double[5], 5).chargeAh(),
        CycleSummary.chargeToCutoffAh(t, v, i, null, 5, 2.0), 1e-15);
    // a first sample 5 s after the start counts the lead interval at its current, as chargeAh does: 5 s x 1 A,
    // then 5 x (1 + 2) / 2 and 10 x (2 + 1) / 2 through the 2.5 V sample
    assertEquals((5 + 7.5 + 15) / 3600.0, CycleSummary.chargeToCutoffAh(new double[] {5, 10, 20},
        new double[] {3.9, 3.0, 2.5}, new double[] {-1, -2, -1}, null, 3, 2.7), 1e-15);
  }

  @Test
  void meansAreTimeWeightedAndMissingTemperaturesAreSkipped() {
    double[] t = {0, 10, 100};
    double[] v = {3, 4, 4};
    double[] i = {1, 1, 1};
    double[] temp = {Double.NaN, 20, 22};
    CycleSummary s = CycleSummary.of(t, v, i, temp, 3);
    // ∫v dt = 35 + 360 = 395 over 100 s.
    assertEquals(3.95, s.voltageMeanV(), 1e-12);
    assertEquals(21.0, s.temperatureMeanC(), 1e-12); // only the [10, 100] interval has both ends
    assertEquals(2.0, s.temperatureRiseC(), 1e-12); // from the first present value
  }

  @Test
  void oneSampleGivesZeroIntegralsAndPlainMeans() {
    CycleSummary s = CycleSummary.of(new double[] {0}, new double[] {3.7}, new double[] {-1},
        new double[] {Double.NaN}, 1);
    assertEquals(0.0, s.durationS());
    assertEquals(0.0, s.chargeAh());
    assertEquals(3.7, s.voltageMeanV());
    assertEquals(3.7, s.voltageEndV());
    assertTrue(Double.isNaN(s.temperatureMaxC()));
  }

  @Test
  void theStepBeforeTheFirstLoggedSampleIsCountedAtTheFirstCurrent() {
    // A 1.1 A discharge logged every 30 s whose first row came 30 s into the step (CALCE CS2's Arbin files).
    double[] t = {30, 60, 90};
    double[] v = {4.0, 3.9, 3.8};
    double[] i = {-1.1, -1.1, -1.1};
    double[] temp = {Double.NaN, Double.NaN, Double.NaN};
    CycleSummary s = CycleSummary.of(t, v, i, temp, 3);
    assertEquals(90.0, s.durationS(), 1e-12);
    assertEquals(1.1 * 90 / 3600, s.chargeAh(), 1e-12);
    assertEquals(1.1 * 90 / 3600, s.throughputAh(), 1e-12);
    // 30 s at 4.0 V held, then trapezoids 3.95 and 3.85 V over 30 s each.
    assertEquals(1.1 * (30 * 4.0 + 30 * 3.95 + 30 * 3.85) / 3600, s.energyWh(), 1e-12);
    assertEquals(3.9, s.voltageMeanV(), 1e-12); // means are over the logged samples
    assertEquals(3.8, s.voltageEndV(), 1e-12);
  }

  @Test
  void timeGoingBackwardsIsRejectedWithTheIndex() {
    var e = assertThrows(IllegalArgumentException.class, () -> CycleSummary.of(new double[] {0, 5, 4},
        new double[3], new double[3], new double[3], 3));
    assertEquals("time must be non-decreasing: t[2] = 4.0 < t[1] = 5.0", e.getMessage());
  }
}
