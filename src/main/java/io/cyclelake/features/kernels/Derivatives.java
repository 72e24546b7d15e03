package io.cyclelake.features.kernels;

import java.util.Arrays;

/**
 * Numerical derivatives of sampled signals, and the incremental-capacity (dQ/dV, ICA) and differential-voltage
 * (dV/dQ, DVA) curves of a charge or discharge.
 */
public final class Derivatives {
  private Derivatives() {}

  /** A curve sampled at {@code x}; {@code y[i]} is NaN where the curve is undefined. */
  public record Curve(double[] x, double[] y) {
    public Curve {
      if (x.length != y.length) {
        throw new IllegalArgumentException("x and y lengths differ: " + x.length + " vs " + y.length);
      }
    }
  }

  /**
   * Optional Savitzky–Golay smoothing of the resampled curve before differentiation: odd {@code window} (in grid
   * points) {@code > polyorder}, or {@link #NONE}.
   */
  public record Smoothing(int window, int polyorder) {
    /** No smoothing. */
    public static final Smoothing NONE = new Smoothing(0, 0);

    public Smoothing {
      if (window != 0 && (window < 1 || window % 2 == 0 || polyorder < 0 || polyorder >= window)) {
        throw new IllegalArgumentException("smoothing needs an odd window > polyorder >= 0 (or window 0 for none), got"
            + " window = " + window + ", polyorder = " + polyorder);
      }
    }

    boolean enabled() {
      return window > 0;
    }
  }

  /**
   * {@code df/dx} with the semantics of {@code numpy.gradient(f, x, edge_order=edgeOrder)} for sample coordinates
   * {@code x} (uniform or not): second-order central differences inside (the three-point formula for unequal
   * spacings), one-sided differences of order {@code edgeOrder} (1 or 2) at the two ends. Exact for polynomials of
   * degree 2 inside and of degree {@code edgeOrder} at the ends. NaN propagates to the outputs whose stencil touches
   * it. Returns a new array.
   *
   * <p>numpy switches to its uniform-spacing formulas when all spacings are bit-identical; this always uses the
   * general formulas, which are algebraically the same (results agree to rounding).
   *
   * @param f samples
   * @param x strictly monotone coordinates, same length (spacings of zero divide by zero, as in numpy)
   * @param edgeOrder 1 or 2; needs {@code f.length >= edgeOrder + 1}
   * @throws IllegalArgumentException on a length mismatch, a bad {@code edgeOrder} or too few samples
   */
  public static double[] gradient(double[] f, double[] x, int edgeOrder) {
    double[] out = new double[f.length];
    gradientInto(f, x, edgeOrder, out);
    return out;
  }

  /** As {@link #gradient(double[], double[], int)}, writing into {@code out} (must not be {@code f} or {@code x}). */
  public static void gradientInto(double[] f, double[] x, int edgeOrder, double[] out) {
    if (f.length != x.length) {
      throw new IllegalArgumentException("f and x lengths differ: " + f.length + " vs " + x.length);
    }
    int n = checkGradient(f.length, edgeOrder, out);
    if (out == f || out == x) throw new IllegalArgumentException("out must differ from f and x");
    for (int i = 1; i < n - 1; i++) {
      double dx1 = x[i] - x[i - 1];
      double dx2 = x[i + 1] - x[i];
      double a = -dx2 / (dx1 * (dx1 + dx2));
      double b = (dx2 - dx1) / (dx1 * dx2);
      double c = dx1 / (dx2 * (dx1 + dx2));
      out[i] = a * f[i - 1] + b * f[i] + c * f[i + 1];
    }
    if (edgeOrder == 1) {
      out[0] = (f[1] - f[0]) / (x[1] - x[0]);
      out[n - 1] = (f[n - 1] - f[n - 2]) / (x[n - 1] - x[n - 2]);
    } else {
      double dx1 = x[1] - x[0];
      double dx2 = x[2] - x[1];
      double a = -(2 * dx1 + dx2) / (dx1 * (dx1 + dx2));
      double b = (dx1 + dx2) / (dx1 * dx2);
      double c = -dx1 / (dx2 * (dx1 + dx2));
      out[0] = a * f[0] + b * f[1] + c * f[2];
      dx1 = x[n - 2] - x[n - 3];
      dx2 = x[n - 1] - x[n - 2];
      a = dx2 / (dx1 * (dx1 + dx2));
      b = -(dx2 + dx1) / (dx1 * dx2);
      c = (2 * dx2 + dx1) / (dx2 * (dx1 + dx2));
      out[n - 1] = a * f[n - 3] + b * f[n - 2] + c * f[n - 1];
    }
  }

