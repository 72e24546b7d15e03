package io.cyclelake.model.ode;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.Serializable;
import java.util.Locale;

/**
 * The settings of {@code neural-ode} ({@code cyclelake.model.neural-ode}), checked once.
 *
 * @param solver {@code euler}, {@code rk4} or {@code dopri5}
 * @param steps euler/rk4: equal steps from t0 to each row's time
 * @param graphSteps dopri5: most accepted steps unrolled in the training graph
 */
public record NeuralOdeSettings(int latentDim, int hidden, int encoderHidden, String solver, int steps, double rtol,
    double atol, long maxSteps, int graphSteps, int iterations, double learningRate, double clipNorm, int evalEvery,
    int patience) implements Serializable {

  public NeuralOdeSettings {
    solver = solver.toLowerCase(Locale.ROOT);
    check(latentDim >= 1, "latent-dim must be >= 1, got " + latentDim);
    check(hidden >= 1, "hidden must be >= 1, got " + hidden);
    check(encoderHidden >= 0, "encoder-hidden must be >= 0, got " + encoderHidden);
    check(solver.equals("euler") || solver.equals("rk4") || solver.equals("dopri5"),
        "solver must be euler, rk4 or dopri5, got '" + solver + "'");
    check(steps >= 1, "steps must be >= 1, got " + steps);
    check(rtol >= 0 && atol >= 0 && rtol + atol > 0, "dopri5.rtol and dopri5.atol must be >= 0 and not both 0, got "
        + rtol + ", " + atol);
    check(maxSteps >= 1, "dopri5.max-steps must be >= 1, got " + maxSteps);
    check(graphSteps >= 1, "dopri5.graph-steps must be >= 1, got " + graphSteps);
    check(iterations >= 1, "iterations must be >= 1, got " + iterations);
    check(learningRate > 0, "learning-rate must be > 0, got " + learningRate);
    check(clipNorm >= 0, "clip-norm must be >= 0, got " + clipNorm);
    check(evalEvery >= 1, "eval-every must be >= 1, got " + evalEvery);
    check(patience >= 0, "patience must be >= 0, got " + patience);
  }

  private static void check(boolean ok, String message) {
    if (!ok) throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.neural-ode." + message);
  }

  /** From {@code cyclelake.model.neural-ode} (or a sweep's grid point over it). */
  public static NeuralOdeSettings from(Config c) {
    return new NeuralOdeSettings(c.getInt("latent-dim"), c.getInt("hidden"), c.getInt("encoder-hidden"),
        c.getString("solver"), c.getInt("steps"), c.getDouble("dopri5.rtol"), c.getDouble("dopri5.atol"),
        c.getLong("dopri5.max-steps"), c.getInt("dopri5.graph-steps"), c.getInt("iterations"),
        c.getDouble("learning-rate"), c.getDouble("clip-norm"), c.getInt("eval-every"), c.getInt("patience"));
  }

  /** A copy with another number of iterations. */
  public NeuralOdeSettings withIterations(int n) {
    return new NeuralOdeSettings(latentDim, hidden, encoderHidden, solver, steps, rtol, atol, maxSteps, graphSteps,
        n, learningRate, clipNorm, evalEvery, patience);
  }

  public String describe() {
    return solver + (solver.equals("dopri5") ? " (rtol " + rtol + ", atol " + atol + ")" : " " + steps + " steps")
        + ", latent " + latentDim + ", hidden " + hidden + ", encoder " + (encoderHidden == 0 ? "linear"
        : encoderHidden + " tanh");
  }
}
