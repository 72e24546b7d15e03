package io.cyclelake.model;

import java.io.Serializable;

/**
 * Mean imputation and standardisation, fitted on the training rows of a fold only. A NaN (missing feature) becomes the
 * training mean; a feature that is constant (or entirely missing) in training keeps scale 1 and, if entirely missing,
 * mean 0.
 */
public record Preprocessor(double[] mean, double[] scale) implements Serializable {

  /** Fits on {@code x} (rows × features); NaN entries are ignored. */
  public static Preprocessor fit(double[][] x, int nFeatures) {
    double[] mean = new double[nFeatures];
    double[] scale = new double[nFeatures];
    for (int j = 0; j < nFeatures; j++) {
      double s = 0;
      int n = 0;
      for (double[] r : x) {
        if (!Double.isNaN(r[j])) {
          s += r[j];
          n++;
        }
      }
      double m = n == 0 ? 0 : s / n;
      double ss = 0;
      for (double[] r : x) if (!Double.isNaN(r[j])) ss += (r[j] - m) * (r[j] - m);
      double sd = n < 2 ? 0 : Math.sqrt(ss / (n - 1));
      mean[j] = m;
      scale[j] = sd > 1e-12 * Math.max(1, Math.abs(m)) ? sd : 1;
    }
    return new Preprocessor(mean, scale);
  }

  /** A new array: (x − mean) / scale, NaN → 0 (the mean). */
  public double[][] transform(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double[] r = new double[mean.length];
      for (int j = 0; j < mean.length; j++) r[j] = Double.isNaN(x[i][j]) ? 0 : (x[i][j] - mean[j]) / scale[j];
      out[i] = r;
    }
    return out;
  }
}
