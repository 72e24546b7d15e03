package io.cyclelake.model.sequence;

import java.io.Serializable;

/**
 * Per-channel standardisation of sequences, fitted on the valid steps of the training fold's sequences only. NaN
 * values are ignored when fitting and become 0 (the training mean) when transforming; a channel that is constant in
 * training keeps scale 1. Padded steps (beyond a sequence's length) stay 0.
 */
public record SequenceScaler(double[] mean, double[] scale) implements Serializable {

  /**
   * @param x sequences × channels × steps
   * @param length valid steps per sequence
   * @param rows the training sequences (indices into x)
   */
  public static SequenceScaler fit(double[][][] x, int[] length, int[] rows, int channels) {
    double[] mean = new double[channels];
    double[] scale = new double[channels];
    for (int c = 0; c < channels; c++) {
      double s = 0;
      long n = 0;
      for (int i : rows) {
        for (int t = 0; t < length[i]; t++) {
          double v = x[i][c][t];
          if (!Double.isNaN(v)) {
            s += v;
            n++;
          }
        }
      }
      double m = n == 0 ? 0 : s / n;
      double ss = 0;
      for (int i : rows) {
        for (int t = 0; t < length[i]; t++) {
          double v = x[i][c][t];
          if (!Double.isNaN(v)) ss += (v - m) * (v - m);
        }
      }
      double sd = n < 2 ? 0 : Math.sqrt(ss / (n - 1));
      mean[c] = m;
      scale[c] = sd > 1e-12 * Math.max(1, Math.abs(m)) ? sd : 1;
    }
    return new SequenceScaler(mean, scale);
  }

  /** A new array holding the scaled sequences {@code rows} of x (padded steps 0). */
  public double[][][] transform(double[][][] x, int[] length, int[] rows) {
    double[][][] out = new double[rows.length][][];
    for (int k = 0; k < rows.length; k++) {
      int i = rows[k];
      double[][] s = new double[mean.length][x[i][0].length];
      for (int c = 0; c < mean.length; c++) {
        for (int t = 0; t < length[i]; t++) {
          double v = x[i][c][t];
          s[c][t] = Double.isNaN(v) ? 0 : (v - mean[c]) / scale[c];
        }
      }
      out[k] = s;
    }
    return out;
  }
}
