package io.cyclelake.features.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.features.kernels.Resample.Direction;
import org.junit.jupiter.api.Test;

class ResampleTest {
  private static final double NAN = Double.NaN;

  @Test
  void cumulativeTrapezoidIsExactOnATriangle() {
    // y = x up to x = 2, then 4 - x: the pieces are linear, so the trapezoid rule is exact. Total area 4.
    double[] x = {0, 0.5, 2, 3, 4};
    double[] y = {0, 0.5, 2, 1, 0};
    assertArrayEquals(new double[] {0, 0.125, 2, 3.5, 4}, Resample.cumulativeTrapezoid(x, y), 1e-15);
    assertEquals(0, Resample.cumulativeTrapezoid(new double[0], new double[0]).length);
    assertThrows(IllegalArgumentException.class, () -> Resample.cumulativeTrapezoid(x, new double[2]));
  }

  @Test
  void interpHoldsTheEndValuesLikeNumpy() {
    double[] xp = {1, 2, 4};
    double[] fp = {10, 20, 0};
    double[] got = Resample.interp(new double[] {0, 1, 1.5, 2, 3, 4, 5, NAN, 3.5}, xp, fp);
    assertArrayEquals(new double[] {10, 10, 15, 20, 10, 0, 0, NAN, 5}, got, 1e-14);
    // A repeated abscissa is a jump: at it the right-hand value wins.
    double[] step = Resample.interp(new double[] {0.5, 1, 1.5}, new double[] {0, 1, 1, 2}, new double[] {0, 0, 1, 1});
    assertArrayEquals(new double[] {0, 1, 1}, step, 0);
    var e = assertThrows(IllegalArgumentException.class,
        () -> Resample.interp(new double[] {1}, new double[] {1, 3, 2}, new double[3]));
    assertEquals("xp must be non-decreasing: xp[1] = 3.0, xp[2] = 2.0", e.getMessage());
  }

  @Test
  void ontoGridOfAStraightLineIsExactAndNaNOutsideTheMeasuredRange() {
    double[] v = {3.0, 3.3, 3.35, 3.9, 4.0};
    double[] q = new double[v.length];
    for (int i = 0; i < v.length; i++) q[i] = 2 * (v[i] - 3.0);
    double[] g = Resample.ontoGrid(v, q, 2.9, 0.1, 13); // 2.9 .. 4.1
    assertTrue(Double.isNaN(g[0]));
    assertTrue(Double.isNaN(g[12]));
    for (int i = 1; i <= 11; i++) assertEquals(2 * (2.9 + 0.1 * i - 3.0), g[i], 1e-12, "at " + i);
  }

  @Test
  void ontoGridCopesWithAReversalAPlateauAndDuplicatePoints() {
    // Charge in time order: a noisy reversal (3.2 -> 3.15), duplicate (v, q) points at 3.3, an exact plateau at 3.5
    // while q keeps rising, and an unusable NaN sample.
    double[] v = {3.0, 3.1, 3.2, 3.15, 3.3, 3.3, 3.4, 3.5, 3.5, 3.5, NAN, 3.6};
    double[] q = {0.0, 1.0, 2.0, 2.5, 3.0, 3.0, 4.0, 5.0, 6.0, 7.0, 9.9, 8.0};
    // Running maximum: 3.15 sits at 3.2 (q 2.5 is kept, the last of that run); the duplicates collapse; the plateau
    // keeps q = 7. So xp = 3.0 3.1 3.2 3.3 3.4 3.5 3.6 with fp = 0 1 2.5 3 4 7 8.
    double[] g = Resample.ontoGrid(v, q, Direction.RISING, 3.0, 0.05, 13);
    double[] expected = {0, 0.5, 1, 1.75, 2.5, 2.75, 3, 3.5, 4, 5.5, 7, 7.5, 8};
    assertArrayEquals(expected, g, 1e-12);
    for (int i = 1; i < g.length; i++) assertTrue(g[i] >= g[i - 1], "monotone at " + i);
    // Auto-detection sees a net rise.
    assertArrayEquals(g, Resample.ontoGrid(v, q, 3.0, 0.05, 13), 0);
    // The naive approach fails on the same data: the raw voltage is not a valid xp.
    assertThrows(IllegalArgumentException.class, () -> Resample.interp(new double[] {3.2}, v, q));
  }

  @Test
  void ontoGridOfADischargeUsesTheRunningMinimum() {
    double[] v = {4.0, 3.9, 3.95, 3.8, 3.8, 3.7};
    double[] q = {0.0, 1.0, 1.5, 2.0, 2.5, 3.0};
    // Running minimum 4.0 3.9 3.9 3.8 3.8 3.7 -> points (4.0, 0) (3.9, 1.5) (3.8, 2.5) (3.7, 3).
    double[] expected = {NAN, NAN, 3, 2.75, 2.5, 2, 1.5, 0.75, 0, NAN};
    assertArrayEquals(expected, Resample.ontoGrid(v, q, Direction.FALLING, 3.6, 0.05, 10), 1e-12);
    assertArrayEquals(expected, Resample.ontoGrid(v, q, 3.6, 0.05, 10), 1e-12);
  }

  @Test
  void ontoGridEdgeCases() {
    assertArrayEquals(new double[] {NAN, NAN}, Resample.ontoGrid(new double[0], new double[0], 0, 1, 2), 0);
    // A single distinct voltage: only the grid point on it is defined (the last q of the run).
    assertArrayEquals(new double[] {NAN, 2, NAN},
        Resample.ontoGrid(new double[] {1, 1}, new double[] {1, 2}, 0, 1, 3), 0);
    assertEquals("gridStep must be finite and > 0, got 0.0", assertThrows(IllegalArgumentException.class,
        () -> Resample.ontoGrid(new double[1], new double[1], 0, 0, 3)).getMessage());
    assertEquals("v and q lengths differ: 1 vs 2", assertThrows(IllegalArgumentException.class,
        () -> Resample.ontoGrid(new double[1], new double[2], 0, 1, 3)).getMessage());
  }
}
