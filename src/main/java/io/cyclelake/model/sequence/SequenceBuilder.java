package io.cyclelake.model.sequence;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;

/**
 * Turns the samples of one cycle into a fixed-size sequence, plain Java over arrays. Two modes:
 *
 * <ul>
 *   <li>{@code resample}: every channel linearly interpolated in time onto {@code maxLength} points evenly spaced
 *       from the cycle's first to its last sample time; the sequence is always full (length = maxLength). A channel
 *       value that is NaN is skipped (interpolated between its finite neighbours; held flat beyond the first or last
 *       finite value); a channel with no finite value stays NaN (the scaler imputes its training mean).
 *   <li>{@code truncate}: the first {@code maxLength} samples as recorded; a shorter cycle fills the first n steps,
 *       the rest is zero and masked out (length = n). NaN values are kept (the scaler imputes them).
 * </ul>
 */
public final class SequenceBuilder {
  private SequenceBuilder() {}

  /** How samples become steps. */
  public enum Mode {
    RESAMPLE, TRUNCATE;

    public static Mode of(String name) {
      return switch (name) {
        case "resample" -> RESAMPLE;
        case "truncate" -> TRUNCATE;
        default -> throw new CycleLakeException(ErrorCode.CONFIG_INVALID,
            "sequence.mode must be 'resample' or 'truncate', got '" + name + "'");
      };
    }
  }

  /**
   * @param time sample times (s), non-decreasing, length n
   * @param channels channels × n sample values
   * @param out channels × maxLength, written (resample: every step; truncate: the first {@code min(n, maxLength)}
   *     steps, the rest set to 0)
   * @return the number of valid steps
   * @throws CycleLakeException INPUT_MALFORMED when lengths differ, times decrease, or resampling gets fewer than two
   *     samples or a zero duration
   */
  public static int build(Mode mode, double[] time, double[][] channels, int maxLength, double[][] out) {
    int n = time.length;
    if (maxLength < 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sequence.max-length must be >= 1, got " + maxLength);
    }
    if (out.length != channels.length) {
      throw new IllegalArgumentException("out has " + out.length + " channels, input " + channels.length);
    }
    for (int c = 0; c < channels.length; c++) {
      if (channels[c].length != n) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "channel " + c + " has " + channels[c].length
            + " values for " + n + " sample times");
      }
      if (out[c].length != maxLength) {
        throw new IllegalArgumentException("out[" + c + "] has length " + out[c].length + ", not " + maxLength);
      }
    }
    for (int k = 1; k < n; k++) {
      if (!(time[k] >= time[k - 1])) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "sample times decrease at sample " + k + ": "
            + time[k - 1] + " then " + time[k]);
      }
    }
    if (mode == Mode.TRUNCATE) {
      int len = Math.min(n, maxLength);
      for (int c = 0; c < channels.length; c++) {
        System.arraycopy(channels[c], 0, out[c], 0, len);
        java.util.Arrays.fill(out[c], len, maxLength, 0.0);
      }
      return len;
    }
    if (n < 2 || !(time[n - 1] > time[0])) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot resample a cycle of " + n
          + " samples spanning " + (n == 0 ? 0 : time[n - 1] - time[0]) + " s; it needs at least two samples at "
          + "different times");
    }
    for (int c = 0; c < channels.length; c++) resampleChannel(time, channels[c], out[c]);
    return maxLength;
  }

  /** Linear interpolation of the finite values of {@code v} onto {@code out.length} evenly spaced times. */
  static void resampleChannel(double[] t, double[] v, double[] out) {
    int n = t.length;
    int m = out.length;
    double t0 = t[0];
    double span = t[n - 1] - t0;
    int first = -1;
    int last = -1;
    for (int k = 0; k < n; k++) {
      if (Double.isFinite(v[k])) {
        if (first < 0) first = k;
        last = k;
      }
    }
    if (first < 0) {
      java.util.Arrays.fill(out, Double.NaN);
      return;
    }
    int lo = first; // index of the last finite sample at or before the target time
    for (int j = 0; j < m; j++) {
      double tj = m == 1 ? t[n - 1] : t0 + span * j / (m - 1);
      if (j == m - 1) tj = t[n - 1];
      if (tj <= t[first]) {
        out[j] = v[first];
        continue;
      }
      if (tj >= t[last]) {
        out[j] = v[last];
        continue;
      }
      while (true) {
        int next = nextFinite(v, lo);
        if (next < 0 || t[next] >= tj) break;
        lo = next;
      }
      int hi = nextFinite(v, lo);
      double dt = t[hi] - t[lo];
      out[j] = dt <= 0 ? v[hi] : v[lo] + (v[hi] - v[lo]) * (tj - t[lo]) / dt;
    }
  }

  private static int nextFinite(double[] v, int from) {
    for (int k = from + 1; k < v.length; k++) if (Double.isFinite(v[k])) return k;
    return -1;
  }
}
