package io.cyclelake.features;

import io.cyclelake.features.kernels.Derivatives;
import io.cyclelake.features.kernels.Peaks;
import io.cyclelake.features.kernels.Resample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Incremental-capacity analysis of one charge or discharge, plain Java. Steps:
 * <ol>
 *   <li>keep the constant-current part: samples whose current has the cycle's sign and a magnitude of at least
 *       {@code ccCurrentFraction} × the 90th percentile of those magnitudes (drops rests, the CV tail and switching
 *       transients without knowing the protocol);
 *   <li>Q = cumulative trapezoid of |I| over time on those samples, in Ah;
 *   <li>dQ/dV on a uniform voltage grid with step {@code gridStepV} from the first grid point above the lowest voltage
 *       to two grid steps below the highest (the top is where a CV phase holds the voltage), Q smoothed by
 *       Savitzky–Golay ({@link Derivatives#dqdv});
 *   <li>peaks of |dQ/dV| (scipy {@code find_peaks} semantics) with prominence at least {@code minProminence}, the
 *       {@code topPeaks} most prominent kept, in order of prominence.
 * </ol>
 * |dQ/dV| is reported, so discharge peaks are positive too.
 *
 * <p>Differential-voltage analysis (DVA) uses the same constant-current samples: V resampled onto a uniform capacity
 * grid of step {@code dvaGridStepAh} ({@link Derivatives#dvdq}, smoothed like the ICA curve), then peaks of |dV/dQ|
 * with prominence at least {@code dvaMinProminence}, searched only between {@code dvaEdgeFraction} and
 * {@code 1 − dvaEdgeFraction} of the charge passed, because |dV/dQ| grows without bound at both ends of a cycle
 * (the knee at full and empty) and those ends are not phase transitions. The {@code Tables.DVA_PEAKS} most prominent
 * are kept; their capacity positions move as active material is lost.
 */
public final class IcaAnalysis {
  private IcaAnalysis() {}

  /** Settings; see {@code cyclelake.features.ica} in reference.conf. */
  public record Settings(double gridStepV, int smoothingWindow, int smoothingOrder, double ccCurrentFraction,
      int topPeaks, double minProminence, double dvaGridStepAh, double dvaEdgeFraction, double dvaMinProminence,
      int dvaTopPeaks) implements java.io.Serializable {
    /** ICA only: no DVA peaks are searched. */
    public Settings(double gridStepV, int smoothingWindow, int smoothingOrder, double ccCurrentFraction, int topPeaks,
        double minProminence) {
      this(gridStepV, smoothingWindow, smoothingOrder, ccCurrentFraction, topPeaks, minProminence, 0.005, 0.1,
          Double.POSITIVE_INFINITY, 0);
    }

    /**
     * Binds {@code cyclelake.features.ica} and {@code cyclelake.features.dva}; the peak counts are the schema's
     * {@code Tables.ICA_PEAKS} and {@code Tables.DVA_PEAKS}.
     */
    public static Settings of(com.typesafe.config.Config ica, com.typesafe.config.Config dva) {
      return new Settings(ica.getDouble("grid-step-v"), ica.getInt("smoothing-window"), ica.getInt("smoothing-order"),
          ica.getDouble("cc-current-fraction"), io.cyclelake.schema.Tables.ICA_PEAKS,
          ica.getDouble("min-prominence-ah-per-v"), dva.getDouble("grid-step-ah"), dva.getDouble("edge-fraction"),
          dva.getDouble("min-prominence-v-per-ah"), io.cyclelake.schema.Tables.DVA_PEAKS);
    }
  }

  /** One DVA peak: charge passed since the start of the constant-current part (Ah) and |dV/dQ| there (V/Ah). */
  public record DvaPeak(double capacityAh, double heightVPerAh) {}

  /** One peak: voltage (V), height and prominence (Ah/V), full width at half prominence (V). */
  public record IcaPeak(double voltageV, double heightAhPerV, double prominenceAhPerV, double widthV) {}

  /**
   * @param voltageV the grid; @param dqdv |dQ/dV| on it (Ah/V); @param areaAh trapezoid area under |dQ/dV|
   * @param samplesUsed constant-current samples the curve was built from
   */
  public record Result(double[] voltageV, double[] dqdv, List<IcaPeak> peaks, double areaAh, int samplesUsed,
      List<DvaPeak> dvaPeaks) {
    static final Result EMPTY = new Result(new double[0], new double[0], List.of(), Double.NaN, 0, List.of());
  }

  /** @param charge true for a charge (current positive), false for a discharge */
  public static Result analyse(double[] t, double[] v, double[] i, int n, boolean charge, Settings s) {
    double sign = charge ? 1 : -1;
    double[] mags = new double[n];
    int m = 0;
    for (int k = 0; k < n; k++) {
      if (sign * i[k] > 0) mags[m++] = sign * i[k];
    }
    if (m < 3) return Result.EMPTY;
    double[] sorted = Arrays.copyOf(mags, m);
    Arrays.sort(sorted);
    double threshold = s.ccCurrentFraction() * sorted[(int) Math.floor(0.9 * (m - 1))];
    double[] ts = new double[n];
    double[] vs = new double[n];
    double[] is = new double[n];
    int u = 0;
    for (int k = 0; k < n; k++) {
      if (sign * i[k] >= threshold && threshold > 0) {
        ts[u] = t[k];
        vs[u] = v[k];
        is[u] = Math.abs(i[k]);
        u++;
      }
    }
    if (u < 3) return Result.EMPTY;
    ts = Arrays.copyOf(ts, u);
    vs = Arrays.copyOf(vs, u);
    is = Arrays.copyOf(is, u);
    double[] q = Resample.cumulativeTrapezoid(ts, is);
    for (int k = 0; k < u; k++) q[k] /= 3600.0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double x : vs) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    List<DvaPeak> dva = dvaPeaks(vs, q, s);
    double step = s.gridStepV();
    double start = Math.ceil(lo / step) * step;
    double end = Math.floor((hi - 2 * step) / step) * step;
    int size = (int) Math.round((end - start) / step) + 1;
    if (size < Math.max(5, s.smoothingWindow())) {
      return new Result(new double[0], new double[0], List.of(), Double.NaN, u, dva);
    }
    Derivatives.Curve c = Derivatives.dqdv(vs, q, charge ? Resample.Direction.RISING : Resample.Direction.FALLING,
        start, step, size, new Derivatives.Smoothing(s.smoothingWindow(), s.smoothingOrder()));
    double[] y = c.y();
    for (int k = 0; k < y.length; k++) y[k] = Math.abs(y[k]);
    int a = 0;
    while (a < y.length && Double.isNaN(y[a])) a++;
    int b = y.length;
    while (b > a && Double.isNaN(y[b - 1])) b--;
    if (b - a < 3) return new Result(c.x(), y, List.of(), Double.NaN, u, dva);
    double[] run = Arrays.copyOfRange(y, a, b);
    double area = 0;
    for (int k = 1; k < run.length; k++) area += 0.5 * step * (run[k] + run[k - 1]);
    List<Peaks.Peak> found = new ArrayList<>(Peaks.find(run, Peaks.PeakOptions.DEFAULT.withProminence(
        s.minProminence())));
    found.sort(Comparator.comparingDouble(Peaks.Peak::prominence).reversed());
    List<IcaPeak> peaks = new ArrayList<>();
    for (Peaks.Peak p : found.subList(0, Math.min(s.topPeaks(), found.size()))) {
      peaks.add(new IcaPeak(c.x()[a + p.index()], p.height(), p.prominence(), p.width() * step));
    }
    return new Result(c.x(), y, peaks, area, u, dva);
  }

  /** The most prominent |dV/dQ| peaks away from both ends; {@code q} rises from 0 in Ah. */
  static List<DvaPeak> dvaPeaks(double[] v, double[] q, Settings s) {
    if (s.dvaTopPeaks() <= 0) return List.of();
    double qMax = q[q.length - 1];
    double step = s.dvaGridStepAh();
    int size = (int) Math.floor(qMax / step) + 1;
    if (!(qMax > 0) || size < Math.max(5, s.smoothingWindow())) return List.of();
    Derivatives.Curve c = Derivatives.dvdq(v, q, 0, step, size,
        new Derivatives.Smoothing(s.smoothingWindow(), s.smoothingOrder()));
    int from = (int) Math.ceil(s.dvaEdgeFraction() * qMax / step);
    int to = Math.min(size, (int) Math.floor((1 - s.dvaEdgeFraction()) * qMax / step) + 1);
    if (to - from < 3) return List.of();
    double[] y = new double[to - from];
    for (int k = 0; k < y.length; k++) {
      y[k] = Math.abs(c.y()[from + k]);
      if (Double.isNaN(y[k])) return List.of(); // a gap inside the interior: no trustworthy peaks
    }
    List<Peaks.Peak> found = new ArrayList<>(Peaks.find(y, Peaks.PeakOptions.DEFAULT.withProminence(
        s.dvaMinProminence())));
    found.sort(Comparator.comparingDouble(Peaks.Peak::prominence).reversed());
    List<DvaPeak> out = new ArrayList<>();
    for (Peaks.Peak p : found.subList(0, Math.min(s.dvaTopPeaks(), found.size()))) {
      out.add(new DvaPeak(c.x()[from + p.index()], p.height()));
    }
    return out;
  }
}