  /**
   * {@code df/dx} for uniform spacing {@code h}, as {@code numpy.gradient(f, h, edge_order=edgeOrder)}. Returns a new
   * array.
   *
   * @param h sample spacing in abscissa units, finite and non-zero
   * @throws IllegalArgumentException on a bad {@code h}, {@code edgeOrder} or too few samples
   */
  public static double[] gradient(double[] f, double h, int edgeOrder) {
    double[] out = new double[f.length];
    gradientInto(f, 0, f.length, h, edgeOrder, out);
    return out;
  }

  /** Uniform-spacing gradient of {@code f[from .. from+n)} into {@code out[from .. from+n)}. */
  private static void gradientInto(double[] f, int from, int n, double h, int edgeOrder, double[] out) {
    if (!Double.isFinite(h) || h == 0) throw new IllegalArgumentException("h must be finite and non-zero, got " + h);
    checkGradient(n, edgeOrder, out);
    int end = from + n;
    for (int i = from + 1; i < end - 1; i++) out[i] = (f[i + 1] - f[i - 1]) / (2 * h);
    if (edgeOrder == 1) {
      out[from] = (f[from + 1] - f[from]) / h;
      out[end - 1] = (f[end - 1] - f[end - 2]) / h;
    } else {
      out[from] = (-1.5 * f[from] + 2 * f[from + 1] - 0.5 * f[from + 2]) / h;
      out[end - 1] = (0.5 * f[end - 3] - 2 * f[end - 2] + 1.5 * f[end - 1]) / h;
    }
  }

  private static int checkGradient(int n, int edgeOrder, double[] out) {
    if (edgeOrder != 1 && edgeOrder != 2) {
      throw new IllegalArgumentException("edgeOrder must be 1 or 2, got " + edgeOrder);
    }
    if (n < edgeOrder + 1) {
      throw new IllegalArgumentException("need at least edgeOrder + 1 = " + (edgeOrder + 1) + " samples, got " + n);
    }
    if (out.length < n) throw new IllegalArgumentException("out.length = " + out.length + " < " + n);
    return n;
  }

  /**
   * The incremental-capacity curve dQ/dV on the uniform voltage grid {@code gridStart + i·gridStep}, detecting
   * whether the voltage rises or falls from its net change. See
   * {@link #dqdv(double[], double[], Resample.Direction, double, double, int, Smoothing)}.
   */
  public static Curve dqdv(double[] v, double[] q, double gridStart, double gridStep, int gridSize,
      Smoothing smoothing) {
    return dqdv(v, q, Resample.detect(v, q), gridStart, gridStep, gridSize, smoothing);
  }

