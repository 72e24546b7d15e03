package io.cyclelake.features.kernels;

import java.util.Arrays;

/**
 * Savitzky–Golay smoothing and differentiation of uniformly sampled signals, with the semantics of
 * {@code scipy.signal.savgol_coeffs} and {@code scipy.signal.savgol_filter}.
 *
 * <p>Each output sample is the value (or the {@code deriv}-th derivative) at that sample of the polynomial of degree
 * {@code polyorder} fitted by least squares to the {@code window} samples centred on it. Near the ends the missing
 * neighbours are supplied by an {@link EdgeMode}.
 *
 * <p>NaN: the filter is linear, so a NaN sample turns every output whose window (after edge extension) contains it
 * into NaN; nothing else is affected. Coefficients are computed once per call (small allocation, {@code O(window ·
 * polyorder)}); the per-sample loops allocate nothing.
 *
 * <p>Differences from scipy: the least-squares problem is solved by QR on abscissae scaled into [-1, 1] rather than by
 * {@code lstsq} on the raw Vandermonde matrix. Results agree with scipy to ~1e-14 for usual windows; for wide windows
 * with high orders these coefficients are the closer ones to the exact rational values (scipy 1.17 is off by ~1e-9 at
 * window 51, order 6). scipy's {@code pos}, {@code use='dot'} and non-zero {@code cval} are not offered.
 */
public final class SavitzkyGolay {
  private SavitzkyGolay() {}

  /** How the signal is extended beyond its ends; the names and patterns are those of {@code savgol_filter}. */
  public enum EdgeMode {
    /**
     * No extension: the first and last {@code window / 2} outputs are taken from the polynomial of degree
     * {@code polyorder} fitted to the first (last) {@code window} samples, evaluated (differentiated) at each of those
     * samples. Requires {@code window <= n}. scipy's default.
     */
    INTERP,
    /** Reflection about the end sample, which is not repeated: {@code d c b | a b c d | c b a}. */
    MIRROR,
    /** The end sample is repeated: {@code a a a | a b c d | d d d}. */
    NEAREST,
    /** Zeros (scipy's default {@code cval = 0}) beyond the ends: {@code 0 0 0 | a b c d | 0 0 0}. */
    CONSTANT,
    /** Periodic continuation: {@code b c d | a b c d | a b c}. */
    WRAP
  }

  /**
   * The filter coefficients in the order returned by {@code scipy.signal.savgol_coeffs(window, polyorder, deriv,
   * delta, use='conv')} (scipy's default), i.e. ready for convolution: {@code c[k]} multiplies the sample at offset
   * {@code window/2 - k} from the output position, so the filter output is
   * {@code out[i] = Σ_k c[k]·y[i + window/2 - k]}.
   * For {@code deriv = 0} the coefficients are symmetric and the order does not matter; for odd {@code deriv} this
   * order is the reverse of the "dot product" order ({@code use='dot'}). Returns a new array.
   *
   * @param window number of samples in the fitting window, odd and greater than {@code polyorder}
   * @param polyorder degree of the fitted polynomial, {@code >= 0}
   * @param deriv order of the derivative, {@code >= 0}; coefficients are all zero when {@code deriv > polyorder}
   * @param delta sample spacing in the units of the abscissa (e.g. volts), {@code > 0}; only used when
   *     {@code deriv > 0}, the result is then in units of {@code y / delta^deriv}
   * @throws IllegalArgumentException if an argument violates the above
   */
  public static double[] coefficients(int window, int polyorder, int deriv, double delta) {
    check(window, polyorder, deriv, delta);
    double[] dot = new double[window];
    weightsAt(solverRows(window, polyorder), window, deriv, delta, window / 2, dot);
    double[] conv = new double[window];
    for (int k = 0; k < window; k++) conv[k] = dot[window - 1 - k];
    return conv;
  }

