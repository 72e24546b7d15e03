package io.cyclelake.features.kernels.ode;

import java.util.Arrays;

/**
 * Fixed-step explicit solvers: forward Euler (order 1) and the classical Runge–Kutta method (RK4, order 4). The
 * global error over a fixed interval is O(h) for Euler and O(h⁴) for RK4.
 */
public final class FixedStep {
  private FixedStep() {}

  /** The method; {@link #stages()} right-hand-side evaluations per step. */
  public enum Method {
    EULER(1, 1),
    RK4(4, 4);

    private final int stages;
    private final int order;

    Method(int stages, int order) {
      this.stages = stages;
      this.order = order;
    }

    public int stages() {
      return stages;
    }

    public int order() {
      return order;
    }

    /** {@code euler} or {@code rk4} (case-insensitive). */
    public static Method byName(String name) {
      for (Method m : values()) if (m.name().equalsIgnoreCase(name)) return m;
      throw new IllegalArgumentException("unknown fixed-step method '" + name + "': expected euler or rk4");
    }
  }

  /**
   * Integrates from {@code times[0]} (where the state is {@code y0}) through every requested time in order. Each
   * interval {@code [times[k-1], times[k]]} is cut into {@code ceil(|Δt| / maxStep)} equal steps (at least one), so
   * the requested times are hit exactly; backward integration (decreasing times) works the same way.
   *
   * @param y0 initial state, length {@code f.dimension()}; not modified
   * @param times requested times, monotone (all non-decreasing or all non-increasing), length ≥ 1
   * @param maxStep largest step size, > 0
   * @param out written: {@code out[k]} = state at {@code times[k]} ({@code out.length == times.length}, each row of
   *     length {@code f.dimension()})
   * @return the number of steps taken
   * @throws IllegalArgumentException on a length mismatch, non-monotone or non-finite times, or {@code maxStep <= 0}
   * @throws OdeSolverException {@code NON_FINITE} when a state becomes NaN or infinite
   */
  public static long solve(Method method, OdeSystem f, double[] y0, double[] times, double maxStep, double[][] out) {
    int n = f.dimension();
    Checks.problem(n, y0, times, out);
    if (!(maxStep > 0) || Double.isInfinite(maxStep)) {
      throw new IllegalArgumentException("maxStep must be finite and > 0, got " + maxStep);
    }
    Workspace w = new Workspace(n);
    double[] y = y0.clone();
    System.arraycopy(y, 0, out[0], 0, n);
    long steps = 0;
    for (int k = 1; k < times.length; k++) {
      double t0 = times[k - 1];
      double span = times[k] - t0;
      int m = (int) Math.max(1, Math.ceil(Math.abs(span) / maxStep - 1e-12));
      double h = span / m;
      for (int i = 0; i < m; i++) {
        // t from the start of the interval, not accumulated, so rounding does not drift
        step(method, f, t0 + i * h, y, h, w);
        steps++;
      }
      Checks.finite(y, times[k]);
      System.arraycopy(y, 0, out[k], 0, n);
    }
    return steps;
  }

  /**
   * One step of size {@code h} from {@code (t, y)}; {@code y} is overwritten with the new state.
   *
   * @param w scratch buffers of the system's dimension (see {@link Workspace})
   */
  public static void step(Method method, OdeSystem f, double t, double[] y, double h, Workspace w) {
    int n = y.length;
    double[] k1 = w.k1;
    f.derivatives(t, y, k1);
    if (method == Method.EULER) {
      for (int i = 0; i < n; i++) y[i] += h * k1[i];
      return;
    }
    double[] k2 = w.k2;
    double[] k3 = w.k3;
    double[] k4 = w.k4;
    double[] tmp = w.tmp;
    for (int i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
    f.derivatives(t + 0.5 * h, tmp, k2);
    for (int i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
    f.derivatives(t + 0.5 * h, tmp, k3);
    for (int i = 0; i < n; i++) tmp[i] = y[i] + h * k3[i];
    f.derivatives(t + h, tmp, k4);
    for (int i = 0; i < n; i++) y[i] += h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }

  /** Scratch buffers for {@link #step}; one per thread. */
  public static final class Workspace {
    final double[] k1;
    final double[] k2;
    final double[] k3;
    final double[] k4;
    final double[] tmp;

    public Workspace(int dimension) {
      k1 = new double[dimension];
      k2 = new double[dimension];
      k3 = new double[dimension];
      k4 = new double[dimension];
      tmp = new double[dimension];
    }
  }

  /** Argument checks shared by the solvers. */
  static final class Checks {
    private Checks() {}

    static void problem(int n, double[] y0, double[] times, double[][] out) {
      if (y0.length != n) throw new IllegalArgumentException("y0 has length " + y0.length + ", the system " + n);
      if (times.length == 0) throw new IllegalArgumentException("no requested times");
      if (out.length != times.length) {
        throw new IllegalArgumentException("out has " + out.length + " rows for " + times.length + " times");
      }
      for (int k = 0; k < out.length; k++) {
        if (out[k].length != n) {
          throw new IllegalArgumentException("out[" + k + "] has length " + out[k].length + ", the system " + n);
        }
      }
      int direction = 0;
      for (int k = 0; k < times.length; k++) {
        if (!Double.isFinite(times[k])) throw new IllegalArgumentException("times[" + k + "] = " + times[k]);
        if (k == 0) continue;
        int s = Double.compare(times[k], times[k - 1]) > 0 ? 1 : times[k] < times[k - 1] ? -1 : 0;
        if (s != 0 && direction != 0 && s != direction) {
          throw new IllegalArgumentException("times are not monotone: times[" + (k - 1) + "] = " + times[k - 1]
              + ", times[" + k + "] = " + times[k] + " " + Arrays.toString(Arrays.copyOf(times, Math.min(k + 1, 8)))
              + (k + 1 > 8 ? "…" : ""));
        }
        if (s != 0) direction = s;
      }
    }

    static void finite(double[] y, double t) {
      for (int i = 0; i < y.length; i++) {
        if (!Double.isFinite(y[i])) {
          throw new OdeSolverException(OdeSolverException.Reason.NON_FINITE, t, t,
              "state component " + i + " is " + y[i] + " at t = " + t);
        }
      }
    }
  }
}
