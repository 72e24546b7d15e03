package io.cyclelake.features;

import io.cyclelake.features.kernels.Resample;
import io.cyclelake.features.kernels.Stats;

/**
 * Early-life features of a cell (Severson et al., Nature Energy 2019): the discharge curve Q(V) of two discharges on
 * one voltage grid, and statistics of their difference ΔQ(V) = Q_b(V) − Q_a(V). Plain Java, no Spark.
 */
public final class EarlyLife {
  private EarlyLife() {}

  /** The voltage grid {@code start + k·step}, {@code k = 0 .. size-1}. */
  public record Grid(double startV, double stepV, int size) implements java.io.Serializable {
    public Grid {
      if (!(stepV > 0) || size < 2) throw new IllegalArgumentException("grid needs step > 0 and 2+ points");
    }

    /** The grid from {@code startV} to {@code endV} (inclusive, to within a micro-volt) in steps of {@code stepV}. */
    public static Grid between(double startV, double endV, double stepV) {
      if (!(endV > startV)) throw new IllegalArgumentException("grid end " + endV + " V must exceed start " + startV);
      return new Grid(startV, stepV, (int) Math.floor((endV - startV) / stepV + 1e-6) + 1);
    }

    public double[] voltages() {
      double[] v = new double[size];
      for (int k = 0; k < size; k++) v[k] = startV + k * stepV;
      return v;
    }
  }

  /**
   * Q(V) of one discharge on {@code grid}: the charge passed since the start of the operation (Ah, the interval
   * before the first sample counted at its current, as in {@link CycleSummary}) against the falling voltage,
   * resampled by {@link Resample#ontoGrid} (first-passage semantics, NaN outside the measured voltage range).
   *
   * @param t seconds since the start of the operation; @param v volts; @param i amperes, negative = discharge
   */
  public static double[] dischargeCurve(double[] t, double[] v, double[] i, int n, Grid grid) {
    double[] tt = java.util.Arrays.copyOf(t, n);
    double[] mag = new double[n];
    for (int k = 0; k < n; k++) mag[k] = Math.max(0, -i[k]);
    double[] q = Resample.cumulativeTrapezoid(tt, mag);
    double lead = n > 0 ? Math.max(0, t[0]) * mag[0] : 0;
    for (int k = 0; k < n; k++) q[k] = (q[k] + lead) / 3600.0;
    return Resample.ontoGrid(java.util.Arrays.copyOf(v, n), q, Resample.Direction.FALLING, grid.startV(),
        grid.stepV(), grid.size());
  }

  /**
   * Statistics of ΔQ = {@code qb − qa} over the grid points where both are finite: count, sample variance ({@code
   * n − 1}), minimum, mean, skewness and excess kurtosis ({@link Stats} definitions).
   */
  public record DeltaQ(int points, double variance, double min, double mean, double skewness, double kurtosis,
      double[] deltaQ) {}

  public static DeltaQ deltaQ(double[] qa, double[] qb) {
    if (qa.length != qb.length) throw new IllegalArgumentException("curves on different grids: " + qa.length
        + " vs " + qb.length + " points");
    double[] d = new double[qa.length];
    for (int k = 0; k < d.length; k++) {
      d[k] = Double.isFinite(qa[k]) && Double.isFinite(qb[k]) ? qb[k] - qa[k] : Double.NaN;
    }
    return new DeltaQ(Stats.count(d), Stats.variance(d), Stats.min(d), Stats.mean(d), Stats.skewness(d),
        Stats.kurtosis(d), d);
  }
}