  /**
   * Smooths or differentiates {@code y} like {@code scipy.signal.savgol_filter(y, window, polyorder, deriv, delta,
   * mode=mode)} (with {@code cval = 0} for {@link EdgeMode#CONSTANT}). Returns a new array of the same length.
   *
   * @param y samples, uniformly spaced by {@code delta}
   * @param window odd, {@code > polyorder}; for {@link EdgeMode#INTERP} also {@code <= y.length}
   * @param polyorder degree of the local polynomial, {@code >= 0}
   * @param deriv derivative order, {@code >= 0} (0 = smoothing)
   * @param delta sample spacing in abscissa units, {@code > 0}
   * @param mode edge extension
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static double[] filter(double[] y, int window, int polyorder, int deriv, double delta, EdgeMode mode) {
    double[] out = new double[y.length];
    filterInto(y, window, polyorder, deriv, delta, mode, out);
    return out;
  }

  /**
   * As {@link #filter}, writing into the caller's {@code out} (length {@code >= y.length}; only the first
   * {@code y.length} entries are written). {@code out} must not be {@code y}: inputs are read after outputs are
   * written.
   *
   * @throws IllegalArgumentException if an argument is out of range or {@code out} is too short or is {@code y}
   */
  public static void filterInto(double[] y, int window, int polyorder, int deriv, double delta, EdgeMode mode,
      double[] out) {
    check(window, polyorder, deriv, delta);
    if (mode == null) throw new IllegalArgumentException("mode must not be null");
    int n = y.length;
    if (out.length < n) {
      throw new IllegalArgumentException("out.length = " + out.length + " < y.length = " + n);
    }
    if (out == y) throw new IllegalArgumentException("out must be a different array from y");
    if (mode == EdgeMode.INTERP && window > n) {
      throw new IllegalArgumentException("window = " + window + " exceeds y.length = " + n + " (mode INTERP)");
    }
    if (n == 0) return;
    int half = window / 2;
    double[][] rows = solverRows(window, polyorder);
    double[] w = new double[window]; // dot order: w[j] multiplies y[i - half + j]
    weightsAt(rows, window, deriv, delta, half, w);

    // Interior: the whole window lies inside the signal, no index mapping needed.
    for (int i = half; i < n - half; i++) {
      double s = 0;
      for (int j = 0; j < window; j++) s += w[j] * y[i - half + j];
      out[i] = s;
    }
    if (mode == EdgeMode.INTERP) {
      // Polynomial fitted to the first / last window samples, evaluated at each edge sample (scipy's
      // _fit_edges_polyfit). Both end windows have the interior geometry, so the same solver rows serve; only the
      // evaluation point moves.
      double[] we = new double[window];
      int start = n - window;
      for (int p = 0; p < half; p++) {
        weightsAt(rows, window, deriv, delta, p, we);
        double s = 0;
        for (int j = 0; j < window; j++) s += we[j] * y[j];
        out[p] = s;
      }
      for (int p = window - half; p < window; p++) {
        weightsAt(rows, window, deriv, delta, p, we);
        double s = 0;
        for (int j = 0; j < window; j++) s += we[j] * y[start + j];
        out[start + p] = s;
      }
      return;
    }
    // Outputs whose window crosses an end (all of them when n < window).
    int leftEnd = Math.min(half, n);
    for (int i = 0; i < leftEnd; i++) out[i] = extended(y, w, i, half, mode);
    for (int i = Math.max(leftEnd, n - half); i < n; i++) out[i] = extended(y, w, i, half, mode);
  }

