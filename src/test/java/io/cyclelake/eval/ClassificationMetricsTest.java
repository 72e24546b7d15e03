package io.cyclelake.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
  @Test
  void aucAndAveragePrecisionMatchHandCounts() {
    double[] y = {1, 0, 1, 0, 0};
    double[] s = {0.9, 0.8, 0.7, 0.3, 0.1};
    // pairs (pos, neg) ranked right: 0.9 beats 3 negatives, 0.7 beats 2 -> 5 of 6
    assertEquals(5 / 6.0, ClassificationMetrics.rocAuc(y, s), 1e-12);
    // AP = 0.5 * 1/1 + 0.5 * 2/3
    assertEquals(0.5 + 1 / 3.0, ClassificationMetrics.averagePrecision(y, s), 1e-12);
    // ties count one half
    assertEquals(0.5, ClassificationMetrics.rocAuc(new double[] {1, 0}, new double[] {0.4, 0.4}), 1e-12);
    ClassificationMetrics m = ClassificationMetrics.of(y, s, 0.75);
    assertEquals(0.5, m.precision(), 1e-12);
    assertEquals(0.5, m.recall(), 1e-12);
    assertEquals(0.9, ClassificationMetrics.bestThreshold(y, s, 0.5), 1e-12); // precision-weighted: 1/1 at 0.9
    assertEquals(0.7, ClassificationMetrics.bestThreshold(y, s, 1.0), 1e-12); // F1 = 0.8 at 0.7
    assertTrue(Double.isNaN(ClassificationMetrics.rocAuc(new double[] {1, 1}, new double[] {0.1, 0.2})));
  }

  @Test
  void leadTimeFromTheAlarmEpisodeBeforeTheOnset() {
    long[] t = new long[200];
    boolean[] hot = new boolean[200];
    boolean[] alarm = new boolean[200];
    for (int i = 0; i < 200; i++) t[i] = i;
    for (int i = 100; i < 110; i++) hot[i] = true;   // event at 100
    for (int i = 170; i < 175; i++) hot[i] = true;   // event at 170 (70 s after the last hot second)
    for (int i = 80; i < 100; i++) alarm[i] = true;  // warned 20 s early
    for (int i = 10; i < 15; i++) alarm[i] = true;   // false alarm (no onset within 30 s)
    WarningLeadTime.Result r = WarningLeadTime.evaluate(t, hot, alarm, 60, 30);
    assertEquals(2, r.events());
    assertEquals(1, r.warned());
    assertEquals(20.0, r.meanLeadS(), 1e-12);
    assertEquals(1, r.falseAlarms());
  }
}
