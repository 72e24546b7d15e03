package io.cyclelake.eval;

import java.util.Arrays;

/**
 * The Wilcoxon signed-rank test of paired differences (e.g. one metric of two models on the same folds), two-sided,
 * plain Java. Zero differences are dropped (Wilcoxon's convention) and tied |differences| share their mean rank.
 * With at most {@link #EXACT_MAX_N} non-zero differences the p-value is exact: the share of the 2^n sign patterns
 * of the observed ranks whose |W+ − W−| is at least the observed one (valid with ties, since the midranks are
 * fixed). Above that, the normal approximation with the tie-corrected variance and no continuity correction.
 */
public final class Wilcoxon {
  /** Largest n for the exact enumeration (2^20 sign patterns). */
  public static final int EXACT_MAX_N = 20;

  private Wilcoxon() {}

  /**
   * @param n non-zero differences used
   * @param zeros differences equal to zero, dropped
   * @param wPlus sum of the ranks of the positive differences
   * @param wMinus sum of the ranks of the negative differences
   * @param p two-sided p-value (1 when n = 0)
   * @param exact whether p is exact
   * @param minP the smallest two-sided p-value any data with this n could give (2 / 2^n when exact and untied):
   *     when it exceeds the test level, no difference can be called significant with this many pairs
   */
  public record Result(int n, int zeros, double wPlus, double wMinus, double p, boolean exact, double minP) {}

  /** Tests the differences {@code d} (NaN not allowed). */
  public static Result test(double[] d) {
    int zeros = 0;
    for (double x : d) {
      if (Double.isNaN(x)) throw new IllegalArgumentException("Wilcoxon: a difference is NaN");
      if (x == 0) zeros++;
    }
    int n = d.length - zeros;
    double[] abs = new double[n];
    boolean[] positive = new boolean[n];
    int k = 0;
    for (double x : d) {
      if (x == 0) continue;
      abs[k] = Math.abs(x);
      positive[k++] = x > 0;
    }
    if (n == 0) return new Result(0, zeros, 0, 0, 1.0, true, 1.0);
    double[] rank = midranks(abs);
    double wPlus = 0;
    double wMinus = 0;
    for (int i = 0; i < n; i++) {
      if (positive[i]) wPlus += rank[i];
      else wMinus += rank[i];
    }
    double observed = Math.abs(wPlus - wMinus);
    if (n <= EXACT_MAX_N) {
      long total = 1L << n;
      long atLeast = 0;
      double total2 = 0;
      for (double r : rank) total2 += r;
      long atMax = 0;
      for (long mask = 0; mask < total; mask++) {
        double plus = 0;
        for (int i = 0; i < n; i++) if ((mask & (1L << i)) != 0) plus += rank[i];
        double stat = Math.abs(2 * plus - total2);
        if (stat >= observed - 1e-9) atLeast++;
        if (stat > total2 - 1e-9) atMax++;
      }
      return new Result(n, zeros, wPlus, wMinus, (double) atLeast / total, true, (double) atMax / total);
    }
    double mean = n * (n + 1) / 4.0;
    double var = n * (n + 1) * (2 * n + 1) / 24.0 - tieCorrection(abs) / 48.0;
    double z = (wPlus - mean) / Math.sqrt(var);
    double p = Math.min(1.0, 2 * (1 - normalCdf(Math.abs(z))));
    double zMax = (n * (n + 1) / 2.0 - mean) / Math.sqrt(var);
    return new Result(n, zeros, wPlus, wMinus, p, false, 2 * (1 - normalCdf(zMax)));
  }

  /** 1-based ranks of {@code v}, ties sharing their mean rank. */
  static double[] midranks(double[] v) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
    double[] rank = new double[v.length];
    int i = 0;
    while (i < v.length) {
      int j = i;
      while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
      double r = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) rank[order[k]] = r;
      i = j + 1;
    }
    return rank;
  }

  private static double tieCorrection(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    double c = 0;
    int i = 0;
    while (i < s.length) {
      int j = i;
      while (j + 1 < s.length && s[j + 1] == s[i]) j++;
      double t = j - i + 1;
      c += t * t * t - t;
      i = j + 1;
    }
    return c;
  }

  /** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, absolute error below 1.5e-7). */
  static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
        * t * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }
}
