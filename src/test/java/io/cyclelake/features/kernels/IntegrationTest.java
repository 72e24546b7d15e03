package io.cyclelake.features.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IntegrationTest {
  @Test
  void trapezoidIsExactForLinearFunctions() {
    double[] x = {0, 1, 3, 6};
    double[] y = {1, 3, 7, 13}; // y = 2x + 1: integral over [0, 6] = 36 + 6 = 42
    assertEquals(42.0, Integration.trapezoid(x, y, 4), 1e-12);
    assertEquals(2.0, Integration.trapezoid(x, y, 2), 1e-12); // over [0, 1]: x^2 + x = 1 + 1
    assertEquals(0.0, Integration.trapezoid(x, y, 1));
    assertEquals(0.0, Integration.trapezoid(x, y, 0));
  }

  @Test
  void trapezoidOnSineConvergesAtSecondOrder() {
    double e1 = Math.abs(sineIntegral(100) - 2.0);
    double e2 = Math.abs(sineIntegral(200) - 2.0);
    // Error bound of the composite rule: (b-a) h^2 max|f''| / 12 = pi^3 / (12 n^2).
    assertEquals(0, e1, Math.pow(Math.PI, 3) / (12 * 100 * 100));
    assertEquals(4.0, e1 / e2, 0.01); // halving h quarters the error
  }

  private static double sineIntegral(int intervals) {
    double[] x = new double[intervals + 1];
    double[] y = new double[intervals + 1];
    for (int k = 0; k <= intervals; k++) {
      x[k] = Math.PI * k / intervals;
      y[k] = Math.sin(x[k]);
    }
    return Integration.trapezoid(x, y, x.length);
  }

  @Test
  void absoluteIntegralSplitsIntervalsAtTheZeroCrossing() {
    // y goes 2 -> -2 over [0, 2]: two triangles of area 1 each; the signed integral is 0.
    double[] x = {0, 2};
    double[] y = {2, -2};
    assertEquals(0.0, Integration.trapezoid(x, y, 2), 1e-15);
    assertEquals(2.0, Integration.trapezoidAbs(x, y, 2), 1e-15);
    // Same sign: equals |trapezoid|.
    assertEquals(6.0, Integration.trapezoidAbs(new double[] {0, 2}, new double[] {-1, -5}, 2), 1e-15);
    // Asymmetric crossing 1 -> -3 over [0, 4]: zero at x = 1, areas 0.5 and 4.5.
    assertEquals(5.0, Integration.trapezoidAbs(new double[] {0, 4}, new double[] {1, -3}, 2), 1e-15);
  }

  @Test
  void productIntegralOfConstants() {
    double[] t = {0, 10, 30};
    double[] v = {4, 4, 4};
    double[] i = {-2, -2, -2};
    assertEquals(-240.0, Integration.trapezoidProduct(t, v, i, 3), 1e-12);
  }

  @Test
  void lengthsAreChecked() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Integration.trapezoid(new double[2], new double[3], 3));
    assertEquals("n = 3 exceeds the arrays (lengths 2, 3)", e.getMessage());
  }

  /**
   * CALCE's Arbin pattern: a rest row, then a 1.1 A discharge step whose first row is logged 30 s in, then the step's
   * last row at its end and a rest row 60 s later. Held across step changes, the integral is exactly 1.1 A over the
   * discharge step (30 + 60 s); plain trapezoids count half of each boundary interval wrongly.
   */
  @Test
  void stepChangesHoldTheNewStepsValue() {
    double[] t = {0, 30, 90, 150};
    double[] i = {0, -1.1, -1.1, 0};
    int[] step = {6, 7, 7, 8};
    assertEquals(-1.1 * 90, Integration.trapezoid(t, i, step, 4), 1e-12);
    assertEquals(1.1 * 90, Integration.trapezoidAbs(t, i, step, 4), 1e-12);
    double[] v = {4.2, 4.0, 3.0, 3.4};
    assertEquals(-1.1 * (30 * 4.0 + 60 * 3.5), Integration.trapezoidProduct(t, v, i, step, 4), 1e-12);
    // Without steps: trapezoids, -(15 + 66 + 33) = -114 As.
    assertEquals(-(0.5 * 30 * 1.1 + 60 * 1.1 + 0.5 * 60 * 1.1), Integration.trapezoid(t, i, null, 4), 1e-12);
  }
}
