package io.cyclelake.features.kernels.ode;

/** Observer of the accepted steps of a solver, kept apart from the algorithm; the default does nothing. */
@FunctionalInterface
public interface StepHandler {
  StepHandler NONE = (from, to) -> {};

  /** Called once per accepted step, in order, with its start and end time ({@code to - from} is the step size). */
  void accepted(double from, double to);
}
