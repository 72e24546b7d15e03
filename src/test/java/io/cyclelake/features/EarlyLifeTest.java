package io.cyclelake.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.features.kernels.Stats;
import org.junit.jupiter.api.Test;

class EarlyLifeTest {
  @Test
  void gridIncludesItsEnd() {
    EarlyLife.Grid g = EarlyLife.Grid.between(3.0, 4.0, 0.1);
    assertEquals(11, g.size());
    assertEquals(4.0, g.voltages()[10], 1e-12);
    assertThrows(IllegalArgumentException.class, () -> EarlyLife.Grid.between(4.0, 3.0, 0.1));
  }

  /**
   * A 1 A discharge from 4.0 V falling 0.1 V per 360 s (0.1 Ah), whose first sample came 36 s into the step:
   * Q(V) = 0.01 Ah (lead-in) + (4.0 − V) Ah/V.
   */
  @Test
  void dischargeCurveIsChargePassedAgainstFallingVoltage() {
    int n = 11;
    double[] t = new double[n];
    double[] v = new double[n];
    double[] i = new double[n];
    for (int k = 0; k < n; k++) {
      t[k] = 36 + 360 * k;
      v[k] = 4.0 - 0.1 * k;
      i[k] = -1.0;
    }
    double[] q = EarlyLife.dischargeCurve(t, v, i, n, new EarlyLife.Grid(2.9, 0.05, 24)); // 2.90 .. 4.05 V
    assertTrue(Double.isNaN(q[0]), "2.90 V was never reached");
    assertEquals(0.01 + 1.0, q[2], 1e-12); // 3.00 V
    assertEquals(0.01 + 0.25, q[17], 1e-12); // 3.75 V
    assertEquals(0.01, q[22], 1e-12); // 4.00 V: the first sample
    assertTrue(Double.isNaN(q[23]), "4.05 V is above the discharge");
  }

  @Test
  void deltaQStatisticsByHand() {
    double[] qa = {1.0, 2.0, 3.0, Double.NaN, 5.0};
    double[] qb = {1.5, 1.0, 3.0, 4.0, 4.5};
    // ΔQ on the 4 points where both exist: 0.5, -1, 0, -0.5; mean -0.25; deviations .75 -.75 .25 -.25.
    EarlyLife.DeltaQ d = EarlyLife.deltaQ(qa, qb);
    assertEquals(4, d.points());
    assertEquals(-0.25, d.mean(), 1e-12);
    assertEquals(-1.0, d.min(), 1e-12);
    assertEquals((0.5625 * 2 + 0.0625 * 2) / 3, d.variance(), 1e-12);
    assertEquals(0.0, d.skewness(), 1e-12); // symmetric about the mean
    // m2 = 1.25/4 = 0.3125, m4 = (2·0.31640625 + 2·0.00390625)/4 = 0.16015625; g2 = m4/m2² − 3
    assertEquals(0.16015625 / (0.3125 * 0.3125) - 3, d.kurtosis(), 1e-12);
    assertTrue(Double.isNaN(d.deltaQ()[3]));
  }

  @Test
  void linearFitByHandSkipsNaN() {
    Stats.Line l = Stats.linearFit(new double[] {1, 2, 3, 4}, new double[] {2.0, 1.9, Double.NaN, 1.7});
    // Points (1, 2.0), (2, 1.9), (4, 1.7): exactly y = 2.1 - 0.1 x.
    assertEquals(-0.1, l.slope(), 1e-12);
    assertEquals(2.1, l.intercept(), 1e-12);
    assertTrue(Double.isNaN(Stats.linearFit(new double[] {1, 1}, new double[] {1, 2}).slope()));
  }
}
