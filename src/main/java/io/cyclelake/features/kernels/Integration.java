package io.cyclelake.features.kernels;

/** Trapezoid-rule integrals over sampled signals. Plain arrays; nothing allocates. */
public final class Integration {
  private Integration() {}

  /**
   * {@code ∫ y dx} over the first {@code n} points by the trapezoid rule.
   *
   * @param x abscissae, non-decreasing (a repeated x contributes nothing)
   * @throws IllegalArgumentException if {@code n} exceeds either array
   */
  public static double trapezoid(double[] x, double[] y, int n) {
    check(x, y, n);
    double sum = 0;
    for (int k = 1; k < n; k++) sum += 0.5 * (x[k] - x[k - 1]) * (y[k] + y[k - 1]);
    return sum;
  }

  /**
   * {@code ∫ |y| dx}. Where y changes sign inside an interval, the interval is split at the linear zero crossing, so
   * the result is the exact integral of the absolute value of the piecewise-linear interpolant.
   */
  public static double trapezoidAbs(double[] x, double[] y, int n) {
    check(x, y, n);
    double sum = 0;
    for (int k = 1; k < n; k++) {
      double a = y[k - 1];
      double b = y[k];
      double h = x[k] - x[k - 1];
      if ((a >= 0) == (b >= 0) || a == 0 || b == 0) {
        sum += 0.5 * h * Math.abs(a + b);
      } else {
        // Triangles on both sides of the crossing: h·(a² + b²) / (2(|a| + |b|)).
        sum += 0.5 * h * (a * a + b * b) / (Math.abs(a) + Math.abs(b));
      }
    }
    return sum;
  }

  /** {@code ∫ a·b dx} of the product of two sampled signals, trapezoid rule on the sampled product. */
  public static double trapezoidProduct(double[] x, double[] a, double[] b, int n) {
    check(x, a, n);
    check(x, b, n);
    double sum = 0;
    for (int k = 1; k < n; k++) sum += 0.5 * (x[k] - x[k - 1]) * (a[k] * b[k] + a[k - 1] * b[k - 1]);
    return sum;
  }

  private static void check(double[] x, double[] y, int n) {
    if (n < 0 || n > x.length || n > y.length) {
      throw new IllegalArgumentException("n = " + n + " exceeds the arrays (lengths " + x.length + ", " + y.length
          + ")");
    }
  }
}
