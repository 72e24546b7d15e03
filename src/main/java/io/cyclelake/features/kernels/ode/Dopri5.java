package io.cyclelake.features.kernels.ode;

/**
 * Adaptive Dormand–Prince 5(4) ("dopri5", the method of scipy's {@code RK45} and torchdiffeq's {@code dopri5}):
 * seven stages with the first-same-as-last property (six new evaluations per step), the fifth-order solution
 * propagated, the embedded fourth-order one for the error estimate, and Shampine's quartic dense output, so that any
 * requested time is evaluated inside the step that covers it instead of shortening steps to land on it.
 *
 * <p>Error control: with {@code sc_i = atol + rtol · max(|y_i|, |y_new,i|)}, a step is accepted when the RMS norm of
 * {@code err_i / sc_i} is below 1; the next step is {@code h · min(10, max(0.2, 0.9 · norm^(-1/5)))}, and after a
 * rejection within the same step it may not grow. The initial step follows Hairer, Nørsett and Wanner (Solving ODEs
 * I, II.4), as scipy does. The coefficients are exact rationals from Dormand and Prince (1980) and, for the dense
 * output, Shampine (1986).
 */
public final class Dopri5 {
  private Dopri5() {}

  private static final double SAFETY = 0.9;
  private static final double MIN_FACTOR = 0.2;
  private static final double MAX_FACTOR = 10;

