package io.cyclelake.features;

import io.cyclelake.features.kernels.Integration;

/**
 * Summary features of one charge or discharge operation, from its samples in time order. Plain Java, no Spark.
 * Means are time-weighted (trapezoid rule); with a single sample or zero duration they are plain means. Temperature
 * samples may be NaN (missing): temperature features use the present ones and are NaN when none is present.
 *
 * <p>Time is seconds since the start of the operation. A logger that samples every 30 s records the first sample of a
 * step up to 30 s after the step began (Arbin: {@code Step_Time} of the first row); the interval from 0 to the first
 * sample is then counted with the first sample's current and voltage held, since a step starts at its set current.
 * Without this, coulomb counting of a 1 h discharge logged every 30 s comes out ~0.8 % low.
 *
 * @param chargeAh |∫ I dt| in Ah: the capacity delivered (discharge) or stored (charge)
 * @param throughputAh ∫ |I| dt in Ah
 * @param energyWh |∫ V·I dt| in Wh
 * @param voltageEndV voltage of the last sample
 */
public record CycleSummary(
    int nSamples,
    double durationS,
    double chargeAh,
    double throughputAh,
    double energyWh,
    double voltageMeanV,
    double voltageMinV,
    double voltageMaxV,
    double voltageEndV,
    double currentMeanA,
    double temperatureMeanC,
    double temperatureMinC,
    double temperatureMaxC,
    double temperatureRiseC) {

  /**
   * @param t seconds, non-decreasing; @param v volts; @param i amperes (positive = charge); @param temp degC or NaN
   * @param n samples used (a prefix of the arrays), at least 1
   */
  public static CycleSummary of(double[] t, double[] v, double[] i, double[] temp, int n) {
    return of(t, v, i, temp, null, n);
  }

  /**
   * As {@link #of(double[], double[], double[], double[], int)}, with the cycler's step of each sample ({@code null}
   * = unknown): integrals hold the new step's value across a step change ({@link Integration}).
   */
  public static CycleSummary of(double[] t, double[] v, double[] i, double[] temp, int[] step, int n) {
    if (n < 1) throw new IllegalArgumentException("a cycle needs at least one sample, got n = " + n);
    for (int k = 1; k < n; k++) {
      if (t[k] < t[k - 1]) {
        throw new IllegalArgumentException("time must be non-decreasing: t[" + k + "] = " + t[k] + " < t[" + (k - 1)
            + "] = " + t[k - 1]);
      }
    }
    double lead = Math.max(0, t[0]);
    double duration = t[n - 1] - Math.min(0, t[0]);
    double charge = Math.abs(Integration.trapezoid(t, i, step, n) + lead * i[0]) / 3600.0;
    double throughput = (Integration.trapezoidAbs(t, i, step, n) + lead * Math.abs(i[0])) / 3600.0;
    double energy = Math.abs(Integration.trapezoidProduct(t, v, i, step, n) + lead * v[0] * i[0]) / 3600.0;
    double vMin = Double.POSITIVE_INFINITY;
    double vMax = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      vMin = Math.min(vMin, v[k]);
      vMax = Math.max(vMax, v[k]);
    }
    double span = t[n - 1] - t[0];
    return new CycleSummary(n, duration, charge, throughput, energy, mean(t, v, n, span), vMin, vMax, v[n - 1],
        mean(t, i, n, span), temperatureMean(t, temp, n), temperatureExtreme(temp, n, -1), temperatureExtreme(temp, n, 1), temperatureRise(temp, n));
  }

  /**
   * Charge delivered by a discharge up to its voltage cutoff, in Ah: ∫ |I| dt (trapezoid rule, the interval before the
   * first sample counted at its current, as {@link #of}) from the start of the operation through the <b>first sample
   * whose voltage is below {@code cutoffV}</b>, that sample included; the whole operation when the voltage never falls
   * below it. NASA PCoE computes its {@code Capacity} of B0005/6/7/18 this way with a 2.7 V cutoff over
   * {@code Current_measured} and {@code Time} (reproduced to within 5e-5 Ah on all 636 discharges of the four cells,
   * whatever each cell's own end-of-discharge voltage), while {@link #chargeAh()} integrates to the last sample.
   *
   * @param t seconds, non-decreasing; @param v volts; @param i amperes; @param step the cycler's step of each sample
   *     or null; @param n samples used (a prefix), at least 1
   */
  public static double chargeToCutoffAh(double[] t, double[] v, double[] i, int[] step, int n, double cutoffV) {
    if (n < 1) throw new IllegalArgumentException("a cycle needs at least one sample, got n = " + n);
    int end = n;
    for (int k = 0; k < n; k++) {
      if (v[k] < cutoffV) {
        end = k + 1;
        break;
      }
    }
    return (Integration.trapezoidAbs(t, i, step, end) + Math.max(0, t[0]) * Math.abs(i[0])) / 3600.0;
  }

  private static double mean(double[] t, double[] y, int n, double duration) {
    if (duration > 0) return Integration.trapezoid(t, y, n) / duration;
    double s = 0;
    for (int k = 0; k < n; k++) s += y[k];
    return s / n;
  }

  /** Time-weighted over the intervals whose both ends have a temperature. */
  private static double temperatureMean(double[] t, double[] temp, int n) {
    double area = 0;
    double span = 0;
    double plain = 0;
    int present = 0;
    for (int k = 0; k < n; k++) {
      if (Double.isNaN(temp[k])) continue;
      plain += temp[k];
      present++;
      if (k > 0 && !Double.isNaN(temp[k - 1])) {
        double h = t[k] - t[k - 1];
        area += 0.5 * h * (temp[k] + temp[k - 1]);
        span += h;
      }
    }
    if (present == 0) return Double.NaN;
    return span > 0 ? area / span : plain / present;
  }

  /** The maximum ({@code sign} 1) or minimum ({@code sign} -1) of the present temperatures; NaN if none. */
  private static double temperatureExtreme(double[] temp, int n, int sign) {
    double m = Double.NaN;
    for (int k = 0; k < n; k++) {
      if (!Double.isNaN(temp[k]) && (Double.isNaN(m) || sign * (temp[k] - m) > 0)) m = temp[k];
    }
    return m;
  }

  private static double temperatureRise(double[] temp, int n) {
    for (int k = 0; k < n; k++) {
      if (!Double.isNaN(temp[k])) return temperatureExtreme(temp, n, 1) - temp[k];
    }
    return Double.NaN;
  }
}
