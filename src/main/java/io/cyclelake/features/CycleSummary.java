package io.cyclelake.features;

import io.cyclelake.features.kernels.Integration;

/**
 * Summary features of one charge or discharge operation, from its samples in time order. Plain Java, no Spark.
 * Means are time-weighted (trapezoid rule); with a single sample or zero duration they are plain means. Temperature
 * samples may be NaN (missing): temperature features use the present ones and are NaN when none is present.
 *
 * @param chargeAh |∫ I dt| in Ah: the capacity delivered (discharge) or stored (charge)
 * @param throughputAh ∫ |I| dt in Ah
 * @param energyWh |∫ V·I dt| in Wh
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
    double currentMeanA,
    double temperatureMeanC,
    double temperatureMaxC,
    double temperatureRiseC) {

  /**
   * @param t seconds, non-decreasing; @param v volts; @param i amperes (positive = charge); @param temp degC or NaN
   * @param n samples used (a prefix of the arrays), at least 1
   */
  public static CycleSummary of(double[] t, double[] v, double[] i, double[] temp, int n) {
    if (n < 1) throw new IllegalArgumentException("a cycle needs at least one sample, got n = " + n);
    for (int k = 1; k < n; k++) {
      if (t[k] < t[k - 1]) {
        throw new IllegalArgumentException("time must be non-decreasing: t[" + k + "] = " + t[k] + " < t[" + (k - 1)
            + "] = " + t[k - 1]);
      }
    }
    double duration = t[n - 1] - t[0];
    double charge = Math.abs(Integration.trapezoid(t, i, n)) / 3600.0;
    double throughput = Integration.trapezoidAbs(t, i, n) / 3600.0;
    double energy = Math.abs(Integration.trapezoidProduct(t, v, i, n)) / 3600.0;
    double vMin = Double.POSITIVE_INFINITY;
    double vMax = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      vMin = Math.min(vMin, v[k]);
      vMax = Math.max(vMax, v[k]);
    }
    return new CycleSummary(n, duration, charge, throughput, energy, mean(t, v, n, duration), vMin, vMax,
        mean(t, i, n, duration), temperatureMean(t, temp, n), temperatureMax(temp, n), temperatureRise(temp, n));
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

  private static double temperatureMax(double[] temp, int n) {
    double m = Double.NEGATIVE_INFINITY;
    boolean any = false;
    for (int k = 0; k < n; k++) {
      if (!Double.isNaN(temp[k])) {
        m = Math.max(m, temp[k]);
        any = true;
      }
    }
    return any ? m : Double.NaN;
  }

  private static double temperatureRise(double[] temp, int n) {
    for (int k = 0; k < n; k++) {
      if (!Double.isNaN(temp[k])) return temperatureMax(temp, n) - temp[k];
    }
    return Double.NaN;
  }
}
