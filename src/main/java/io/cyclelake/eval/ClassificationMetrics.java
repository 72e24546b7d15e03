package io.cyclelake.eval;

import java.util.Arrays;

/**
 * Binary classification metrics of scores against 0/1 labels. ROC AUC is the Mann-Whitney statistic (ties count one
 * half); PR AUC is average precision (scikit-learn's {@code average_precision_score}: Σ (Rₖ − Rₖ₋₁)·Pₖ over the
 * distinct score thresholds, highest first). Both are NaN when one class is absent.
 */
public record ClassificationMetrics(long n, long positives, double rocAuc, double prAuc, double threshold,
    double precision, double recall, double f1) {

  public static ClassificationMetrics of(double[] y, double[] score, double threshold) {
    if (y.length != score.length) {
      throw new IllegalArgumentException("labels " + y.length + ", scores " + score.length);
    }
    int n = y.length;
    long pos = 0;
    long tp = 0;
    long fp = 0;
    for (int i = 0; i < n; i++) {
      if (y[i] == 1) pos++;
      if (score[i] >= threshold) {
        if (y[i] == 1) tp++;
        else fp++;
      }
    }
    double precision = tp + fp == 0 ? Double.NaN : tp / (double) (tp + fp);
    double recall = pos == 0 ? Double.NaN : tp / (double) pos;
    double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    return new ClassificationMetrics(n, pos, rocAuc(y, score), averagePrecision(y, score), threshold, precision,
        recall, f1);
  }

  static Integer[] order(double[] score) {
    Integer[] idx = new Integer[score.length];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    Arrays.sort(idx, (a, b) -> Double.compare(score[b], score[a]));
    return idx;
  }

  public static double rocAuc(double[] y, double[] score) {
    Integer[] idx = order(score);
    long pos = 0;
    long neg = 0;
    for (double v : y) if (v == 1) pos++; else neg++;
    if (pos == 0 || neg == 0) return Double.NaN;
    // Count pairs (positive scored above negative) over groups of tied scores, highest first.
    double above = 0;
    long negSeen = 0;
    int i = 0;
    while (i < idx.length) {
      int j = i;
      long p = 0;
      long q = 0;
      while (j < idx.length && score[idx[j]] == score[idx[i]]) {
        if (y[idx[j]] == 1) p++; else q++;
        j++;
      }
      // positives in this group rank above the negatives of later groups: counted when those come; here ties
      above += p * (double) (neg - negSeen - q) + 0.5 * p * q;
      negSeen += q;
      i = j;
    }
    return above / ((double) pos * neg);
  }

  /**
   * Counts at each distinct score, highest first, when every row scoring at or above it is called positive:
   * {@code tp[k]} true positives and {@code called[k]} rows called; {@code positives} in all.
   */
  private record Sweep(double[] threshold, long[] tp, long[] called, long positives) {
    static Sweep of(double[] y, double[] score) {
      Integer[] idx = order(score);
      long pos = 0;
      for (double v : y) if (v == 1) pos++;
      double[] thr = new double[idx.length];
      long[] tp = new long[idx.length];
      long[] called = new long[idx.length];
      int n = 0;
      long t = 0;
      long seen = 0;
      int i = 0;
      while (i < idx.length) {
        int j = i;
        while (j < idx.length && score[idx[j]] == score[idx[i]]) {
          if (y[idx[j]] == 1) t++;
          seen++;
          j++;
        }
        thr[n] = score[idx[i]];
        tp[n] = t;
        called[n++] = seen;
        i = j;
      }
      return new Sweep(Arrays.copyOf(thr, n), Arrays.copyOf(tp, n), Arrays.copyOf(called, n), pos);
    }
  }

  public static double averagePrecision(double[] y, double[] score) {
    Sweep s = Sweep.of(y, score);
    if (s.positives() == 0 || s.positives() == y.length) return Double.NaN;
    double ap = 0;
    double prevRecall = 0;
    for (int k = 0; k < s.threshold().length; k++) {
      double recall = s.tp()[k] / (double) s.positives();
      ap += (recall - prevRecall) * (s.tp()[k] / (double) s.called()[k]);
      prevRecall = recall;
    }
    return ap;
  }

  /** The score threshold (one of the scores) that maximises F-beta on these rows; 0.5 without positives. */
  public static double bestThreshold(double[] y, double[] score, double beta) {
    Sweep s = Sweep.of(y, score);
    if (s.positives() == 0) return 0.5;
    double b2 = beta * beta;
    double best = -1;
    double thr = 0.5;
    for (int k = 0; k < s.threshold().length; k++) {
      double p = s.tp()[k] / (double) s.called()[k];
      double r = s.tp()[k] / (double) s.positives();
      double f = p + r == 0 ? 0 : (1 + b2) * p * r / (b2 * p + r);
      if (f > best) {
        best = f;
        thr = s.threshold()[k];
      }
    }
    return thr;
  }
}
