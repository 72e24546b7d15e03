package io.cyclelake.features.kernels;

/**
 * Trapezoid-rule integrals over sampled signals. Plain arrays; nothing allocates.
 *
 * <p>The variants with a {@code step} array know the cycler's step of each sample. Across a step change the interval
 * is not a trapezoid: cyclers log the last sample of a step when the step ends, so the whole interval up to the next
 * sample belongs to the new step, and the new sample's value is held back over it. (A trapezoid there would count
 * half of a 30 s logging interval of 1 A that never flowed, or miss half of one that did.) A {@code null} step array
 * means one step.
 */
public final class Integration {
  private Integration() {}

  /**
   * {@code ∫ y dx} over the first {@code n} points by the trapezoid rule.
   *
   * @param x abscissae, non-decreasing (a repeated x contributes nothing)
   * @throws IllegalArgumentException if {@code n} exceeds either array
   */
  public static double trapezoid(double[] x, double[] y, int n) {
    return trapezoid(x, y, null, n);
  }

  /** {@code ∫ y dx}, trapezoids within a step and the new value held across a step change. */
  public static double trapezoid(double[] x, double[] y, int[] step, int n) {
    check(x, y, n);
    double sum = 0;
    for (int k = 1; k < n; k++) {
      double h = x[k] - x[k - 1];
      sum += changes(step, k) ? h * y[k] : 0.5 * h * (y[k] + y[k - 1]);
    }
    return sum;
  }

  /**
   * {@code ∫ |y| dx}. Where y changes sign inside an interval, the interval is split at the linear zero crossing, so
   * the result is the exact integral of the absolute value of the piecewise-linear interpolant.
   */
  public static double trapezoidAbs(double[] x, double[] y, int n) {
    return trapezoidAbs(x, y, null, n);
  }

  /** {@code ∫ |y| dx} as {@link #trapezoidAbs(double[], double[], int)}, the new value held across a step change. */
  public static double trapezoidAbs(double[] x, double[] y, int[] step, int n) {
    check(x, y, n);
    double sum = 0;
    for (int k = 1; k < n; k++) {
      double a = y[k - 1];
      double b = y[k];
      double h = x[k] - x[k - 1];
      if (changes(step, k)) {
        sum += h * Math.abs(b);
      } else if ((a >= 0) == (b >= 0) || a == 0 || b == 0) {
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
    return trapezoidProduct(x, a, b, null, n);
  }

  /** {@code ∫ a·b dx}, trapezoids within a step and the new product held across a step change. */
  public static double trapezoidProduct(double[] x, double[] a, double[] b, int[] step, int n) {
    check(x, a, n);
    check(x, b, n);
    double sum = 0;
    for (int k = 1; k < n; k++) {
      double h = x[k] - x[k - 1];
      sum += changes(step, k) ? h * a[k] * b[k] : 0.5 * h * (a[k] * b[k] + a[k - 1] * b[k - 1]);
    }
    return sum;
  }

  private static boolean changes(int[] step, int k) {
    return step != null && step[k] != step[k - 1];
  }

  private static void check(double[] x, double[] y, int n) {
    if (n < 0 || n > x.length || n > y.length) {
      throw new IllegalArgumentException("n = " + n + " exceeds the arrays (lengths " + x.length + ", " + y.length
          + ")");
    }
  }
}
