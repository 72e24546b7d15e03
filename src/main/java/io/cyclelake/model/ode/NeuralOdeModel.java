package io.cyclelake.model.ode;

import com.typesafe.config.Config;
import io.cyclelake.model.Sensitivity;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;
import java.io.Serializable;

/**
 * {@code neural-ode}: the latent neural ODE of {@link LatentOdeNet} behind the tabular model interface, so sweeps
 * train it one Spark task per fold. Feature 0 is the time (e.g. {@code cycle_number}), the other features are the
 * encoder's context; the label is SOH. Trained by {@link NeuralOdeTrainer} (SameDiff graph, gradients through the
 * unrolled solver); predictions and saved models are plain Java (the weights), with no nd4j needed to predict.
 * Importance: the mean absolute change of the prediction per standard deviation of each feature (central
 * differences at the rows given to {@link Fitted#importance()}'s fit, i.e. the training rows).
 */
public final class NeuralOdeModel implements TabularModel {
  @Override
  public String name() {
    return "neural-ode";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config params, long seed) {
    NeuralOdeSettings s = NeuralOdeSettings.from(params);
    NeuralOdeTrainer.Result r = NeuralOdeTrainer.fit(x, y, xVal, yVal, s, seed);
    return new FittedOde(r.net(), r.describe(), sensitivity(r.net(), x), r.curve());
  }

  @Override
  public Fitted load(byte[] saved) {
    return Serialized.read(saved, FittedOde.class, "neural-ode");
  }

  /** Mean |∂ŷ/∂x_j| over the rows (x standardised, so per standard deviation), by central differences. */
  static double[] sensitivity(LatentOdeNet net, double[][] x) {
    return Sensitivity.meanAbsGradient(net::predict, x, 1e-4);
  }

  /**
   * A fitted neural ODE: weights, a one-line description, the importance computed at fit time and the training curve
   * (null in models saved before curves were recorded).
   */
  public record FittedOde(LatentOdeNet net, String description, double[] importance,
      io.cyclelake.model.TrainingCurve curve) implements Fitted, Serializable {
    @Override
    public io.cyclelake.model.TrainingCurve curve() {
      return curve == null ? io.cyclelake.model.TrainingCurve.NONE : curve;
    }

    @Override
    public double[] predict(double[][] x) {
      return net.predict(x);
    }

    @Override
    public byte[] save() {
      return Serialized.bytes(this);
    }

    @Override
    public String describe() {
      return "neural-ode " + description;
    }

    @Override
    public String importanceKind() {
      return "mean-abs-gradient";
    }
  }
}
