package io.cyclelake.model.ode;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.features.kernels.ode.Dopri5;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Explicit Runge–Kutta steps unrolled in a SameDiff graph, so that gradients flow through every stage: the
 * tableau of Euler (1 stage), RK4 (4) or dopri5 (6; its 7th stage only estimates the error and is not needed for
 * the state). Shared by {@link LatentOdeGraph} and the ODE layer of the {@code acla} sequence model.
 */
public final class RungeKuttaGraph {
  private final double[][] a;
  private final double[] b;

  private RungeKuttaGraph(double[][] a, double[] b) {
    this.a = a;
    this.b = b;
  }

  /**
   * The tableau of {@code solver}.
   *
   * @throws CycleLakeException UNKNOWN_NAME for another name
   */
  public static RungeKuttaGraph of(String solver) {
    switch (solver) {
      case "euler" -> {
        return new RungeKuttaGraph(new double[][] {{}}, new double[] {1});
      }
      case "rk4" -> {
        return new RungeKuttaGraph(new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}},
            new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6});
      }
      case "dopri5" -> {
        double[][] a = new double[6][];
        for (int i = 0; i < 6; i++) a[i] = Dopri5.matrixRow(i);
        return new RungeKuttaGraph(a, Arrays.copyOf(Dopri5.weights(), 6));
      }
      default -> throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no ODE solver named '" + solver
          + "'; known solvers: euler, rk4, dopri5");
    }
  }

  /** Number of stages (evaluations of f per step). */
  public int stages() {
    return b.length;
  }

  /**
   * One step {@code z + dt · Σ b_i k_i} with {@code k_i = f(z + dt · Σ a_ij k_j)}.
   *
   * @param f the right-hand side dz/dt = f(z)
   * @param timesDt multiplies an increment by the step size (a constant, or a placeholder per row)
   */
  public SDVariable step(SDVariable z, UnaryOperator<SDVariable> f, UnaryOperator<SDVariable> timesDt) {
    SDVariable[] stage = new SDVariable[a.length];
    for (int i = 0; i < a.length; i++) {
      SDVariable acc = weighted(stage, a[i]);
      stage[i] = f.apply(acc == null ? z : z.add(timesDt.apply(acc)));
    }
    return z.add(timesDt.apply(weighted(stage, b)));
  }

  private static SDVariable weighted(SDVariable[] stage, double[] w) {
    SDVariable acc = null;
    for (int j = 0; j < w.length; j++) {
      if (w[j] == 0) continue;
      SDVariable term = stage[j].mul(w[j]);
      acc = acc == null ? term : acc.add(term);
    }
    return acc;
  }
}
