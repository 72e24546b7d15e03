package io.cyclelake.features.kernels.ode;

/**
 * A first-order system {@code dy/dt = f(t, y)} of fixed dimension. Implementations write into the buffer the solver
 * supplies and must not keep references to {@code y} or {@code dydt} (the solver reuses both).
 */
public interface OdeSystem {
  /** Number of state variables (length of {@code y}). */
  int dimension();

  /**
   * Writes {@code f(t, y)} into {@code dydt}.
   *
   * @param t time
   * @param y state, length {@link #dimension()}; read only
   * @param dydt written (not read), length {@link #dimension()}
   */
  void derivatives(double t, double[] y, double[] dydt);
}
