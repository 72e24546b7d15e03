package io.cyclelake.features.kernels;

/**
 * Cumulative integrals, linear interpolation and resampling of measured curves (such as charge against voltage) onto
 * uniform grids.
 */
public final class Resample {
  private Resample() {}

  /** Fraction of a grid step by which a grid point may overshoot the measured range and still count as its end. */
  private static final double END_SLACK = 1e-9;

  /** Which way the abscissa of a measured curve is meant to go over time. */
  public enum Direction {
    /** The abscissa rises over the record (the voltage of a charge, or a capacity counter that counts up). */
    RISING,
    /** The abscissa falls over the record (the voltage of a discharge). */
    FALLING
  }

  /**
   * Running trapezoid integral {@code out[k] = ∫_{x[0]}^{x[k]} y dx}, with {@code out[0] = 0}; the same as
   * {@code scipy.integrate.cumulative_trapezoid(y, x, initial=0)} (note the argument order here is {@code x, y}, as in
   * {@link Integration}). Returns a new array. NaN in {@code x} or {@code y} makes that interval and every later
   * output NaN.
   *
   * @param x abscissae in their unit (e.g. seconds); not required to be monotone (a decreasing step counts negatively)
   * @param y ordinates (e.g. amperes, giving ampere-seconds)
   * @throws IllegalArgumentException if the lengths differ
   */
  public static double[] cumulativeTrapezoid(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y lengths differ: " + x.length + " vs " + y.length);
    }
    double[] out = new double[x.length];
    double sum = 0;
    for (int k = 1; k < x.length; k++) {
      sum += (x[k] - x[k - 1]) * (y[k] + y[k - 1]) / 2.0;
      out[k] = sum;
    }
    return out;
  }

  /**
   * Piecewise-linear interpolation with the semantics of {@code numpy.interp(x, xp, fp)}: below {@code xp[0]} the
   * result is {@code fp[0]}, above {@code xp[last]} it is {@code fp[last]} (end values held, no extrapolation); a NaN
   * {@code x} gives NaN; NaN in {@code fp} propagates to the intervals that use it. Returns a new array.
   *
   * <p>Difference from numpy: numpy does not check {@code xp} and silently returns meaningless values when it is not
   * sorted; here a decreasing or NaN {@code xp} is rejected. Repeated {@code xp} values are allowed, as in numpy
   * (the interval of zero length is never used except at its exact abscissa, where the right-hand value wins).
   *
   * @param x where to evaluate, any order
   * @param xp sample abscissae, non-decreasing, at least one
   * @param fp sample ordinates, same length as {@code xp}
   * @throws IllegalArgumentException if {@code xp} is empty, not non-decreasing, or the lengths differ
   */
  public static double[] interp(double[] x, double[] xp, double[] fp) {
    double[] out = new double[x.length];
    interpInto(x, xp, fp, out);
    return out;
  }

  /**
   * As {@link #interp}, writing into {@code out} (length {@code >= x.length}). {@code out} may be {@code x}.
   *
   * @throws IllegalArgumentException as {@link #interp}, or if {@code out} is too short
   */
  public static void interpInto(double[] x, double[] xp, double[] fp, double[] out) {
    checkXp(xp, fp, xp.length);
    if (out.length < x.length) {
      throw new IllegalArgumentException("out.length = " + out.length + " < x.length = " + x.length);
    }
    int guess = 0;
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      guess = locate(xp, xp.length, xi, guess);
      out[i] = evaluate(xp, fp, xp.length, xi, guess);
    }
  }

  /**
   * Resamples a measured curve {@code q(v)} onto the uniform grid {@code v_i = gridStart + i·gridStep}, {@code i = 0
   * .. gridSize-1}, detecting the direction from the net change of {@code v} (last finite sample minus first; rising
   * when {@code >= 0}). See {@link #ontoGrid(double[], double[], Direction, double, double, int)}.
   */
  public static double[] ontoGrid(double[] v, double[] q, double gridStart, double gridStep, int gridSize) {
    return ontoGrid(v, q, detect(v, q), gridStart, gridStep, gridSize);
  }

  /**
   * Resamples a measured curve {@code q(v)} (e.g. charge against voltage, in time order) onto the uniform grid
   * {@code v_i = gridStart + i·gridStep} ({@code i = 0 .. gridSize-1}, each computed directly, not accumulated),
   * coping with the non-monotonic voltage, plateaus and duplicate points that break naive interpolation.
   *
   * <p>Measured voltage is not a function that can be inverted directly: noise makes it dip during a charge, it stalls
   * on plateaus, and loggers repeat samples. Linear interpolation of {@code q} over such a {@code v} is ill-defined
   * (numpy.interp silently returns garbage on unsorted {@code xp}). So:
   * <ol>
   *   <li>Samples where {@code v} or {@code q} is not finite are dropped.
   *   <li>The abscissa is replaced by its running envelope in time order: the running maximum for
   *       {@link Direction#RISING}, the running minimum for {@link Direction#FALLING}. A noisy reversal therefore
   *       does not go back; its samples sit at the voltage already reached.
   *   <li>Runs of equal envelope voltage (plateaus, reversals, duplicate points) collapse to one point that keeps the
   *       <em>last</em> {@code q} of the run. So the resampled {@code Q(V)} is "the charge passed before the voltage
   *       first moved beyond {@code V}" (a first-passage curve), and {@code xp} is strictly monotone.
   *   <li>Grid points are linearly interpolated between the collapsed points ({@link #interp} semantics). Grid points
   *       outside the measured (envelope) voltage range are NaN, not extrapolated and not held; a grid point within
   *       {@code 1e-9·gridStep} of an end counts as on it, so that round-off in {@code gridStart + i·gridStep} does
   *       not drop an end point that was meant to coincide with the last sample.
   * </ol>
   * A step of {@code q} at a plateau thus lands in the grid interval just below (rising) or above (falling) the
   * plateau voltage. {@code q} itself is not made monotone. With no usable sample every grid point is NaN. Returns a
   * new array; also allocates {@code O(n)} scratch.
   *
   * @param v abscissa samples in time order (e.g. volts)
   * @param q ordinate samples in time order (e.g. ampere-hours), same length
   * @param direction which way {@code v} is meant to go
   * @param gridStart first grid abscissa, finite
   * @param gridStep grid spacing, finite and {@code > 0}
   * @param gridSize number of grid points, {@code >= 0}
   * @throws IllegalArgumentException if the lengths differ or the grid is invalid
   */
  public static double[] ontoGrid(double[] v, double[] q, Direction direction, double gridStart, double gridStep,
      int gridSize) {
    if (v.length != q.length) {
      throw new IllegalArgumentException("v and q lengths differ: " + v.length + " vs " + q.length);
    }
    if (direction == null) throw new IllegalArgumentException("direction must not be null");
    checkGrid(gridStart, gridStep, gridSize);
    double[] xs = new double[v.length];
    double[] ys = new double[v.length];
    int m = monotone(v, q, direction, xs, ys);
    double[] out = new double[gridSize];
    int guess = 0;
    double slack = END_SLACK * gridStep;
    for (int i = 0; i < gridSize; i++) {
      double g = gridStart + i * gridStep;
      if (m > 0 && g < xs[0] && g >= xs[0] - slack) g = xs[0];
      if (m > 0 && g > xs[m - 1] && g <= xs[m - 1] + slack) g = xs[m - 1];
      if (m == 0 || g < xs[0] || g > xs[m - 1]) {
        out[i] = Double.NaN;
      } else {
        guess = locate(xs, m, g, guess);
        out[i] = evaluate(xs, ys, m, g, guess);
      }
    }
    return out;
  }

  /**
   * Builds the strictly increasing abscissa {@code xs[0..m)} and ordinates {@code ys} described in
   * {@link #ontoGrid(double[], double[], Direction, double, double, int)}; returns {@code m}.
   */
  private static int monotone(double[] v, double[] q, Direction direction, double[] xs, double[] ys) {
    boolean rising = direction == Direction.RISING;
    int m = 0;
    double envelope = Double.NaN;
    for (int k = 0; k < v.length; k++) {
      if (!Double.isFinite(v[k]) || !Double.isFinite(q[k])) continue;
      double e = m == 0 ? v[k] : rising ? Math.max(envelope, v[k]) : Math.min(envelope, v[k]);
      if (m > 0 && e == envelope) {
        ys[m - 1] = q[k]; // same envelope voltage: keep the last q
      } else {
        xs[m] = e;
        ys[m] = q[k];
        m++;
      }
      envelope = e;
    }
    if (!rising) {
      // Falling envelope is strictly decreasing: reverse it for the interpolation.
      for (int i = 0, j = m - 1; i < j; i++, j--) {
        double t = xs[i];
        xs[i] = xs[j];
        xs[j] = t;
        t = ys[i];
        ys[i] = ys[j];
        ys[j] = t;
      }
    }
    return m;
  }

  static Direction detect(double[] v, double[] q) {
    double first = Double.NaN;
    double last = Double.NaN;
    for (int k = 0; k < v.length && k < q.length; k++) {
      if (!Double.isFinite(v[k]) || !Double.isFinite(q[k])) continue;
      if (Double.isNaN(first)) first = v[k];
      last = v[k];
    }
    return !(last < first) ? Direction.RISING : Direction.FALLING;
  }

  static void checkGrid(double gridStart, double gridStep, int gridSize) {
    if (!Double.isFinite(gridStart)) throw new IllegalArgumentException("gridStart must be finite, got " + gridStart);
    if (!(gridStep > 0) || Double.isInfinite(gridStep)) {
      throw new IllegalArgumentException("gridStep must be finite and > 0, got " + gridStep);
    }
    if (gridSize < 0) throw new IllegalArgumentException("gridSize must be >= 0, got " + gridSize);
  }

  private static void checkXp(double[] xp, double[] fp, int n) {
    if (xp.length != fp.length) {
      throw new IllegalArgumentException("xp and fp lengths differ: " + xp.length + " vs " + fp.length);
    }
    if (n == 0) throw new IllegalArgumentException("xp must not be empty");
    if (Double.isNaN(xp[0])) throw new IllegalArgumentException("xp[0] is NaN");
    for (int k = 1; k < n; k++) {
      if (!(xp[k] >= xp[k - 1])) {
        throw new IllegalArgumentException("xp must be non-decreasing: xp[" + (k - 1) + "] = " + xp[k - 1] + ", xp["
            + k + "] = " + xp[k]);
      }
    }
  }

  /**
   * Index {@code j} in {@code [-1, n-1]} with {@code xp[j] <= x < xp[j+1]} (-1 below the range, n-1 at or above the
   * last point); tries {@code guess} and its successor first since grids are usually scanned in order.
   */
  private static int locate(double[] xp, int n, double x, int guess) {
    if (!(x >= xp[0])) return -1; // also NaN
    if (x >= xp[n - 1]) return n - 1;
    if (guess >= 0 && guess < n - 1 && xp[guess] <= x) {
      if (x < xp[guess + 1]) return guess;
      if (guess + 2 < n && x < xp[guess + 2]) return guess + 1;
    }
    int lo = 0;
    int hi = n - 1; // invariant: xp[lo] <= x < xp[hi]
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (xp[mid] <= x) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** numpy.interp's evaluation, including its fallbacks when the slope is not finite. */
  private static double evaluate(double[] xp, double[] fp, int n, double x, int j) {
    if (Double.isNaN(x)) return Double.NaN;
    if (j < 0) return fp[0];
    if (j >= n - 1) return fp[n - 1];
    double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    double r = slope * (x - xp[j]) + fp[j];
    if (Double.isNaN(r)) {
      r = slope * (x - xp[j + 1]) + fp[j + 1];
      if (Double.isNaN(r) && fp[j] == fp[j + 1]) r = fp[j];
    }
    return r;
  }
}
