package io.cyclelake.features.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Peak detection with the semantics of {@code scipy.signal.find_peaks}, {@code peak_prominences} and
 * {@code peak_widths}, for locating and measuring incremental-capacity peaks.
 *
 * <p>Semantics (indices are sample indices; heights in the unit of {@code y}):
 * <ul>
 *   <li><b>Local maximum</b>: a sample higher than its left neighbour and, after any run of exactly equal samples,
 *       higher than the next different sample. A flat-topped peak (plateau) is reported once, at the middle of the
 *       plateau rounded down ({@code (left + right) / 2}). The first and last samples are never peaks, and neither
 *       is a plateau touching an end.
 *   <li><b>Filters</b>, applied in scipy's order: height {@code [min, max]} of {@code y[peak]}; threshold {@code [min,
 *       max]} (the smaller of the drops to the two neighbours must be {@code >= min}, the larger {@code <= max});
 *       distance (peaks are visited from the highest down; each kept peak removes all others closer than
 *       {@code ceil(distance)} samples); prominence {@code [min, max]}; width {@code [min, max]}. Bounds are
 *       inclusive; NaN means "no bound".
 *   <li><b>Prominence</b>: from the peak, walk left until a sample strictly higher than the peak or the window edge;
 *       the left base is the lowest sample on that walk (the one nearest the peak if several are equally low).
 *       Likewise to the right. Prominence = {@code y[peak] − max(left minimum, right minimum)}. The window is the whole
 *       signal, or {@code peak ± wlen/2} when {@code wlen >= 2} is given.
 *   <li><b>Width</b> at {@code relHeight} (0.5 = full width at half prominence, FWHM): evaluation height
 *       {@code widthHeight = y[peak] − prominence·relHeight}. Walk left from the peak while the sample is above that
 *       height and the left base is not reached; if the sample reached is below it, the crossing is placed by linear
 *       interpolation between it and its right neighbour ({@code leftIps}, fractional index). Likewise to the right
 *       ({@code rightIps}, bounded by the right base). {@code width = rightIps − leftIps}, in samples.
 * </ul>
 *
 * <p>Differences from scipy: NaN samples are rejected (scipy's comparisons with NaN give silently odd peaks and
 * prominences); trim undefined ends, e.g. of a {@link Derivatives#dqdv} curve, before calling. When equally high peaks
 * compete under {@code distance}, the rightmost is kept (scipy's choice then depends on numpy's unstable argsort:
 * with numpy 2.4 it keeps the rightmost in short signals and, in the cases tried, the leftmost in long ones). {@code plateau_size} is not supported.
 *
 * <p>Allocation: {@code O(n)} index scratch and the result list; nothing per sample.
 */
public final class Peaks {
  private Peaks() {}

  /**
   * One peak: its sample {@code index} and {@code height = y[index]}, its {@code prominence} with {@code leftBase} /
   * {@code rightBase} (sample indices), and its {@code width} (in samples) at {@code widthHeight} with the fractional
   * crossing indices {@code leftIps} and {@code rightIps}. Multiply widths and ips by the sample spacing to get
   * abscissa units.
   */
  public record Peak(int index, double height, double prominence, int leftBase, int rightBase, double width,
      double widthHeight, double leftIps, double rightIps) {}

  /**
   * Conditions for {@link #find}; {@code NaN} bounds mean "no condition". {@code wlen <= 0} means unlimited
   * prominence window; {@code relHeight} is used both for the width filter and for the reported widths. Start from
   * {@link #DEFAULT} and use the {@code with...} methods.
   *
   * @param distance minimum peak separation in samples, {@code >= 1}, or NaN
   * @param wlen prominence window in samples ({@code >= 2}), or {@code <= 0} for the whole signal
   * @param relHeight relative height for widths, {@code >= 0} (0.5 = half prominence)
   */
  public record PeakOptions(double heightMin, double heightMax, double thresholdMin, double thresholdMax,
      double distance, double prominenceMin, double prominenceMax, double widthMin, double widthMax, int wlen,
      double relHeight) {
    /** No filters, unlimited window, relHeight 0.5: every local maximum. */
    public static final PeakOptions DEFAULT = new PeakOptions(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0.5);

    public PeakOptions {
      if (!Double.isNaN(distance) && !(distance >= 1)) {
        throw new IllegalArgumentException("distance must be >= 1 (or NaN for none), got " + distance);
      }
      if (wlen == 1) throw new IllegalArgumentException("wlen must be >= 2 (or <= 0 for none), got " + wlen);
      if (!(relHeight >= 0) || Double.isInfinite(relHeight)) {
        throw new IllegalArgumentException("relHeight must be finite and >= 0, got " + relHeight);
      }
    }

    public PeakOptions withHeight(double min) {
      return withHeight(min, Double.NaN);
    }

    public PeakOptions withHeight(double min, double max) {
      return new PeakOptions(min, max, thresholdMin, thresholdMax, distance, prominenceMin, prominenceMax, widthMin,
          widthMax, wlen, relHeight);
    }

    public PeakOptions withThreshold(double min, double max) {
      return new PeakOptions(heightMin, heightMax, min, max, distance, prominenceMin, prominenceMax, widthMin,
          widthMax, wlen, relHeight);
    }

    public PeakOptions withDistance(double samples) {
      return new PeakOptions(heightMin, heightMax, thresholdMin, thresholdMax, samples, prominenceMin, prominenceMax,
          widthMin, widthMax, wlen, relHeight);
    }

    public PeakOptions withProminence(double min) {
      return withProminence(min, Double.NaN);
    }

    public PeakOptions withProminence(double min, double max) {
      return new PeakOptions(heightMin, heightMax, thresholdMin, thresholdMax, distance, min, max, widthMin, widthMax,
          wlen, relHeight);
    }

    public PeakOptions withWidth(double min) {
      return withWidth(min, Double.NaN);
    }

    public PeakOptions withWidth(double min, double max) {
      return new PeakOptions(heightMin, heightMax, thresholdMin, thresholdMax, distance, prominenceMin, prominenceMax,
          min, max, wlen, relHeight);
    }

    public PeakOptions withWlen(int samples) {
      return new PeakOptions(heightMin, heightMax, thresholdMin, thresholdMax, distance, prominenceMin, prominenceMax,
          widthMin, widthMax, samples, relHeight);
    }

    public PeakOptions withRelHeight(double rel) {
      return new PeakOptions(heightMin, heightMax, thresholdMin, thresholdMax, distance, prominenceMin, prominenceMax,
          widthMin, widthMax, wlen, rel);
    }
  }

  /** Every local maximum of {@code y}, described; {@code find(y, PeakOptions.DEFAULT)}. */
  public static List<Peak> find(double[] y) {
    return find(y, PeakOptions.DEFAULT);
  }

  /**
   * The peaks of {@code y} that pass the conditions in {@code opts}, in increasing index order, each with its
   * prominence and width (see the class description). Returns a new list.
   *
   * @param y samples, no NaN
   * @throws IllegalArgumentException if {@code y} contains NaN or {@code opts} is null
   */
  public static List<Peak> find(double[] y, PeakOptions opts) {
    if (opts == null) throw new IllegalArgumentException("opts must not be null");
    checkNoNaN(y);
    int[] peaks = localMaxima(y);
    int m = peaks.length;

    if (bounded(opts.heightMin(), opts.heightMax())) {
      int k = 0;
      for (int i = 0; i < m; i++) {
        if (within(y[peaks[i]], opts.heightMin(), opts.heightMax())) peaks[k++] = peaks[i];
      }
      m = k;
    }
    if (bounded(opts.thresholdMin(), opts.thresholdMax())) {
      int k = 0;
      for (int i = 0; i < m; i++) {
        int p = peaks[i];
        double left = y[p] - y[p - 1];
        double right = y[p] - y[p + 1];
        boolean keep = Double.isNaN(opts.thresholdMin()) || opts.thresholdMin() <= Math.min(left, right);
        keep &= Double.isNaN(opts.thresholdMax()) || Math.max(left, right) <= opts.thresholdMax();
        if (keep) peaks[k++] = peaks[i];
      }
      m = k;
    }
    if (!Double.isNaN(opts.distance())) m = selectByDistance(y, peaks, m, (int) Math.ceil(opts.distance()));

    double[] prom = new double[m];
    int[] leftBase = new int[m];
    int[] rightBase = new int[m];
    prominences(y, peaks, m, opts.wlen(), prom, leftBase, rightBase);
    if (bounded(opts.prominenceMin(), opts.prominenceMax())) {
      int k = 0;
      for (int i = 0; i < m; i++) {
        if (within(prom[i], opts.prominenceMin(), opts.prominenceMax())) {
          peaks[k] = peaks[i];
          prom[k] = prom[i];
          leftBase[k] = leftBase[i];
          rightBase[k] = rightBase[i];
          k++;
        }
      }
      m = k;
    }
    List<Peak> out = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      Peak p = width(y, peaks[i], prom[i], leftBase[i], rightBase[i], opts.relHeight());
      if (within(p.width(), opts.widthMin(), opts.widthMax())) out.add(p);
    }
    return out;
  }

  /**
   * Prominence and width of each given index, like {@code scipy.signal.peak_prominences(y, indices, wlen)} followed
   * by {@code peak_widths(y, indices, rel_height=relHeight)}; the indices need not be local maxima. Returns a new
   * list in the order of {@code indices}.
   *
   * @param wlen prominence window in samples ({@code >= 2}), or {@code <= 0} for the whole signal
   * @param relHeight relative height for the widths, {@code >= 0}
   * @throws IllegalArgumentException on NaN in {@code y}, an index outside {@code y}, {@code wlen == 1} or a bad
   *     {@code relHeight}
   */
  public static List<Peak> describe(double[] y, int[] indices, double relHeight, int wlen) {
    checkNoNaN(y);
    if (wlen == 1) throw new IllegalArgumentException("wlen must be >= 2 (or <= 0 for none), got " + wlen);
    if (!(relHeight >= 0) || Double.isInfinite(relHeight)) {
      throw new IllegalArgumentException("relHeight must be finite and >= 0, got " + relHeight);
    }
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] >= y.length) {
        throw new IllegalArgumentException("indices[" + i + "] = " + indices[i] + " is outside y (length " + y.length
            + ")");
      }
    }
    int m = indices.length;
    double[] prom = new double[m];
    int[] leftBase = new int[m];
    int[] rightBase = new int[m];
    prominences(y, indices, m, wlen, prom, leftBase, rightBase);
    List<Peak> out = new ArrayList<>(m);
    for (int i = 0; i < m; i++) out.add(width(y, indices[i], prom[i], leftBase[i], rightBase[i], relHeight));
    return out;
  }

  /**
   * Indices of the local maxima of {@code y} (plateaus reported at their middle, rounded down), as
   * {@code scipy.signal.find_peaks(y)} with no conditions. Returns a new array.
   *
   * @throws IllegalArgumentException if {@code y} contains NaN
   */
  public static int[] localMaxima(double[] y) {
    checkNoNaN(y);
    int n = y.length;
    int[] mid = new int[n / 2 + 1];
    int m = 0;
    int i = 1;
    int iMax = n - 1;
    while (i < iMax) {
      if (y[i - 1] < y[i]) {
        int ahead = i + 1;
        while (ahead < iMax && y[ahead] == y[i]) ahead++;
        if (y[ahead] < y[i]) {
          mid[m++] = (i + ahead - 1) / 2;
          i = ahead; // the sample at `ahead` is lower, so it cannot start the next peak
        }
      }
      i++;
    }
    return Arrays.copyOf(mid, m);
  }

  /** scipy's _select_by_peak_distance with a stable priority order; compacts {@code peaks[0..m)}, returns new m. */
  private static int selectByDistance(double[] y, int[] peaks, int m, int distance) {
    int[] order = new int[m];
    for (int i = 0; i < m; i++) order[i] = i;
    mergeSortByHeight(order, new int[m], 0, m, y, peaks);
    boolean[] removed = new boolean[m];
    for (int r = m - 1; r >= 0; r--) {
      int j = order[r];
      if (removed[j]) continue;
      for (int k = j - 1; k >= 0 && peaks[j] - peaks[k] < distance; k--) removed[k] = true;
      for (int k = j + 1; k < m && peaks[k] - peaks[j] < distance; k++) removed[k] = true;
    }
    int k = 0;
    for (int i = 0; i < m; i++) if (!removed[i]) peaks[k++] = peaks[i];
    return k;
  }

  /** Stable ascending sort of {@code order[from..to)} by {@code y[peaks[order[i]]]}. */
  private static void mergeSortByHeight(int[] order, int[] tmp, int from, int to, double[] y, int[] peaks) {
    if (to - from < 2) return;
    int mid = (from + to) >>> 1;
    mergeSortByHeight(order, tmp, from, mid, y, peaks);
    mergeSortByHeight(order, tmp, mid, to, y, peaks);
    int a = from;
    int b = mid;
    int t = from;
    while (a < mid && b < to) {
      // `<=` takes from the left half on ties, which keeps the sort stable.
      tmp[t++] = y[peaks[order[a]]] <= y[peaks[order[b]]] ? order[a++] : order[b++];
    }
    while (a < mid) tmp[t++] = order[a++];
    while (b < to) tmp[t++] = order[b++];
    System.arraycopy(tmp, from, order, from, to - from);
  }

  /** scipy's _peak_prominences for {@code peaks[0..m)}. */
  private static void prominences(double[] y, int[] peaks, int m, int wlen, double[] prom, int[] leftBase,
      int[] rightBase) {
    for (int p = 0; p < m; p++) {
      int peak = peaks[p];
      int iMin = 0;
      int iMax = y.length - 1;
      if (wlen >= 2) {
        iMin = Math.max(peak - wlen / 2, iMin);
        iMax = Math.min(peak + wlen / 2, iMax);
      }
      int i = peak;
      leftBase[p] = peak;
      double leftMin = y[peak];
      while (iMin <= i && y[i] <= y[peak]) {
        if (y[i] < leftMin) {
          leftMin = y[i];
          leftBase[p] = i;
        }
        i--;
      }
      i = peak;
      rightBase[p] = peak;
      double rightMin = y[peak];
      while (i <= iMax && y[i] <= y[peak]) {
        if (y[i] < rightMin) {
          rightMin = y[i];
          rightBase[p] = i;
        }
        i++;
      }
      prom[p] = y[peak] - Math.max(leftMin, rightMin);
    }
  }

  /** scipy's _peak_widths for one peak. */
  private static Peak width(double[] y, int peak, double prominence, int leftBase, int rightBase, double relHeight) {
    double height = y[peak] - prominence * relHeight;
    int i = peak;
    while (leftBase < i && height < y[i]) i--;
    double leftIp = i;
    if (y[i] < height) leftIp += (height - y[i]) / (y[i + 1] - y[i]);
    i = peak;
    while (i < rightBase && height < y[i]) i++;
    double rightIp = i;
    if (y[i] < height) rightIp -= (height - y[i]) / (y[i - 1] - y[i]);
    return new Peak(peak, y[peak], prominence, leftBase, rightBase, rightIp - leftIp, height, leftIp, rightIp);
  }

  private static boolean bounded(double min, double max) {
    return !Double.isNaN(min) || !Double.isNaN(max);
  }

  private static boolean within(double v, double min, double max) {
    return (Double.isNaN(min) || min <= v) && (Double.isNaN(max) || v <= max);
  }

  private static void checkNoNaN(double[] y) {
    for (int i = 0; i < y.length; i++) {
      if (Double.isNaN(y[i])) {
        throw new IllegalArgumentException("y[" + i + "] is NaN; peaks need a NaN-free signal (trim undefined ends)");
      }
    }
  }
}
