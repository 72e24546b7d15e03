package io.cyclelake.model.sequence;

/**
 * Multi-head scaled dot-product self-attention weights, plain Java: for head h,
 * {@code Q = Wq[h] X}, {@code K = Wk[h] X} and {@code w[h][q][k] = softmax_k(Q[:,q] · K[:,k] / sqrt(headSize))} over
 * the valid steps {@code k < length}.
 */
public final class Attention {
  private Attention() {}

  /**
   * @param wq query projections {@code [heads][headSize][nIn]}
   * @param wk key projections, same shape
   * @param x the layer's input {@code [nIn][steps]}
   * @param length valid steps
   * @return {@code [heads][steps][steps]}; rows of padded query steps are 0
   */
  public static double[][][] weights(double[][][] wq, double[][][] wk, double[][] x, int length) {
    int heads = wq.length;
    int d = wq[0].length;
    int steps = x[0].length;
    double[][][] out = new double[heads][steps][steps];
    for (int h = 0; h < heads; h++) {
      double[][] q = project(wq[h], x, length);
      double[][] k = project(wk[h], x, length);
      double scale = 1 / Math.sqrt(d);
      for (int a = 0; a < length; a++) {
        double max = Double.NEGATIVE_INFINITY;
        double[] s = out[h][a];
        for (int b = 0; b < length; b++) {
          double dot = 0;
          for (int j = 0; j < d; j++) dot += q[j][a] * k[j][b];
          s[b] = dot * scale;
          max = Math.max(max, s[b]);
        }
        double sum = 0;
        for (int b = 0; b < length; b++) {
          s[b] = Math.exp(s[b] - max);
          sum += s[b];
        }
        for (int b = 0; b < length; b++) s[b] /= sum;
      }
    }
    return out;
  }

  /**
   * The attention each key step received: {@code r[k]} = mean over heads h and valid query steps q &lt; length of
   * {@code w[h][q][k]}. Sums to 1 over the valid steps when each valid row of {@code w} does; padded steps get 0.
   *
   * @param w {@code [heads][steps][steps]}, as from {@link #weights}
   */
  public static double[] received(double[][][] w, int length) {
    int steps = w[0].length;
    double[] r = new double[steps];
    if (length <= 0) return r;
    for (double[][] head : w) {
      for (int q = 0; q < length; q++) for (int k = 0; k < steps; k++) r[k] += head[q][k];
    }
    double n = (double) w.length * length;
    for (int k = 0; k < steps; k++) r[k] /= n;
    return r;
  }

  /** {@code w x} for the first {@code length} steps: {@code [rows of w][steps]}. */
  static double[][] project(double[][] w, double[][] x, int length) {
    double[][] out = new double[w.length][x[0].length];
    for (int r = 0; r < w.length; r++) {
      for (int t = 0; t < length; t++) {
        double s = 0;
        for (int c = 0; c < x.length; c++) s += w[r][c] * x[c][t];
        out[r][t] = s;
      }
    }
    return out;
  }
}
