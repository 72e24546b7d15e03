package io.cyclelake.features.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.features.kernels.Derivatives.Curve;
import io.cyclelake.features.kernels.Derivatives.Smoothing;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DerivativesTest {
  @Test
  void gradientOfAQuadraticOnNonUniformXIsExactWithEdgeOrder2() {
    double[] x = {0, 0.1, 0.35, 0.5, 1.0, 1.2, 2.0};
    double[] f = new double[x.length];
    for (int i = 0; i < x.length; i++) f[i] = 2 * x[i] * x[i] - 3 * x[i] + 1;
    double[] d = Derivatives.gradient(f, x, 2);
    for (int i = 0; i < x.length; i++) assertEquals(4 * x[i] - 3, d[i], 1e-12, "at " + i);
    // Edge order 1: one-sided first differences at the ends; for a quadratic that is the slope at the midpoint.
    double[] d1 = Derivatives.gradient(f, x, 1);
    assertEquals(4 * 0.05 - 3, d1[0], 1e-12);
    assertEquals(4 * 1.6 - 3, d1[6], 1e-12);
    for (int i = 1; i < 6; i++) assertEquals(d[i], d1[i], 0);
  }

  @Test
  void uniformGradientMatchesTheGeneralOne() {
    double h = 0.25;
    double[] x = new double[9];
    double[] f = new double[9];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + h * i;
      f[i] = Math.exp(x[i]);
    }
    for (int order = 1; order <= 2; order++) {
      double[] a = Derivatives.gradient(f, x, order);
      double[] b = Derivatives.gradient(f, h, order);
      for (int i = 0; i < x.length; i++) assertEquals(a[i], b[i], 1e-12 * Math.abs(a[i]));
    }
    assertEquals("edgeOrder must be 1 or 2, got 3",
        assertThrows(IllegalArgumentException.class, () -> Derivatives.gradient(f, x, 3)).getMessage());
    assertEquals("need at least edgeOrder + 1 = 3 samples, got 2", assertThrows(IllegalArgumentException.class,
        () -> Derivatives.gradient(new double[2], new double[2], 2)).getMessage());
  }

  // Q(V) as a sum of logistic steps: amplitudes (Ah), centres (V), widths (V).
  private static final double[] AMP = {0.4, 0.8, 0.5};
  private static final double[] CENTRE = {3.45, 3.70, 3.95};
  private static final double[] WIDTH = {0.015, 0.02, 0.012};

  private static double charge(double v) {
    double q = 0;
    for (int k = 0; k < AMP.length; k++) q += AMP[k] / (1 + Math.exp(-(v - CENTRE[k]) / WIDTH[k]));
    return q;
  }

  @Test
  void icaPeaksSitAtTheStepCentresAndTheAreaIsTheChargeMoved() {
    // A charge sampled unevenly in voltage (as it would be in time), 4000 samples from 3.3 V to 4.1 V.
    int n = 4000;
    double[] v = new double[n];
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      double s = i / (n - 1.0);
      v[i] = 3.3 + 0.8 * (s + 0.03 * Math.sin(2 * Math.PI * s)); // monotone: derivative 1 + 0.19 cos > 0
      q[i] = charge(v[i]);
    }
    double step = 0.005;
    int size = 161; // 3.3 .. 4.1 V
    Curve ica = Derivatives.dqdv(v, q, 3.3, step, size, new Smoothing(7, 3));
    assertEquals(size, ica.x().length);
    assertEquals(3.3 + 160 * step, ica.x()[160], 1e-12);
    assertTrue(Arrays.stream(ica.y()).allMatch(Double::isFinite), "whole grid is inside the measured range");

    List<Peaks.Peak> peaks = Peaks.find(ica.y(), Peaks.PeakOptions.DEFAULT.withProminence(1.0));
    assertEquals(3, peaks.size(), peaks.toString());
    for (int k = 0; k < 3; k++) {
      assertEquals(CENTRE[k], ica.x()[peaks.get(k).index()], step, "peak " + k);
      // A logistic step of amplitude A and width w peaks at A / (4w).
      assertEquals(AMP[k] / (4 * WIDTH[k]), peaks.get(k).height(), 0.03 * AMP[k] / (4 * WIDTH[k]), "height " + k);
    }
    double area = Integration.trapezoid(ica.x(), ica.y(), size);
    double moved = charge(4.1) - charge(3.3);
    assertEquals(moved, area, 1e-3 * moved);
  }

  @Test
  void dischargeIcaIsNegativeAndNaNOutsideTheMeasuredRange() {
    int n = 2000;
    double[] v = new double[n];
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 4.05 - 0.7 * i / (n - 1.0); // 4.05 -> 3.35 V
      q[i] = charge(4.05) - charge(v[i]); // discharged capacity, growing
    }
    Curve ica = Derivatives.dqdv(v, q, 3.3, 0.01, 81, Smoothing.NONE); // grid 3.3 .. 4.1
    for (int i = 0; i < 81; i++) {
      double g = 3.3 + 0.01 * i;
      boolean inside = g >= 3.35 - 1e-9 && g <= 4.05 + 1e-9;
      assertEquals(inside, Double.isFinite(ica.y()[i]), "at " + g);
    }
    double[] finite = Arrays.stream(ica.y()).filter(Double::isFinite).map(y -> -y).toArray();
    List<Peaks.Peak> peaks = Peaks.find(finite, Peaks.PeakOptions.DEFAULT.withProminence(1.0));
    assertEquals(3, peaks.size());
    assertEquals(3.70, 3.35 + 0.01 * peaks.get(1).index(), 0.01);
  }

  @Test
  void dvaOfALinearCurveIsItsSlope() {
    double[] q = {0, 0.5, 0.5, 1.0, 1.5, 2.0}; // a repeated capacity (a rest) is collapsed
    double[] v = new double[q.length];
    for (int i = 0; i < q.length; i++) v[i] = 3 + 0.5 * q[i];
    Curve dva = Derivatives.dvdq(v, q, -0.1, 0.1, 23, Smoothing.NONE); // grid -0.1 .. 2.1 Ah
    assertTrue(Double.isNaN(dva.y()[0]));
    assertTrue(Double.isNaN(dva.y()[22]));
    for (int i = 1; i <= 21; i++) assertEquals(0.5, dva.y()[i], 1e-9, "at " + dva.x()[i]);
    // A capacity counter that counts down (signed charge) is detected: dV/dq = -0.5.
    double[] negQ = Arrays.stream(q).map(x -> -x).toArray();
    Curve down = Derivatives.dvdq(v, negQ, -2.0, 0.1, 21, new Smoothing(5, 2));
    for (int i = 0; i < 21; i++) assertEquals(-0.5, down.y()[i], 1e-9, "at " + down.x()[i]);
  }

  @Test
  void tooShortACoverageGivesNoCurve() {
    Curve c = Derivatives.dqdv(new double[] {3.0, 3.02}, new double[] {0, 1}, 2.9, 0.01, 20, new Smoothing(5, 2));
    assertTrue(Arrays.stream(c.y()).allMatch(Double::isNaN));
    assertThrows(IllegalArgumentException.class, () -> new Smoothing(4, 2));
  }
}
