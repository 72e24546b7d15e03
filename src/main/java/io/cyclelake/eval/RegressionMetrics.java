package io.cyclelake.eval;

/**
 * Regression metrics of predictions against actual values. MAPE and the ±3 %/±5 % shares are relative to |actual|
 * and leave out rows whose actual value is 0 (where they are undefined); R² is NaN when the actual values are constant
 * or fewer than two.
 *
 * @param mapePct mean absolute percentage error in percent
 * @param within3pct share (0..1) of predictions within ±3 % of the actual value
 */
public record RegressionMetrics(long n, double mae, double rmse, double mapePct, double r2, double within3pct,
    double within5pct) {

  public static RegressionMetrics of(double[] actual, double[] predicted) {
    if (actual.length != predicted.length) {
      throw new IllegalArgumentException("actual has " + actual.length + " values, predicted " + predicted.length);
    }
    int n = actual.length;
    if (n == 0) return new RegressionMetrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    double absSum = 0;
    double sqSum = 0;
    double pctSum = 0;
    int relN = 0;
    int in3 = 0;
    int in5 = 0;
    double mean = 0;
    for (double a : actual) mean += a;
    mean /= n;
    double ssTot = 0;
    for (int k = 0; k < n; k++) {
      double e = predicted[k] - actual[k];
      absSum += Math.abs(e);
      sqSum += e * e;
      ssTot += (actual[k] - mean) * (actual[k] - mean);
      if (actual[k] != 0) {
        double rel = Math.abs(e) / Math.abs(actual[k]);
        pctSum += rel;
        relN++;
        if (rel <= 0.03) in3++;
        if (rel <= 0.05) in5++;
      }
    }
    double r2 = (n < 2 || ssTot == 0) ? Double.NaN : 1 - sqSum / ssTot;
    double mape = relN == 0 ? Double.NaN : 100 * pctSum / relN;
    double w3 = relN == 0 ? Double.NaN : (double) in3 / relN;
    double w5 = relN == 0 ? Double.NaN : (double) in5 / relN;
    return new RegressionMetrics(n, absSum / n, Math.sqrt(sqSum / n), mape, r2, w3, w5);
  }
}
