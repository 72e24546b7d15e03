package io.cyclelake.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {
  @Test
  void metricsByHand() {
    double[] actual = {1.0, 2.0, 3.0, 4.0};
    double[] predicted = {1.1, 1.92, 3.3, 4.0};
    RegressionMetrics m = RegressionMetrics.of(actual, predicted);
    assertEquals(4, m.n());
    assertEquals(0.12, m.mae(), 1e-12); // (0.1 + 0.08 + 0.3 + 0) / 4
    assertEquals(Math.sqrt(0.1064 / 4), m.rmse(), 1e-12); // (0.01 + 0.0064 + 0.09) / 4
    assertEquals(6.0, m.mapePct(), 1e-9); // 100 (0.1 + 0.04 + 0.1 + 0) / 4
    assertEquals(1 - 0.1064 / 5.0, m.r2(), 1e-12); // SS_tot = 2.25 + 0.25 + 0.25 + 2.25
    assertEquals(0.25, m.within3pct(), 1e-12); // only the exact 4.0
    assertEquals(0.5, m.within5pct(), 1e-12); // 1.92 (4 %) and 4.0
  }

  @Test
  void zeroActualsAreLeftOutOfRelativeMetrics() {
    RegressionMetrics m = RegressionMetrics.of(new double[] {0.0, 2.0}, new double[] {1.0, 2.0});
    assertEquals(0.0, m.mapePct(), 1e-12);
    assertEquals(1.0, m.within3pct(), 1e-12);
    assertEquals(0.5, m.mae(), 1e-12);
  }

  @Test
  void constantActualsHaveNoR2() {
    assertTrue(Double.isNaN(RegressionMetrics.of(new double[] {1, 1}, new double[] {1, 2}).r2()));
    assertTrue(Double.isNaN(RegressionMetrics.of(new double[0], new double[0]).mae()));
  }
}
