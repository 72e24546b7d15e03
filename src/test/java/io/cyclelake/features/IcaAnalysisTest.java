package io.cyclelake.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IcaAnalysisTest {
  static final IcaAnalysis.Settings SETTINGS = new IcaAnalysis.Settings(0.005, 11, 3, 0.9, 3, 0.05);

  /** Q(V) = sum of logistic steps h·σ((V − c)/w); dQ/dV peaks at c with height h/(4w). */
  static double q(double v, double[] c, double[] h, double[] w) {
    double s = 0;
    for (int k = 0; k < c.length; k++) s += h[k] / (1 + Math.exp(-(v - c[k]) / w[k]));
    return s + 0.2 * (v - 3.4); // a linear background of 0.2 Ah/V
  }

  /**
   * A constant-current charge at 1.5 A sampled every 2 s (time from Q), a rest sample first and a CV tail at 4.2 V
   * whose current decays: the analysis must use only the CC part.
   */
  static double[][] charge(double[] c, double[] h, double[] w) {
    List<double[]> s = new ArrayList<>();
    s.add(new double[] {0, 3.40, 0.0});
    double q0 = q(3.4, c, h, w);
    double tEnd = 0;
    for (double t = 2; ; t += 2) {
      double target = q0 + 1.5 * t / 3600;
      double lo = 3.4;
      double hi = 4.2;
      if (q(hi, c, h, w) < target) break;
      for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if (q(mid, c, h, w) < target) lo = mid; else hi = mid;
      }
      s.add(new double[] {t, 0.5 * (lo + hi), 1.5});
      tEnd = t;
    }
    for (int k = 1; k <= 50; k++) s.add(new double[] {tEnd + 10 * k, 4.2, 1.5 * Math.exp(-k / 10.0)});
    double[][] out = new double[3][s.size()];
    for (int k = 0; k < s.size(); k++) {
      out[0][k] = s.get(k)[0];
      out[1][k] = s.get(k)[1];
      out[2][k] = s.get(k)[2];
    }
    return out;
  }

  @Test
  void peaksSitAtTheStepCentresInOrderOfProminence() {
    double[] c = {3.70, 3.95};
    double[] h = {0.6, 0.3};
    double[] w = {0.02, 0.02};
    double[][] d = charge(c, h, w);
    int n = d[0].length;
    IcaAnalysis.Result r = IcaAnalysis.analyse(d[0], d[1], d[2], n, true, SETTINGS);
    assertEquals(2, r.peaks().size(), r.peaks().toString());
    IcaAnalysis.IcaPeak main = r.peaks().get(0);
    assertEquals(3.70, main.voltageV(), 0.006);
    assertEquals(3.95, r.peaks().get(1).voltageV(), 0.006);
    // Height h/(4w) + background; smoothing over 11 grid points (50 mV) flattens a 20 mV-wide step a little.
    assertEquals(0.6 / 0.08 + 0.2, main.heightAhPerV(), 0.08 * (0.6 / 0.08));
    // FWHM of a logistic's derivative: 2·ln(3 + 2√2)·w = 3.525·w.
    assertEquals(3.525 * 0.02, main.widthV(), 0.25 * 3.525 * 0.02);
    // The area under dQ/dV is the charge stored between the grid ends (within the grid's reach of the data).
    assertEquals(q(4.185, c, h, w) - q(3.405, c, h, w), r.areaAh(), 0.02);
    assertTrue(r.samplesUsed() < n - 40, "rest and CV tail are left out: used " + r.samplesUsed() + " of " + n);
  }

  @Test
  void aDischargeGivesPositivePeaksToo() {
    double[] c = {3.6};
    double[] h = {0.8};
    double[] w = {0.03};
    double[][] d = charge(c, h, w);
    int n = d[0].length;
    // Mirror in time: the same curve run backwards at -1.5 A.
    double[] t = new double[n];
    double[] v = new double[n];
    double[] i = new double[n];
    for (int k = 0; k < n; k++) {
      t[k] = d[0][n - 1] - d[0][n - 1 - k];
      v[k] = d[1][n - 1 - k];
      i[k] = -d[2][n - 1 - k];
    }
    IcaAnalysis.Result r = IcaAnalysis.analyse(t, v, i, n, false, SETTINGS);
    assertEquals(3.6, r.peaks().get(0).voltageV(), 0.006);
    assertTrue(r.peaks().get(0).heightAhPerV() > 0);
  }

  @Test
  void tooFewSamplesGiveNoCurve() {
    IcaAnalysis.Result r = IcaAnalysis.analyse(new double[] {0, 1}, new double[] {3.5, 3.6}, new double[] {1, 1}, 2,
        true, SETTINGS);
    assertEquals(0, r.peaks().size());
    assertEquals(0, r.voltageV().length);
  }

  /**
   * A 2 A discharge whose V(Q) = 3.9 − 0.2·Q − Σ h·tanh((Q − q_k)/w): |dV/dQ| = 0.2 + Σ h/w·sech²((Q − q_k)/w) peaks at
   * q_k with height 0.2 + h/w (0.2 + 0.05/0.05 = 1.2 V/Ah at 0.6 Ah, 0.2 + 0.03/0.05 = 0.8 V/Ah at 1.3 Ah).
   */
  @Test
  void dvaPeaksSitAtTheCapacitiesOfTheVoltageSteps() {
    double[] qk = {0.6, 1.3};
    double[] hk = {0.05, 0.03};
    double w = 0.05;
    int n = 3601;
    double[] t = new double[n];
    double[] v = new double[n];
    double[] i = new double[n];
    for (int k = 0; k < n; k++) {
      t[k] = k; // 1 s steps at 2 A: Q = t / 1800 Ah, 2 Ah in all
      double q = t[k] * 2 / 3600;
      double volts = 3.9 - 0.2 * q;
      for (int j = 0; j < qk.length; j++) volts -= hk[j] * Math.tanh((q - qk[j]) / w);
      v[k] = volts;
      i[k] = -2.0;
    }
    IcaAnalysis.Settings s = new IcaAnalysis.Settings(0.005, 11, 3, 0.9, 3, 0.05, 0.005, 0.1, 0.1, 2);
    IcaAnalysis.Result r = IcaAnalysis.analyse(t, v, i, n, false, s);
    assertEquals(2, r.dvaPeaks().size(), r.dvaPeaks().toString());
    assertEquals(0.6, r.dvaPeaks().get(0).capacityAh(), 0.005 + 1e-9);
    assertEquals(1.2, r.dvaPeaks().get(0).heightVPerAh(), 0.03);
    assertEquals(1.3, r.dvaPeaks().get(1).capacityAh(), 0.005 + 1e-9);
    assertEquals(0.8, r.dvaPeaks().get(1).heightVPerAh(), 0.03);
  }
}
