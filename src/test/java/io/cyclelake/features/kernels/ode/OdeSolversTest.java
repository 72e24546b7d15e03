package io.cyclelake.features.kernels.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.features.kernels.ode.FixedStep.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OdeSolversTest {
  /** y' = -k y. */
  static OdeSystem decay(double k) {
    return new OdeSystem() {
      public int dimension() {
        return 1;
      }

      public void derivatives(double t, double[] y, double[] d) {
        d[0] = -k * y[0];
      }
    };
  }

  /** x' = v, v' = -ω² x: x = cos ωt, v = -ω sin ωt from (1, 0). */
  static OdeSystem oscillator(double w) {
    return new OdeSystem() {
      public int dimension() {
        return 2;
      }

      public void derivatives(double t, double[] y, double[] d) {
        d[0] = y[1];
        d[1] = -w * w * y[0];
      }
    };
  }

  /** Lotka–Volterra predator–prey: smooth, nonlinear, periodic. */
  static final OdeSystem LOTKA_VOLTERRA = new OdeSystem() {
    public int dimension() {
      return 2;
    }

    public void derivatives(double t, double[] y, double[] d) {
      d[0] = 1.5 * y[0] - y[0] * y[1];
      d[1] = -3 * y[1] + y[0] * y[1];
    }
  };

  static double[] grid(double a, double b, int n) {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) t[i] = a + (b - a) * i / (n - 1);
    return t;
  }

  static double[][] out(int rows, int n) {
    return new double[rows][n];
  }

  @Test
  void eulerAndRk4OnDecayEqualTheirStabilityPolynomialsToThePower() {
    // For y' = -ky one step multiplies y by R(-kh): Euler 1 - kh, RK4 the degree-4 Taylor polynomial of e^{-kh}.
    double k = 0.7;
    double h = 0.05;
    double[] times = {0, 1, 2.5};
    double[][] e = out(3, 1);
    double[][] r = out(3, 1);
    assertEquals(50, FixedStep.solve(Method.EULER, decay(k), new double[] {2}, times, h, e));
    FixedStep.solve(Method.RK4, decay(k), new double[] {2}, times, h, r);
    double z = -k * h;
    double rk = 1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24;
    for (int i = 0; i < times.length; i++) {
      int steps = (int) Math.round(times[i] / h);
      assertEquals(2 * Math.pow(1 + z, steps), e[i][0], 1e-14);
      assertEquals(2 * Math.pow(rk, steps), r[i][0], 1e-14);
      // and both against the closed form, within the leading term of their global error at t:
      // Euler: t k² h / 2 · y(t); RK4: t k⁵ h⁴ / 120 · y(t) (plus rounding)
      double exact = 2 * Math.exp(-k * times[i]);
      assertTrue(Math.abs(e[i][0] - exact) <= 1.2 * times[i] * k * k * h / 2 * exact + 1e-15, "euler at " + i);
      assertTrue(Math.abs(r[i][0] - exact) <= 1.2 * times[i] * Math.pow(k, 5) * Math.pow(h, 4) / 120 * exact + 1e-15,
          "rk4 at " + i);
    }
  }

  @Test
  void halvingTheStepHalvesEulerErrorAndDividesRk4ErrorBySixteenOnTheOscillator() {
    double w = 2;
    double[] times = {0, 3};
    double[] err = new double[4];
    int idx = 0;
    for (Method m : Method.values()) {
      for (double h : new double[] {0.02, 0.01}) {
        double[][] o = out(2, 2);
        FixedStep.solve(m, oscillator(w), new double[] {1, 0}, times, h, o);
        err[idx++] = Math.hypot(o[1][0] - Math.cos(w * 3), o[1][1] + w * Math.sin(w * 3));
      }
    }
    assertEquals(2, err[0] / err[1], 0.1, "euler order 1");
    assertEquals(16, err[2] / err[3], 0.5, "rk4 order 4");
  }

  @Test
  void dopri5MatchesTheOscillatorClosedFormAtRequestedTimesThroughDenseOutput() {
    double w = 3;
    double[] times = grid(0, 10, 2001); // far more requested times than steps: most come from the dense output
    double[][] o = out(times.length, 2);
    List<double[]> steps = new ArrayList<>();
    Dopri5.Stats st = Dopri5.solve(oscillator(w), new double[] {1, 0}, times, Dopri5.Settings.of(1e-9, 1e-12), o,
        (a, b) -> steps.add(new double[] {a, b}));
    assertTrue(st.accepted() < times.length / 2, "dense output, not a step per requested time: " + st);
    assertEquals(st.accepted(), steps.size());
    assertEquals(0, steps.get(0)[0]);
    assertEquals(10, steps.get(steps.size() - 1)[1]);
    for (int i = 1; i < steps.size(); i++) assertEquals(steps.get(i - 1)[1], steps.get(i)[0]);
    double maxErr = 0;
    for (int i = 0; i < times.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(o[i][0] - Math.cos(w * times[i])));
      maxErr = Math.max(maxErr, Math.abs(o[i][1] + w * Math.sin(w * times[i])) / w);
    }
    // the global error of a 5(4) pair with local control at rtol 1e-9 over ~5 periods: a few times 1e-8
    assertTrue(maxErr < 1e-7, "max error " + maxErr);
    // the dense output between steps (quartic, order 4) is as accurate as the step ends, to the same bound
    double[][] ends = out(2, 2);
    Dopri5.solve(oscillator(w), new double[] {1, 0}, new double[] {0, times[137]}, Dopri5.Settings.of(1e-9, 1e-12),
        ends);
    assertEquals(ends[1][0], o[137][0], 1e-7);
  }

  @Test
  void dopri5OnDecayConvergesAsTheToleranceTightensAndSpendsFewerStepsWhenItLoosens() {
    double[] times = {0, 0.5, 2, 5};
    double prevErr = Double.POSITIVE_INFINITY;
    long prevEvals = 0;
    for (double tol : new double[] {1e-4, 1e-6, 1e-8, 1e-10}) {
      double[][] o = out(times.length, 1);
      Dopri5.Stats st = Dopri5.solve(decay(1.3), new double[] {1}, times, Dopri5.Settings.of(tol, tol * 1e-3), o);
      double err = 0;
      for (int i = 0; i < times.length; i++) err = Math.max(err, Math.abs(o[i][0] - Math.exp(-1.3 * times[i])));
      assertTrue(err < 10 * tol, "tol " + tol + " error " + err);
      assertTrue(err < prevErr, "error falls with the tolerance");
      assertTrue(st.evaluations() >= prevEvals, "evaluations do not fall as the tolerance tightens");
      assertEquals(1 + 1 + 6 * (st.accepted() + st.rejected()), st.evaluations());
      prevErr = err;
      prevEvals = st.evaluations();
    }
  }

  @Test
  void dopri5AndRk4AgreeOnLotkaVolterraToTheConfiguredTolerance() {
    Config c = ConfigFactory.defaultReference().getConfig("cyclelake.model.neural-ode.dopri5");
    double rtol = c.getDouble("rtol");
    double atol = c.getDouble("atol");
    double[] times = grid(0, 4, 41);
    double[][] rk = out(times.length, 2);
    double[][] dp = out(times.length, 2);
    // RK4 with h = 1e-3: global error ~ C h⁴ ≈ 1e-11, far below the tolerance, so it stands in for the exact solution
    FixedStep.solve(Method.RK4, LOTKA_VOLTERRA, new double[] {2, 1}, times, 1e-3, rk);
    Dopri5.Stats st = Dopri5.solve(LOTKA_VOLTERRA, new double[] {2, 1}, times,
        new Dopri5.Settings(rtol, atol, 0, Double.POSITIVE_INFINITY, c.getLong("max-steps")), dp);
    double worst = 0;
    for (int i = 0; i < times.length; i++) {
      for (int j = 0; j < 2; j++) {
        double ratio = Math.abs(dp[i][j] - rk[i][j]) / (atol + rtol * Math.abs(rk[i][j]));
        worst = Math.max(worst, ratio);
      }
    }
    System.out.printf("dopri5 vs RK4 on Lotka-Volterra (rtol %.0e, atol %.0e): %d steps, worst |diff| / tol = %.3f%n",
        rtol, atol, st.accepted(), worst);
    // dopri5 bounds the error of each step by atol + rtol |y|; the global error after ~40 steps of a non-contracting
    // system adds up to a small multiple of it (scipy's RK45, which takes the same steps, gives the same 2.04 here).
    assertTrue(worst <= 5, "dopri5 and RK4 differ by " + worst + " x (atol + rtol |y|)");
    // and the agreement scales with the tolerance: 100 x tighter, the difference falls by more than 30 x
    double[][] tight = out(times.length, 2);
    Dopri5.solve(LOTKA_VOLTERRA, new double[] {2, 1}, times, Dopri5.Settings.of(rtol / 100, atol / 100), tight);
    double worstTight = 0;
    for (int i = 0; i < times.length; i++) {
      for (int j = 0; j < 2; j++) {
        worstTight = Math.max(worstTight, Math.abs(tight[i][j] - rk[i][j]) / (atol + rtol * Math.abs(rk[i][j])));
      }
    }
    assertTrue(worstTight < worst / 30, "tightened: " + worstTight + " vs " + worst);
  }

  @Test
  void backwardIntegrationAndRepeatedTimes() {
    double[] times = {2, 2, 1, 0};
    for (int pass = 0; pass < 2; pass++) {
      double[][] o = out(4, 1);
      if (pass == 0) {
        Dopri5.solve(decay(1), new double[] {Math.exp(-2)}, times, Dopri5.Settings.of(1e-10, 1e-13), o);
      } else {
        FixedStep.solve(Method.RK4, decay(1), new double[] {Math.exp(-2)}, times, 1e-3, o);
      }
      assertEquals(Math.exp(-2), o[0][0], 0);
      assertEquals(Math.exp(-2), o[1][0], 0);
      assertEquals(Math.exp(-1), o[2][0], 1e-9);
      assertEquals(1, o[3][0], 1e-9);
    }
  }

  @Test
  void errorsSayWhatIsWrong() {
    double[][] o = out(2, 1);
    assertThrows(IllegalArgumentException.class,
        () -> FixedStep.solve(Method.RK4, decay(1), new double[] {1, 2}, new double[] {0, 1}, 0.1, o));
    IllegalArgumentException notMonotone = assertThrows(IllegalArgumentException.class,
        () -> Dopri5.solve(decay(1), new double[] {1}, new double[] {0, 2, 1}, Dopri5.Settings.of(1e-6, 1e-9),
            out(3, 1)));
    assertTrue(notMonotone.getMessage().contains("times[1] = 2.0, times[2] = 1.0"), notMonotone.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Dopri5.Settings.of(0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> FixedStep.solve(Method.EULER, decay(1), new double[] {1}, new double[] {0, 1}, 0, o));

    OdeSolverException maxSteps = assertThrows(OdeSolverException.class,
        () -> Dopri5.solve(oscillator(50), new double[] {1, 0}, new double[] {0, 100},
            new Dopri5.Settings(1e-8, 1e-10, 0, Double.POSITIVE_INFINITY, 20), out(2, 2)));
    assertEquals(OdeSolverException.Reason.MAX_STEPS, maxSteps.reason());
    assertEquals(20, maxSteps.value());

    // y' = y², y(0) = 1: y = 1 / (1 - t) blows up at t = 1
    OdeSystem blowUp = new OdeSystem() {
      public int dimension() {
        return 1;
      }

      public void derivatives(double t, double[] y, double[] d) {
        d[0] = y[0] * y[0];
      }
    };
    OdeSolverException singular = assertThrows(OdeSolverException.class,
        () -> Dopri5.solve(blowUp, new double[] {1}, new double[] {0, 2}, Dopri5.Settings.of(1e-6, 1e-9), o));
    assertTrue(singular.reason() == OdeSolverException.Reason.MIN_STEP
        || singular.reason() == OdeSolverException.Reason.NON_FINITE, singular.reason().toString());
    assertEquals(1, singular.time(), 1e-3, "stops at the singularity");
    OdeSolverException euler = assertThrows(OdeSolverException.class,
        () -> FixedStep.solve(Method.EULER, blowUp, new double[] {1}, new double[] {0, 20}, 0.5, o));
    assertEquals(OdeSolverException.Reason.NON_FINITE, euler.reason());
  }

  @Test
  void tableauIsConsistent() {
    double[] b = Dopri5.weights();
    double[] e = Dopri5.errorWeights();
    double[] c = Dopri5.nodes();
    double sb = 0;
    double se = 0;
    for (int i = 0; i < Dopri5.STAGES; i++) {
      sb += b[i];
      se += e[i];
      double row = 0;
      for (double a : Dopri5.matrixRow(i)) row += a;
      assertEquals(c[i], row, 1e-15, "row sum = node " + i);
    }
    assertEquals(1, sb, 1e-15);
    assertEquals(0, se, 1e-15);
    assertArrayEquals(Dopri5.matrixRow(6), java.util.Arrays.copyOf(b, 6), 0, "FSAL: the last stage is the new state");
  }
}
