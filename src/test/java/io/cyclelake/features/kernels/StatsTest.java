package io.cyclelake.features.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StatsTest {
  private static final double NAN = Double.NaN;

  @Test
  void momentsIgnoringNaN() {
    double[] a = {2, 4, NAN, 4, 4, 5, 5, 7, 9};
    assertEquals(8, Stats.count(a));
    assertEquals(5, Stats.mean(a), 0);
    assertEquals(32 / 7.0, Stats.variance(a), 1e-15); // Σ(x - 5)² = 32 over n - 1 = 7
    assertEquals(2, Stats.min(a), 0);
    assertEquals(9, Stats.max(a), 0);
  }

  @Test
  void skewnessAndExcessKurtosisAreTheBiasedMomentRatios() {
    // Deviations from the mean 4: -3 -2 -1 6. m2 = 50/4, m3 = 180/4, m4 = 1394/4.
    double[] a = {1, 2, 3, 10};
    assertEquals(45 / Math.pow(12.5, 1.5), Stats.skewness(a), 1e-14);
    assertEquals(348.5 / (12.5 * 12.5) - 3, Stats.kurtosis(a), 1e-14);
    assertEquals(0, Stats.skewness(new double[] {1, 2, 3, NAN}), 1e-15);
    // Two-point symmetric distribution: m4 / m2² = 1, so excess kurtosis -2.
    assertEquals(-2, Stats.kurtosis(new double[] {-1, 1, -1, 1}), 1e-15);
  }

  @Test
  void degenerateInputsGiveNaN() {
    assertEquals(NAN, Stats.mean(new double[] {NAN}));
    assertEquals(NAN, Stats.variance(new double[] {3}));
    assertEquals(NAN, Stats.min(new double[0]));
    assertEquals(NAN, Stats.max(new double[] {NAN, NAN}));
    assertEquals(NAN, Stats.skewness(new double[] {2, 2, 2}));
    assertEquals(NAN, Stats.kurtosis(new double[0]));
    assertEquals(NAN, Stats.spearman(new double[] {1, 2, 3}, new double[] {4, 4, 4}));
  }

  @Test
  void spearman() {
    double[] a = new double[12];
    double[] up = new double[12];
    double[] down = new double[12];
    for (int i = 0; i < a.length; i++) {
      a[i] = i - 3;
      up[i] = Math.exp(a[i]) + a[i] * a[i] * a[i]; // monotone increasing, far from linear
      down[i] = -up[i];
    }
    assertEquals(1, Stats.spearman(a, up), 0);
    assertEquals(-1, Stats.spearman(a, down), 0);
    // Ties get the average rank: ranks of b are 1.5 1.5 3 4; r = 4.5 / sqrt(5 · 4.5) = 3 / sqrt(10).
    assertEquals(3 / Math.sqrt(10), Stats.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 1, 2, 3}), 1e-15);
    // Ties on both sides that agree are still a perfect correlation; a NaN pair is dropped.
    assertEquals(1, Stats.spearman(new double[] {1, 2, 2, 3, NAN}, new double[] {10, 20, 20, 90, 0}), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Stats.spearman(new double[2], new double[3]));
  }

  @Test
  void averageRanks() {
    double[] r = Stats.ranks(new double[] {3, 1, 4, 1, 5, 9, 2, 6, 5});
    assertEquals(Arrays.toString(new double[] {4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5}),
        Arrays.toString(r));
  }
}
