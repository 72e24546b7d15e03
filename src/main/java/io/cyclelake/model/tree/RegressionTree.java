package io.cyclelake.model.tree;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Random;

/**
 * A CART regression tree (variance reduction, binary splits at midpoints between distinct values) over plain arrays,
 * the building block of {@code random-forest} and {@code gbt}. Nodes are stored in parallel arrays; a leaf has
 * {@code feature = -1}.
 */
public final class RegressionTree implements Serializable {
  final int[] feature;
  final double[] threshold;
  final int[] left;
  final int[] right;
  final double[] value;

  private RegressionTree(int[] feature, double[] threshold, int[] left, int[] right, double[] value) {
    this.feature = feature;
    this.threshold = threshold;
    this.left = left;
    this.right = right;
    this.value = value;
  }

  public double predict(double[] x) {
    int n = 0;
    while (feature[n] >= 0) n = x[feature[n]] <= threshold[n] ? left[n] : right[n];
    return value[n];
  }

  public int nodes() {
    return feature.length;
  }

  /** Settings of one tree. {@code featuresPerNode} features are drawn at random at each node (all if ≥ d). */
  public record Settings(int maxDepth, int minInstancesPerNode, int featuresPerNode) implements Serializable {}

  /**
   * Grows a tree on the rows {@code rows} (indices into x/y, repeats allowed for a bootstrap sample).
   *
   * @param importance added to: the total squared-error reduction of the splits on each feature
   */
  public static RegressionTree grow(double[][] x, double[] y, int[] rows, Settings s, Random rnd,
      double[] importance) {
    Builder b = new Builder(x, y, s, rnd, importance);
    b.build(rows, 0);
    return b.tree();
  }

  private static final class Builder {
    final double[][] x;
    final double[] y;
    final Settings s;
    final Random rnd;
    final double[] importance;
    final int d;
    int[] feature = new int[16];
    double[] threshold = new double[16];
    int[] left = new int[16];
    int[] right = new int[16];
    double[] value = new double[16];
    int size;

    Builder(double[][] x, double[] y, Settings s, Random rnd, double[] importance) {
      this.x = x;
      this.y = y;
      this.s = s;
      this.rnd = rnd;
      this.importance = importance;
      this.d = x.length == 0 ? 0 : x[0].length;
    }

    int add() {
      if (size == feature.length) {
        int c = size * 2;
        feature = Arrays.copyOf(feature, c);
        threshold = Arrays.copyOf(threshold, c);
        left = Arrays.copyOf(left, c);
        right = Arrays.copyOf(right, c);
        value = Arrays.copyOf(value, c);
      }
      return size++;
    }

    int build(int[] rows, int depth) {
      int node = add();
      double sum = 0;
      double sq = 0;
      for (int r : rows) {
        sum += y[r];
        sq += y[r] * y[r];
      }
      int n = rows.length;
      value[node] = sum / n;
      feature[node] = -1;
      double sse = sq - sum * sum / n;
      if (depth >= s.maxDepth() || n < 2 * s.minInstancesPerNode() || sse <= 1e-15) return node;
      int[] cand = candidates();
      int bestF = -1;
      double bestGain = 1e-12;
      double bestThr = 0;
      Integer[] order = new Integer[n];
      double[] vals = new double[n];
      for (int f : cand) {
        for (int k = 0; k < n; k++) order[k] = rows[k];
        final int ff = f;
        Arrays.sort(order, (a, b) -> Double.compare(x[a][ff], x[b][ff]));
        for (int k = 0; k < n; k++) vals[k] = x[order[k]][f];
        double ls = 0;
        double lq = 0;
        for (int k = 0; k < n - 1; k++) {
          double v = y[order[k]];
          ls += v;
          lq += v * v;
          int nl = k + 1;
          int nr = n - nl;
          if (vals[k] == vals[k + 1] || nl < s.minInstancesPerNode() || nr < s.minInstancesPerNode()) continue;
          double rs = sum - ls;
          double rq = sq - lq;
          double gain = sse - (lq - ls * ls / nl) - (rq - rs * rs / nr);
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestThr = 0.5 * (vals[k] + vals[k + 1]);
          }
        }
      }
      if (bestF < 0) return node;
      importance[bestF] += bestGain;
      int nl = 0;
      for (int r : rows) if (x[r][bestF] <= bestThr) nl++;
      int[] lr = new int[nl];
      int[] rr = new int[n - nl];
      int a = 0;
      int b = 0;
      for (int r : rows) {
        if (x[r][bestF] <= bestThr) lr[a++] = r;
        else rr[b++] = r;
      }
      feature[node] = bestF;
      threshold[node] = bestThr;
      int l = build(lr, depth + 1);
      int r = build(rr, depth + 1);
      left[node] = l;
      right[node] = r;
      return node;
    }

    int[] candidates() {
      int m = Math.min(Math.max(1, s.featuresPerNode()), d);
      int[] all = new int[d];
      for (int j = 0; j < d; j++) all[j] = j;
      if (m == d) return all;
      for (int j = 0; j < m; j++) {
        int k = j + rnd.nextInt(d - j);
        int t = all[j];
        all[j] = all[k];
        all[k] = t;
      }
      return Arrays.copyOf(all, m);
    }

    RegressionTree tree() {
      return new RegressionTree(Arrays.copyOf(feature, size), Arrays.copyOf(threshold, size),
          Arrays.copyOf(left, size), Arrays.copyOf(right, size), Arrays.copyOf(value, size));
    }
  }
}