  /** Nodes c_i of the seven stages. */
  private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
  /** Runge–Kutta matrix a_ij (row i = stage i; stage 7 uses the fifth-order weights, FSAL). */
  private static final double[][] A = {
      {},
      {1.0 / 5},
      {3.0 / 40, 9.0 / 40},
      {44.0 / 45, -56.0 / 15, 32.0 / 9},
      {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
      {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
      {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}};
  /** Fifth-order weights b_i (b_2 = 0 and b_7 = 0: those terms are skipped). */
  private static final double[] B = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0};
  /** b_i − b̂_i: fifth minus fourth-order weights, the error estimate. */
  private static final double[] E = {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525,
      -1.0 / 40};
  /** Dense output: y(t + θh) = y + h Σ_i k_i Σ_c P[i][c] θ^(c+1). */
  private static final double[][] P = {
      {1, -8048581381.0 / 2820520608.0, 8663915743.0 / 2820520608.0, -12715105075.0 / 11282082432.0},
      {0, 0, 0, 0},
      {0, 131558114200.0 / 32700410799.0, -68118460800.0 / 10900136933.0, 87487479700.0 / 32700410799.0},
      {0, -1754552775.0 / 470086768, 14199869525.0 / 1410260304.0, -10690763975.0 / 1880347072.0},
      {0, 127303824393.0 / 49829197408.0, -318862633887.0 / 49829197408.0, 701980252875.0 / 199316789632.0},
      {0, -282668133.0 / 205662961, 2019193451.0 / 616988883, -1453857185.0 / 822651844},
      {0, 40617522.0 / 29380423, -110615467.0 / 29380423, 69997945.0 / 29380423}};

  /** Number of stages (the seventh is the next step's first). */
  public static final int STAGES = 7;

  /** A copy of the nodes c_1..c_7. */
  public static double[] nodes() {
    return C.clone();
  }

  /** A copy of row {@code i} (0-based, 0..6) of the Runge–Kutta matrix: the weights of stages 0..i-1. */
  public static double[] matrixRow(int i) {
    return A[i].clone();
  }

  /** A copy of the fifth-order weights b_1..b_7. */
  public static double[] weights() {
    return B.clone();
  }

  /** A copy of the error weights b − b̂ (fifth minus embedded fourth order). */
  public static double[] errorWeights() {
    return E.clone();
  }

  /**
   * Solver settings.
   *
   * @param rtol relative tolerance, ≥ 0
   * @param atol absolute tolerance, ≥ 0 (rtol and atol not both 0)
   * @param firstStep initial step size, or 0 to choose it automatically
   * @param maxStep largest step size ({@code Double.POSITIVE_INFINITY} = unbounded)
   * @param maxSteps most steps (accepted + rejected) before {@link OdeSolverException.Reason#MAX_STEPS}
   */
  public record Settings(double rtol, double atol, double firstStep, double maxStep, long maxSteps) {
    public Settings {
      if (!(rtol >= 0) || !(atol >= 0) || (rtol == 0 && atol == 0) || Double.isInfinite(rtol)
          || Double.isInfinite(atol)) {
        throw new IllegalArgumentException("rtol and atol must be finite, >= 0 and not both 0, got rtol = " + rtol
            + ", atol = " + atol);
      }
      if (!(firstStep >= 0) || Double.isInfinite(firstStep)) {
        throw new IllegalArgumentException("firstStep must be finite and >= 0 (0 = automatic), got " + firstStep);
      }
      if (!(maxStep > 0)) throw new IllegalArgumentException("maxStep must be > 0, got " + maxStep);
      if (maxSteps < 1) throw new IllegalArgumentException("maxSteps must be >= 1, got " + maxSteps);
    }

    /** rtol and atol with an automatic first step, no step limit and at most 100,000 steps. */
    public static Settings of(double rtol, double atol) {
      return new Settings(rtol, atol, 0, Double.POSITIVE_INFINITY, 100_000);
    }
  }

  /** Counts of one integration. */
  public record Stats(long accepted, long rejected, long evaluations) {}

  /** {@link #solve(OdeSystem, double[], double[], Settings, double[][], StepHandler)} without a step handler. */
  public static Stats solve(OdeSystem f, double[] y0, double[] times, Settings s, double[][] out) {
    return solve(f, y0, times, s, out, StepHandler.NONE);
  }

  /**
   * Integrates from {@code times[0]} (state {@code y0}) to the last requested time, with steps chosen by the error
   * control, and evaluates the dense output at every requested time (exactly the step's end where they coincide).
   *
   * @param y0 initial state, length {@code f.dimension()}; not modified
   * @param times requested times, monotone (non-decreasing or non-increasing), length ≥ 1
   * @param out written: {@code out[k]} = state at {@code times[k]}
   * @param handler told about every accepted step
   * @throws IllegalArgumentException on a length mismatch or non-monotone or non-finite times
   * @throws OdeSolverException {@code MIN_STEP} when the tolerances need a step below 10 ulps of t,
   *     {@code NON_FINITE} when the right-hand side keeps returning NaN/infinity down to that step,
   *     {@code MAX_STEPS} after {@link Settings#maxSteps()} steps
   */
  public static Stats solve(OdeSystem f, double[] y0, double[] times, Settings s, double[][] out,
      StepHandler handler) {
    int n = f.dimension();
    FixedStep.Checks.problem(n, y0, times, out);
    double t = times[0];
    double tEnd = times[times.length - 1];
    int next = 0;
    while (next < times.length && times[next] == t) System.arraycopy(y0, 0, out[next++], 0, n);
    if (next == times.length) return new Stats(0, 0, 0);
    double dir = Math.signum(tEnd - t);

    double[] y = y0.clone();
    double[] yNew = new double[n];
    double[] tmp = new double[n];
    double[][] k = new double[STAGES][n];
    f.derivatives(t, y, k[0]);
    long evals = 1;
    double hAbs;
    if (s.firstStep() > 0) {
      hAbs = s.firstStep();
    } else {
      hAbs = initialStep(f, t, y, k[0], dir, Math.abs(tEnd - t), s, tmp, yNew);
      evals++;
    }
    long accepted = 0;
    long rejected = 0;
    while (dir * (tEnd - t) > 0) {
      double minStep = 10 * Math.ulp(t);
      hAbs = Math.max(Math.min(hAbs, s.maxStep()), minStep);
      boolean rejectedHere = false;
      boolean lastNonFinite = false;
      double tNew;
      double h;
      while (true) {
        if (hAbs < minStep) {
          if (lastNonFinite) {
            throw new OdeSolverException(OdeSolverException.Reason.NON_FINITE, t, t,
                "the right-hand side is not finite for any step from t = " + t + " down to " + hAbs);
          }
          throw new OdeSolverException(OdeSolverException.Reason.MIN_STEP, t, hAbs, "step size " + hAbs
              + " below the minimum " + minStep + " at t = " + t + " (rtol = " + s.rtol() + ", atol = " + s.atol()
              + "): the problem is stiff or singular there");
        }
        if (accepted + rejected >= s.maxSteps()) {
          throw new OdeSolverException(OdeSolverException.Reason.MAX_STEPS, t, accepted + rejected,
              "more than " + s.maxSteps() + " steps (max-steps) before reaching t = " + tEnd + ", stopped at t = " + t);
        }
        tNew = t + hAbs * dir;
        if (dir * (tNew - tEnd) > 0) tNew = tEnd;
        h = tNew - t;
        hAbs = Math.abs(h);
        for (int st = 1; st < STAGES; st++) {
          double[] a = A[st];
          double[] target = st == STAGES - 1 ? yNew : tmp;
          for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int j = 0; j < a.length; j++) acc += a[j] * k[j][i];
            target[i] = y[i] + h * acc;
          }
          f.derivatives(st == STAGES - 1 ? tNew : t + C[st] * h, target, k[st]);
        }
        evals += STAGES - 1;
        double errNorm = 0;
        for (int i = 0; i < n; i++) {
          double e = 0;
          for (int j = 0; j < STAGES; j++) e += E[j] * k[j][i];
          double sc = s.atol() + s.rtol() * Math.max(Math.abs(y[i]), Math.abs(yNew[i]));
          double r = h * e / sc;
          errNorm += r * r;
        }
        errNorm = Math.sqrt(errNorm / n);
        lastNonFinite = !Double.isFinite(errNorm);
        if (errNorm < 1) {
          double factor = errNorm == 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * Math.pow(errNorm, -0.2));
          if (rejectedHere) factor = Math.min(1, factor);
          hAbs *= factor;
          accepted++;
          break;
        }
        hAbs *= lastNonFinite ? MIN_FACTOR : Math.max(MIN_FACTOR, SAFETY * Math.pow(errNorm, -0.2));
        rejectedHere = true;
        rejected++;
      }
      // dense output for the requested times inside (t, tNew]
      while (next < times.length && dir * (times[next] - tNew) <= 0) {
        if (times[next] == tNew) {
          System.arraycopy(yNew, 0, out[next], 0, n);
        } else {
          denseOutput(k, y, t, h, times[next], out[next]);
        }
        next++;
      }
      handler.accepted(t, tNew);
      t = tNew;
      double[] swap = y;
      y = yNew;
      yNew = swap;
      swap = k[0];
      k[0] = k[STAGES - 1];
      k[STAGES - 1] = swap;
    }
    return new Stats(accepted, rejected, evals);
  }

  private static void denseOutput(double[][] k, double[] yOld, double tOld, double h, double tq, double[] dst) {
    double x = (tq - tOld) / h;
    for (int i = 0; i < yOld.length; i++) {
      double acc = 0;
      double p = 1;
      for (int c = 0; c < 4; c++) {
        p *= x;
        double q = 0;
        for (int j = 0; j < STAGES; j++) q += k[j][i] * P[j][c];
        acc += q * p;
      }
      dst[i] = yOld[i] + h * acc;
    }
  }

  private static double initialStep(OdeSystem f, double t0, double[] y0, double[] f0, double dir, double span,
      Settings s, double[] y1, double[] f1) {
    int n = y0.length;
    double d0 = 0;
    double d1 = 0;
    for (int i = 0; i < n; i++) {
      double sc = s.atol() + Math.abs(y0[i]) * s.rtol();
      d0 += (y0[i] / sc) * (y0[i] / sc);
      d1 += (f0[i] / sc) * (f0[i] / sc);
    }
    d0 = Math.sqrt(d0 / n);
    d1 = Math.sqrt(d1 / n);
    double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
    h0 = Math.min(h0, span);
    for (int i = 0; i < n; i++) y1[i] = y0[i] + h0 * dir * f0[i];
    f.derivatives(t0 + h0 * dir, y1, f1);
    double d2 = 0;
    for (int i = 0; i < n; i++) {
      double sc = s.atol() + Math.abs(y0[i]) * s.rtol();
      double r = (f1[i] - f0[i]) / sc;
      d2 += r * r;
    }
    d2 = Math.sqrt(d2 / n) / h0;
    double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1.0 / 5);
    double h = Math.min(Math.min(100 * h0, h1), Math.min(span, s.maxStep()));
    return Double.isFinite(h) && h > 0 ? h : Math.min(1e-6, span);
  }
}
