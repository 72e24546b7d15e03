package io.cyclelake.model;

import java.util.function.Function;

/** Importance of the neural models: how strongly the prediction moves with each (standardised) feature. */
public final class Sensitivity {
  private Sensitivity() {}

  /**
   * Mean |∂ŷ/∂x_j| over the rows, by central differences with step {@code h}; inputs are standardised, so the
   * result is the change of the prediction per standard deviation of each feature.
   */
  public static double[] meanAbsGradient(Function<double[][], double[]> predict, double[][] x, double h) {
    int nf = x[0].length;
    double[] imp = new double[nf];
    for (int j = 0; j < nf; j++) {
      double[][] up = new double[x.length][];
      double[][] dn = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        up[i] = x[i].clone();
        dn[i] = x[i].clone();
        up[i][j] += h;
        dn[i][j] -= h;
      }
      double[] pu = predict.apply(up);
      double[] pd = predict.apply(dn);
      double s = 0;
      for (int i = 0; i < x.length; i++) s += Math.abs(pu[i] - pd[i]) / (2 * h);
      imp[j] = s / x.length;
    }
    return imp;
  }
}
