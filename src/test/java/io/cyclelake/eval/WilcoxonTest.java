package io.cyclelake.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.junit.jupiter.api.Test;

/** The signed-rank test against closed forms and against Apache Commons Math's exact test (untied data). */
class WilcoxonTest {
  @Test
  void allOfOneSignGivesTheSmallestExactP() {
    // n = 5, all positive: W+ = 15; only the all-plus and all-minus patterns are as extreme: p = 2/32.
    Wilcoxon.Result r = Wilcoxon.test(new double[] {1, 2, 3, 4, 5});
    assertEquals(5, r.n());
    assertEquals(15, r.wPlus());
    assertEquals(0, r.wMinus());
    assertEquals(2.0 / 32, r.p(), 1e-15);
    assertEquals(2.0 / 32, r.minP(), 1e-15);
    assertTrue(r.exact());
  }

  @Test
  void fourFoldsCanNeverReachFivePercent() {
    Wilcoxon.Result r = Wilcoxon.test(new double[] {-0.01, -0.02, -0.005, -0.03});
    assertEquals(2.0 / 16, r.p(), 1e-15);
    assertEquals(0.125, r.minP(), 1e-15);
  }

  @Test
  void zerosAreDroppedAndTiesShareTheirMeanRank() {
    assertArrayEquals(new double[] {1.5, 1.5, 3, 4.5, 4.5}, Wilcoxon.midranks(new double[] {1, 1, 2, 3, 3}));
    // d = 0, 1, -1, 2: zero dropped; |d| = 1, 1, 2 -> ranks 1.5, 1.5, 3; W+ = 4.5, W- = 1.5; |W+ - W-| = 3.
    // The 8 sign patterns give |2 W+ - 6| = 6, 3, 3, 0, 0, 3, 3, 6: 6 of 8 are >= 3.
    Wilcoxon.Result r = Wilcoxon.test(new double[] {0, 1, -1, 2});
    assertEquals(3, r.n());
    assertEquals(1, r.zeros());
    assertEquals(4.5, r.wPlus());
    assertEquals(1.5, r.wMinus());
    assertEquals(6.0 / 8, r.p(), 1e-15);
    assertEquals(1.0, Wilcoxon.test(new double[] {0, 0}).p());
    assertThrows(IllegalArgumentException.class, () -> Wilcoxon.test(new double[] {1, Double.NaN}));
  }

  @Test
  void exactPEqualsCommonsMathOnUntiedSamples() {
    Random rnd = new Random(5);
    WilcoxonSignedRankTest cm = new WilcoxonSignedRankTest();
    for (int trial = 0; trial < 200; trial++) {
      int n = 3 + rnd.nextInt(10);
      double[] x = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = rnd.nextGaussian();
        y[i] = x[i] + rnd.nextGaussian() + (trial % 3) * 0.5;
      }
      double[] d = new double[n];
      for (int i = 0; i < n; i++) d[i] = y[i] - x[i];
      // Commons Math: 2 P(W <= min(W+, W-)), capped at 1; the same as ours when the ranks are untied.
      double expected = Math.min(1.0, cm.wilcoxonSignedRankTest(y, x, true));
      assertEquals(expected, Wilcoxon.test(d).p(), 1e-12, "trial " + trial + ", n " + n);
    }
  }

  @Test
  void largeSamplesUseTheNormalApproximation() {
    // 1..30 all positive: W+ = 465, mean 232.5, variance 30 * 31 * 61 / 24, p = 2 (1 - Phi(z)).
    double[] d = new double[30];
    for (int i = 0; i < d.length; i++) d[i] = i + 1;
    Wilcoxon.Result r = Wilcoxon.test(d);
    assertFalse(r.exact());
    assertEquals(465, r.wPlus());
    double z = (465 - 232.5) / Math.sqrt(30 * 31 * 61 / 24.0);
    double p = 2 * (1 - new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(z));
    assertEquals(p, r.p(), 1e-8);
    // Against Commons Math's large-sample p, which subtracts a 0.5 continuity correction: close, not equal.
    Random rnd = new Random(3);
    WilcoxonSignedRankTest cm = new WilcoxonSignedRankTest();
    for (int trial = 0; trial < 20; trial++) {
      double[] x = new double[30 + trial];
      for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian() + 0.1 * trial;
      assertEquals(cm.wilcoxonSignedRankTest(x, new double[x.length], false), Wilcoxon.test(x).p(), 0.01);
    }
  }
}