  private static double extended(double[] y, double[] w, int i, int half, EdgeMode mode) {
    int n = y.length;
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      int k = i - half + j;
      if (k >= 0 && k < n) {
        s += w[j] * y[k];
        continue;
      }
      switch (mode) {
        case CONSTANT:
          break; // zero padding contributes nothing
        case NEAREST:
          s += w[j] * y[k < 0 ? 0 : n - 1];
          break;
        case WRAP:
          s += w[j] * y[Math.floorMod(k, n)];
          break;
        case MIRROR: {
          if (n == 1) {
            s += w[j] * y[0];
          } else {
            // Mirror without repeating the end sample is periodic with period 2(n - 1).
            int period = 2 * (n - 1);
            int m = Math.floorMod(k, period);
            s += w[j] * y[m < n ? m : period - m];
          }
          break;
        }
        default:
          throw new IllegalStateException("unreachable: " + mode);
      }
    }
    return s;
  }

  /**
   * Rows of the least-squares solver for a window centred at {@code half}: row {@code r} dotted with the window gives
   * the coefficient of {@code u^r} of the fitted polynomial, {@code u = (j - half) / scale}, {@code scale = max(1,
   * half)}. Solved by QR (modified Gram–Schmidt, applied twice) on those scaled abscissae in [-1, 1]: the normal
   * equations of a raw Vandermonde matrix lose too many digits for wide windows.
   */
  private static double[][] solverRows(int window, int polyorder) {
    int half = window / 2;
    int m = polyorder + 1;
    double scale = Math.max(1, half);
    double[][] q = new double[m][window]; // columns of Q, stored as rows
    double[][] r = new double[m][m];
    for (int c = 0; c < m; c++) {
      double[] v = q[c];
      for (int j = 0; j < window; j++) v[j] = Math.pow((j - half) / scale, c);
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < c; k++) {
          double d = 0;
          for (int j = 0; j < window; j++) d += q[k][j] * v[j];
          for (int j = 0; j < window; j++) v[j] -= d * q[k][j];
          r[k][c] += d;
        }
      }
      double norm = 0;
      for (int j = 0; j < window; j++) norm += v[j] * v[j];
      norm = Math.sqrt(norm);
      r[c][c] = norm;
      for (int j = 0; j < window; j++) v[j] /= norm;
    }
    // Coefficients a = R^-1 Q^T y; row i of R^-1 Q^T is (Q z)^T with R^T z = e_i.
    double[][] rows = new double[m][window];
    double[] z = new double[m];
    for (int row = 0; row < m; row++) {
      for (int i = 0; i < m; i++) {
        double s = i == row ? 1 : 0;
        for (int k = 0; k < i; k++) s -= r[k][i] * z[k];
        z[i] = s / r[i][i];
      }
      for (int k = 0; k < m; k++) {
        for (int j = 0; j < window; j++) rows[row][j] += z[k] * q[k][j];
      }
    }
    return rows;
  }

  /**
   * Writes into {@code w} the dot-order weights ({@code w[j]} multiplies window sample {@code j}) that give the
   * {@code deriv}-th derivative at window position {@code t} of the fit described by {@code rows}: the derivative of
   * {@code Σ a_r u^r} with {@code u = (t - half) / scale}, converted to abscissa units by {@code (scale·delta)^deriv}.
   */
  private static void weightsAt(double[][] rows, int window, int deriv, double delta, int t, double[] w) {
    Arrays.fill(w, 0, window, 0.0);
    int m = rows.length;
    if (deriv >= m) return;
    int half = window / 2;
    double scale = Math.max(1, half);
    double u = (t - half) / scale;
    double unit = Math.pow(scale * delta, deriv);
    for (int r = deriv; r < m; r++) {
      // d^deriv/du^deriv u^r = r! / (r - deriv)! · u^(r - deriv)
      double c = factorial(r) / factorial(r - deriv) * Math.pow(u, r - deriv) / unit;
      if (c == 0) continue;
      for (int j = 0; j < window; j++) w[j] += c * rows[r][j];
    }
  }

  private static double factorial(int k) {
    double f = 1;
    for (int i = 2; i <= k; i++) f *= i;
    return f;
  }

  private static void check(int window, int polyorder, int deriv, double delta) {
    if (window < 1 || window % 2 == 0) {
      throw new IllegalArgumentException("window must be a positive odd number, got " + window);
    }
    if (polyorder < 0 || polyorder >= window) {
      throw new IllegalArgumentException("polyorder must be in [0, window), got polyorder = " + polyorder
          + ", window = " + window);
    }
    if (deriv < 0) throw new IllegalArgumentException("deriv must be >= 0, got " + deriv);
    if (!(delta > 0) || Double.isInfinite(delta)) {
      throw new IllegalArgumentException("delta must be finite and > 0, got " + delta);
    }
  }
}