  /**
   * The incremental-capacity (ICA) curve dQ/dV on the uniform voltage grid {@code V_i = gridStart + i·gridStep}.
   * Pipeline:
   * <ol>
   *   <li>{@code Q_i} = {@link Resample#ontoGrid(double[], double[], Resample.Direction, double, double, int)}
   *       (monotone voltage envelope, plateaus and duplicates collapsed, NaN outside the measured voltage range);
   *   <li>on the contiguous run of grid points inside the measured range, optional Savitzky–Golay smoothing of
   *       {@code Q_i} ({@code smoothing.window}, {@code smoothing.polyorder}, deriv 0, {@link
   *       SavitzkyGolay.EdgeMode#INTERP});
   *   <li>{@code dQ/dV} by {@link #gradient(double[], double, int)} with spacing {@code gridStep} and edge order 2.
   * </ol>
   * Grid points outside the measured range are NaN; if the run is shorter than {@code max(3, smoothing.window)} grid
   * points the whole curve is NaN (too little voltage coverage to differentiate). The sign follows the data: for a
   * discharge with a positive, growing {@code q} the curve is negative. The trapezoid integral of {@code y} over the
   * run equals, up to the edge stencils, the change of (smoothed) Q across it. Returns a new {@link Curve} with
   * {@code x} = the grid voltages.
   *
   * @param v voltage samples in time order, volts
   * @param q charge (capacity) samples in time order, e.g. ampere-hours; y is then in Ah/V
   * @param direction whether {@code v} is meant to rise (charge) or fall (discharge)
   * @param gridStep voltage grid spacing, volts, {@code > 0}
   * @param smoothing smoothing of Q on the grid, or {@link Smoothing#NONE}
   * @throws IllegalArgumentException if the lengths differ or the grid is invalid
   */
  public static Curve dqdv(double[] v, double[] q, Resample.Direction direction, double gridStart, double gridStep,
      int gridSize, Smoothing smoothing) {
    if (smoothing == null) throw new IllegalArgumentException("smoothing must not be null (use Smoothing.NONE)");
    double[] onGrid = Resample.ontoGrid(v, q, direction, gridStart, gridStep, gridSize);
    return differentiate(onGrid, gridStart, gridStep, smoothing);
  }

  /**
   * The differential-voltage (DVA) curve dV/dQ on the uniform capacity grid {@code Q_i = gridStart + i·gridStep}: the
   * same pipeline as {@link #dqdv(double[], double[], Resample.Direction, double, double, int, Smoothing)} with the
   * roles swapped, i.e. {@code V} is resampled onto the capacity grid by {@link Resample#ontoGrid} with {@code q} as
   * the abscissa (its direction detected from its net change: a counter that counts down is handled too), optionally
   * smoothed, then differentiated. Runs of equal capacity (rests, repeated samples) keep the last voltage. Returns a
   * new {@link Curve} with {@code x} = the grid capacities, NaN outside the measured capacity range.
   *
   * @param v voltage samples in time order, volts
   * @param q capacity samples in time order, e.g. ampere-hours; y is then in V/Ah
   * @param gridStep capacity grid spacing, {@code > 0}
   * @throws IllegalArgumentException if the lengths differ or the grid is invalid
   */
  public static Curve dvdq(double[] v, double[] q, double gridStart, double gridStep, int gridSize,
      Smoothing smoothing) {
    if (smoothing == null) throw new IllegalArgumentException("smoothing must not be null (use Smoothing.NONE)");
    double[] onGrid = Resample.ontoGrid(q, v, Resample.detect(q, v), gridStart, gridStep, gridSize);
    return differentiate(onGrid, gridStart, gridStep, smoothing);
  }

  private static Curve differentiate(double[] onGrid, double gridStart, double gridStep, Smoothing smoothing) {
    int n = onGrid.length;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = gridStart + i * gridStep;
    double[] y = new double[n];
    Arrays.fill(y, Double.NaN);
    int from = 0;
    while (from < n && Double.isNaN(onGrid[from])) from++;
    int to = n;
    while (to > from && Double.isNaN(onGrid[to - 1])) to--;
    int len = to - from;
    if (len < Math.max(3, smoothing.window())) return new Curve(x, y);
    double[] run = onGrid;
    if (smoothing.enabled()) {
      double[] part = Arrays.copyOfRange(onGrid, from, to);
      double[] smooth = SavitzkyGolay.filter(part, smoothing.window(), smoothing.polyorder(), 0, 1.0,
          SavitzkyGolay.EdgeMode.INTERP);
      run = new double[n];
      System.arraycopy(smooth, 0, run, from, len);
    }
    gradientInto(run, from, len, gridStep, 2, y);
    return new Curve(x, y);
  }
}
