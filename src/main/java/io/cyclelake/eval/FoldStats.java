package io.cyclelake.eval;

import java.util.List;

/** Mean and spread of a metric over the folds of a sweep; NaN values (a fold without the metric) are skipped. */
public final class FoldStats {
  private FoldStats() {}

  /** The mean of the non-NaN values; NaN when there are none. */
  public static double mean(List<Double> v) {
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (Double.isNaN(x)) continue;
      s += x;
      n++;
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** Sample standard deviation (n − 1) of the non-NaN values; NaN for fewer than two. */
  public static double sd(List<Double> v) {
    double m = mean(v);
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (Double.isNaN(x)) continue;
      s += (x - m) * (x - m);
      n++;
    }
    return n < 2 ? Double.NaN : Math.sqrt(s / (n - 1));
  }
}
