package io.cyclelake.features.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.features.kernels.SavitzkyGolay.EdgeMode;
import org.junit.jupiter.api.Test;

class SavitzkyGolayTest {
  private static double[] scaled(double divisor, double... v) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) out[i] /= divisor;
    return out;
  }

  @Test
  void classicSmoothingCoefficients() {
    assertArrayEquals(scaled(35, -3, 12, 17, 12, -3), SavitzkyGolay.coefficients(5, 2, 0, 1.0), 1e-15);
    double[] seven = scaled(21, -2, 3, 6, 7, 6, 3, -2);
    assertArrayEquals(seven, SavitzkyGolay.coefficients(7, 2, 0, 1.0), 1e-15);
    // An odd-degree term adds nothing to the value at the centre of a symmetric window.
    assertArrayEquals(seven, SavitzkyGolay.coefficients(7, 3, 0, 1.0), 1e-15);
  }

  @Test
  void derivativeCoefficientsAreInConvolutionOrder() {
    // Slope of the least-squares line over x = -2..2 is Σ x·y / Σ x² = Σ x·y / 10; with delta 0.5 divide by 0.5.
    // Convolution order lists the weight of offset +2 first.
    assertArrayEquals(scaled(5, 2, 1, 0, -1, -2), SavitzkyGolay.coefficients(5, 2, 1, 0.5), 1e-15);
    assertArrayEquals(new double[5], SavitzkyGolay.coefficients(5, 2, 3, 1.0));
  }

  @Test
  void cubicIsReproducedExactlyIncludingTheEdges() {
    int n = 30;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double x = 0.1 * i;
      y[i] = 2 * x * x * x - 3 * x * x + x - 4;
    }
    assertArrayEquals(y, SavitzkyGolay.filter(y, 7, 3, 0, 0.1, EdgeMode.INTERP), 1e-11);
    // Padded modes distort only the outputs whose window crosses an end.
    double[] mirror = SavitzkyGolay.filter(y, 7, 3, 0, 0.1, EdgeMode.MIRROR);
    for (int i = 3; i < n - 3; i++) assertEquals(y[i], mirror[i], 1e-11);
  }

  @Test
  void firstDerivativeOfAQuadraticIsExact() {
    double h = 0.05;
    double[] y = new double[25];
    for (int i = 0; i < y.length; i++) {
      double x = 1 + h * i;
      y[i] = 3 * x * x - 2 * x + 1;
    }
    double[] d = SavitzkyGolay.filter(y, 5, 2, 1, h, EdgeMode.INTERP);
    for (int i = 0; i < y.length; i++) assertEquals(6 * (1 + h * i) - 2, d[i], 1e-10, "at " + i);
    double[] d2 = SavitzkyGolay.filter(y, 5, 2, 2, h, EdgeMode.INTERP);
    for (int i = 0; i < y.length; i++) assertEquals(6, d2[i], 1e-7, "second derivative at " + i);
  }

  @Test
  void edgeModesOnAThreePointMovingAverage() {
    double[] y = {1, 2, 3, 4};
    // window 3, order 0 = moving average; interior outputs are 2 and 3 in every mode.
    assertArrayEquals(new double[] {5 / 3.0, 2, 3, 10 / 3.0}, SavitzkyGolay.filter(y, 3, 0, 0, 1, EdgeMode.MIRROR),
        1e-14); // (2+1+2)/3, (3+4+3)/3
    assertArrayEquals(new double[] {4 / 3.0, 2, 3, 11 / 3.0}, SavitzkyGolay.filter(y, 3, 0, 0, 1, EdgeMode.NEAREST),
        1e-14); // (1+1+2)/3, (3+4+4)/3
    assertArrayEquals(new double[] {1, 2, 3, 7 / 3.0}, SavitzkyGolay.filter(y, 3, 0, 0, 1, EdgeMode.CONSTANT),
        1e-14); // (0+1+2)/3, (3+4+0)/3
    assertArrayEquals(new double[] {7 / 3.0, 2, 3, 8 / 3.0}, SavitzkyGolay.filter(y, 3, 0, 0, 1, EdgeMode.WRAP),
        1e-14); // (4+1+2)/3, (3+4+1)/3
    assertArrayEquals(new double[] {2, 2, 3, 3}, SavitzkyGolay.filter(y, 3, 0, 0, 1, EdgeMode.INTERP),
        1e-14); // constant fitted to the first / last three samples
  }

  @Test
  void paddedModesWorkWhenTheWindowIsLongerThanTheSignal() {
    double[] y = {0, 1, 2};
    // Order 1 smoothing = 7-point moving average. Wrap at i=0 sees 0 1 2 | 0 | 1 2 0 -> 6/7.
    assertArrayEquals(new double[] {6 / 7.0, 1, 8 / 7.0}, SavitzkyGolay.filter(y, 7, 1, 0, 1, EdgeMode.WRAP), 1e-15);
    // Mirror at i=0 sees 1 2 1 | 0 | 1 2 1 -> 8/7.
    assertArrayEquals(new double[] {8 / 7.0, 1, 6 / 7.0}, SavitzkyGolay.filter(y, 7, 1, 0, 1, EdgeMode.MIRROR),
        1e-15);
    assertArrayEquals(new double[] {1.8, 2.2}, SavitzkyGolay.filter(new double[] {1, 3}, 5, 0, 0, 1, EdgeMode.MIRROR),
        1e-15); // 1 3 | 1 | 3 1 and 3 1 | 3 | 1 3
  }

  @Test
  void nanSpoilsOnlyTheWindowsThatContainIt() {
    double[] y = new double[20];
    for (int i = 0; i < y.length; i++) y[i] = i;
    y[10] = Double.NaN;
    double[] s = SavitzkyGolay.filter(y, 5, 2, 0, 1, EdgeMode.INTERP);
    for (int i = 0; i < y.length; i++) {
      assertEquals(i >= 8 && i <= 12, Double.isNaN(s[i]), "at " + i);
      if (!Double.isNaN(s[i])) assertEquals(i, s[i], 1e-12);
    }
  }

  @Test
  void filterIntoUsesTheCallersBuffer() {
    double[] y = {1, 4, 9, 16, 25, 36, 49};
    double[] out = new double[9];
    out[8] = 42;
    SavitzkyGolay.filterInto(y, 5, 2, 0, 1, EdgeMode.INTERP, out);
    for (int i = 0; i < y.length; i++) assertEquals(y[i], out[i], 1e-12);
    assertEquals(42, out[8]);
  }

  @Test
  void argumentsAreChecked() {
    double[] y = new double[10];
    assertEquals("window must be a positive odd number, got 6",
        assertThrows(IllegalArgumentException.class, () -> SavitzkyGolay.coefficients(6, 2, 0, 1)).getMessage());
    assertEquals("polyorder must be in [0, window), got polyorder = 5, window = 5",
        assertThrows(IllegalArgumentException.class, () -> SavitzkyGolay.coefficients(5, 5, 0, 1)).getMessage());
    assertEquals("window = 11 exceeds y.length = 10 (mode INTERP)", assertThrows(IllegalArgumentException.class,
        () -> SavitzkyGolay.filter(y, 11, 2, 0, 1, EdgeMode.INTERP)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> SavitzkyGolay.filter(y, 5, 2, 0, 0, EdgeMode.MIRROR)).getMessage().startsWith("delta"));
    assertEquals(0, SavitzkyGolay.filter(new double[0], 5, 2, 0, 1, EdgeMode.WRAP).length);
  }
}
