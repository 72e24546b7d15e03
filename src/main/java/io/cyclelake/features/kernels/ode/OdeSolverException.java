package io.cyclelake.features.kernels.ode;

/**
 * The integration could not continue. {@link #reason()} says why; {@link #time()} is where it stopped and
 * {@link #value()} the quantity that triggered it (the step size, the number of steps or the time of the first
 * non-finite derivative).
 */
public final class OdeSolverException extends RuntimeException {
  /** Why the integration stopped. */
  public enum Reason {
    /** The step size needed for the tolerances fell below the minimum step (10 ulps of t). */
    MIN_STEP,
    /** More accepted and rejected steps than {@code max-steps}. */
    MAX_STEPS,
    /** The right-hand side returned NaN or an infinity. */
    NON_FINITE
  }

  private final Reason reason;
  private final double time;
  private final double value;

  public OdeSolverException(Reason reason, double time, double value, String message) {
    super(message);
    this.reason = reason;
    this.time = time;
    this.value = value;
  }

  public Reason reason() {
    return reason;
  }

  public double time() {
    return time;
  }

  public double value() {
    return value;
  }
}
