package io.cyclelake.features.telemetry;

import java.util.Arrays;

/**
 * 1 Hz aggregation of one device's raw telemetry: mean, minimum and maximum of every channel over each whole second,
 * with gaps marked and never filled. Plain Java over arrays, no Spark.
 *
 * <p>Samples with the same time stamp (overlapping log files write the same sample twice) count once: the first in
 * input order is kept; a repeat whose values differ from the kept one is counted as a conflict. A hole of more than
 * {@code maxGapS} whole seconds between two consecutive samples ends a segment; the seconds of a shorter hole are rows
 * with no samples (the caller writes them as gap rows with null values). NaN values (channel not logged) are left out
 * of that channel's statistics; a second in which a channel has no value has NaN statistics for it.
 */
public final class Resample1Hz {
  private Resample1Hz() {}

  /**
   * The seconds of all segments, in order.
   *
   * @param second start of each second, epoch seconds
   * @param segment 0-based segment of each second
   * @param count distinct samples in the second (0 = gap)
   * @param mean [channel][row]
   * @param duplicates samples dropped because their time stamp was already seen
   * @param conflicts of those, how many had different values
   */
  public record Result(long[] second, int[] segment, int[] count, double[][] mean, double[][] min, double[][] max,
      long duplicates, long conflicts) {
    public int rows() {
      return second.length;
    }
  }

  /**
   * Aggregates (allocates its result).
   *
   * @param micros sample times, epoch microseconds, non-decreasing (ties = overlapping files)
   * @param values [channel][sample], NaN = missing
   * @param maxGapS longest hole (s) kept inside a segment as gap rows
   * @throws IllegalArgumentException if lengths differ, times decrease or maxGapS &lt; 1
   */
  public static Result aggregate(long[] micros, double[][] values, int maxGapS) {
    int n = micros.length;
    int c = values.length;
    for (double[] v : values) {
      if (v.length != n) throw new IllegalArgumentException("a channel has " + v.length + " values, times " + n);
    }
    if (maxGapS < 1) throw new IllegalArgumentException("maxGapS must be >= 1, got " + maxGapS);
    for (int i = 1; i < n; i++) {
      if (micros[i] < micros[i - 1]) throw new IllegalArgumentException("times decrease at index " + i);
    }
    // Distinct samples.
    int[] keep = new int[n];
    int m = 0;
    long dup = 0;
    long conflicts = 0;
    for (int i = 0; i < n; i++) {
      if (m > 0 && micros[keep[m - 1]] == micros[i]) {
        dup++;
        int k = keep[m - 1];
        for (int ch = 0; ch < c; ch++) {
          double a = values[ch][k];
          double b = values[ch][i];
          if (!(Double.isNaN(a) && Double.isNaN(b)) && a != b) {
            conflicts++;
            break;
          }
        }
        continue;
      }
      keep[m++] = i;
    }
    if (m == 0) return new Result(new long[0], new int[0], new int[0], new double[c][0], new double[c][0],
        new double[c][0], dup, conflicts);
    // Rows: every second from a segment's first to its last sample.
    long[] sec = new long[m];
    for (int j = 0; j < m; j++) sec[j] = Math.floorDiv(micros[keep[j]], 1_000_000L);
    int rows = 1;
    for (int j = 1; j < m; j++) {
      long d = sec[j] - sec[j - 1];
      if (d > maxGapS) rows += 1;
      else rows += (int) d;
    }
    long[] second = new long[rows];
    int[] segment = new int[rows];
    int[] count = new int[rows];
    double[][] sum = new double[c][rows];
    double[][] mn = new double[c][rows];
    double[][] mx = new double[c][rows];
    int[][] cnt = new int[c][rows];
    for (int ch = 0; ch < c; ch++) {
      Arrays.fill(mn[ch], Double.POSITIVE_INFINITY);
      Arrays.fill(mx[ch], Double.NEGATIVE_INFINITY);
    }
    int r = 0;
    int seg = 0;
    second[0] = sec[0];
    for (int j = 0; j < m; j++) {
      if (j > 0 && sec[j] != sec[j - 1]) {
        long d = sec[j] - sec[j - 1];
        if (d > maxGapS) {
          seg++;
          r++;
          second[r] = sec[j];
          segment[r] = seg;
        } else {
          for (long s = sec[j - 1] + 1; s <= sec[j]; s++) {
            r++;
            second[r] = s;
            segment[r] = seg;
          }
        }
      }
      count[r]++;
      int i = keep[j];
      for (int ch = 0; ch < c; ch++) {
        double v = values[ch][i];
        if (Double.isNaN(v)) continue;
        sum[ch][r] += v;
        cnt[ch][r]++;
        if (v < mn[ch][r]) mn[ch][r] = v;
        if (v > mx[ch][r]) mx[ch][r] = v;
      }
    }
    for (int ch = 0; ch < c; ch++) {
      for (int k = 0; k < rows; k++) {
        if (cnt[ch][k] == 0) {
          sum[ch][k] = Double.NaN;
          mn[ch][k] = Double.NaN;
          mx[ch][k] = Double.NaN;
        } else {
          sum[ch][k] /= cnt[ch][k];
        }
      }
    }
    return new Result(second, segment, count, sum, mn, mx, dup, conflicts);
  }
}
