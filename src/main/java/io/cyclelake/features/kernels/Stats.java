package io.cyclelake.features.kernels;

/**
 * Summary statistics of samples. All of them <b>ignore NaN</b> samples (like numpy's {@code nan*} functions and
 * scipy's {@code nan_policy='omit'}); a statistic with too few remaining samples is NaN. Moments use two passes (mean
 * first) for accuracy. Nothing allocates except {@link #spearman}.
 */
public final class Stats {
  private Stats() {}

  /** Number of non-NaN samples. */
  public static int count(double[] a) {
    int n = 0;
    for (double v : a) if (!Double.isNaN(v)) n++;
    return n;
  }

  /** Arithmetic mean of the non-NaN samples; NaN if there are none. */
  public static double mean(double[] a) {
    double sum = 0;
    int n = 0;
    for (double v : a) {
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Sample variance with the {@code n − 1} denominator ({@code numpy.nanvar(a, ddof=1)}); NaN if fewer than 2. */
  public static double variance(double[] a) {
    double mean = mean(a);
    int n = 0;
    double ss = 0;
    for (double v : a) {
      if (!Double.isNaN(v)) {
        double d = v - mean;
        ss += d * d;
        n++;
      }
    }
    return n < 2 ? Double.NaN : ss / (n - 1);
  }

  /** Smallest non-NaN sample; NaN if there are none. */
  public static double min(double[] a) {
    double m = Double.NaN;
    for (double v : a) if (!Double.isNaN(v) && !(v >= m)) m = v;
    return m;
  }

  /** Largest non-NaN sample; NaN if there are none. */
  public static double max(double[] a) {
    double m = Double.NaN;
    for (double v : a) if (!Double.isNaN(v) && !(v <= m)) m = v;
    return m;
  }

  /**
   * Skewness, the biased moment estimator {@code g1 = m3 / m2^1.5} with central moments {@code m_k = Σ(x − mean)^k /
   * n}: {@code scipy.stats.skew(a, bias=True, nan_policy='omit')}, scipy's default definition. NaN if there are no
   * samples or they are all equal ({@code m2 = 0}).
   */
  public static double skewness(double[] a) {
    double mean = mean(a);
    double m2 = 0;
    double m3 = 0;
    int n = 0;
    for (double v : a) {
      if (!Double.isNaN(v)) {
        double d = v - mean;
        m2 += d * d;
        m3 += d * d * d;
        n++;
      }
    }
    if (n == 0 || m2 == 0) return Double.NaN;
    m2 /= n;
    m3 /= n;
    return m3 / Math.pow(m2, 1.5);
  }

  /**
   * Excess (Fisher) kurtosis, the biased moment estimator {@code g2 = m4 / m2² − 3}: {@code
   * scipy.stats.kurtosis(a, fisher=True, bias=True, nan_policy='omit')}, scipy's default; 0 for a normal
   * distribution. NaN if there are no samples or they are all equal.
   */
  public static double kurtosis(double[] a) {
    double mean = mean(a);
    double m2 = 0;
    double m4 = 0;
    int n = 0;
    for (double v : a) {
      if (!Double.isNaN(v)) {
        double d2 = (v - mean) * (v - mean);
        m2 += d2;
        m4 += d2 * d2;
        n++;
      }
    }
    if (n == 0 || m2 == 0) return Double.NaN;
    m2 /= n;
    m4 /= n;
    return m4 / (m2 * m2) - 3;
  }

  /**
   * Spearman rank correlation: the Pearson correlation of the ranks, ties given the average of the ranks they span
   * (as {@code scipy.stats.spearmanr}). Pairs where either value is NaN are dropped (scipy's default would return
   * NaN). NaN if fewer than 2 pairs remain or either side is constant. Allocates {@code O(n)} scratch.
   *
   * @throws IllegalArgumentException if the lengths differ
   */
  public static double spearman(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("a and b lengths differ: " + a.length + " vs " + b.length);
    }
    int n = 0;
    for (int i = 0; i < a.length; i++) if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) n++;
    if (n < 2) return Double.NaN;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0, k = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        x[k] = a[i];
        y[k] = b[i];
        k++;
      }
    }
    double[] rx = ranks(x);
    double[] ry = ranks(y);
    double mean = (n + 1) / 2.0; // average of the ranks 1..n, ties included
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = rx[i] - mean;
      double dy = ry[i] - mean;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) return Double.NaN;
    double r = sxy / Math.sqrt(sxx * syy);
    return Math.max(-1, Math.min(1, r)); // rounding can step just outside [-1, 1]
  }

  /** 1-based ranks, ties averaged ({@code scipy.stats.rankdata(method='average')}); {@code v} has no NaN. */
  static double[] ranks(double[] v) {
    int n = v.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    sortIndices(order, new int[n], 0, n, v);
    double[] r = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && v[order[j + 1]] == v[order[i]]) j++;
      double rank = (i + j) / 2.0 + 1; // mean of the 1-based ranks i+1 .. j+1
      for (int k = i; k <= j; k++) r[order[k]] = rank;
      i = j + 1;
    }
    return r;
  }

  /** Merge sort of {@code order[from..to)} by {@code v[order[i]]}, without boxing. */
  private static void sortIndices(int[] order, int[] tmp, int from, int to, double[] v) {
    if (to - from < 2) return;
    int mid = (from + to) >>> 1;
    sortIndices(order, tmp, from, mid, v);
    sortIndices(order, tmp, mid, to, v);
    int a = from;
    int b = mid;
    int t = from;
    while (a < mid && b < to) tmp[t++] = v[order[a]] <= v[order[b]] ? order[a++] : order[b++];
    while (a < mid) tmp[t++] = order[a++];
    while (b < to) tmp[t++] = order[b++];
    System.arraycopy(tmp, from, order, from, to - from);
  }

  /** Slope and intercept of a least-squares line. */
  public record Line(double slope, double intercept) {}

  /**
   * Ordinary least-squares line {@code y = slope·x + intercept} through the pairs where both are finite
   * ({@code numpy.polyfit(x, y, 1)}); both NaN with fewer than 2 such pairs or when all their x are equal.
   */
  public static Line linearFit(double[] x, double[] y) {
    if (x.length != y.length) throw new IllegalArgumentException("x and y lengths differ: " + x.length + " vs " + y.length);
    double sx = 0;
    double sy = 0;
    int n = 0;
    for (int k = 0; k < x.length; k++) {
      if (Double.isFinite(x[k]) && Double.isFinite(y[k])) {
        sx += x[k];
        sy += y[k];
        n++;
      }
    }
    if (n < 2) return new Line(Double.NaN, Double.NaN);
    double mx = sx / n;
    double my = sy / n;
    double sxx = 0;
    double sxy = 0;
    for (int k = 0; k < x.length; k++) {
      if (Double.isFinite(x[k]) && Double.isFinite(y[k])) {
        sxx += (x[k] - mx) * (x[k] - mx);
        sxy += (x[k] - mx) * (y[k] - my);
      }
    }
    if (sxx == 0) return new Line(Double.NaN, Double.NaN);
    double slope = sxy / sxx;
    return new Line(slope, my - slope * mx);
  }
}
