package io.cyclelake.model.mlp;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * The settings of {@code mlp} ({@code cyclelake.model.mlp}, or a sweep's grid point over it), checked once.
 *
 * @param hidden units of each hidden layer, input side first (empty = a linear model trained by Adam)
 * @param activation hidden-layer activation: relu, leakyrelu, elu, tanh, sigmoid, softplus or identity
 * @param dropout probability of dropping a hidden unit's output while training (0 = none)
 * @param patience with validation rows: stop after this many epochs without a lower validation MSE and restore the
 *     best epoch's weights (0 = train every epoch, keep the last)
 * @param l2 L2 penalty on the weights (not the biases)
 * @param seed the seed of initialisation, shuffling and dropout; negative = the run's seed ({@code train.seed})
 * @param threads ND4J native threads (0 = ND4J's default: all cores)
 */
public record MlpSettings(List<Integer> hidden, String activation, double dropout, double learningRate, int epochs,
    int batchSize, int patience, double l2, long seed, int threads) implements Serializable {

  static final List<String> ACTIVATIONS = List.of("relu", "leakyrelu", "elu", "tanh", "sigmoid", "softplus",
      "identity");

  public MlpSettings {
    hidden = List.copyOf(hidden);
    activation = activation.toLowerCase(Locale.ROOT);
    for (int h : hidden) check(h >= 1, "hidden layer sizes must be >= 1, got " + hidden);
    if (!ACTIVATIONS.contains(activation)) {
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "model.mlp.activation must be one of " + ACTIVATIONS
          + ", got '" + activation + "'");
    }
    check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    check(learningRate > 0, "learning-rate must be > 0, got " + learningRate);
    check(epochs >= 1, "epochs must be >= 1, got " + epochs);
    check(batchSize >= 1, "batch-size must be >= 1, got " + batchSize);
    check(patience >= 0, "patience must be >= 0, got " + patience);
    check(l2 >= 0, "l2 must be >= 0, got " + l2);
    check(threads >= 0, "threads must be >= 0, got " + threads);
  }

  private static void check(boolean ok, String message) {
    if (!ok) throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.mlp." + message);
  }

  public static MlpSettings from(Config c) {
    return new MlpSettings(c.getIntList("hidden"), c.getString("activation"), c.getDouble("dropout"),
        c.getDouble("learning-rate"), c.getInt("epochs"), c.getInt("batch-size"), c.getInt("patience"),
        c.getDouble("l2"), c.getLong("seed"), c.getInt("threads"));
  }

  /** The seed training uses: {@link #seed()} when it is not negative, else the run's seed. */
  public long seedFor(long runSeed) {
    return seed >= 0 ? seed : runSeed;
  }

  public String describe() {
    return "hidden " + hidden + " " + activation + (dropout > 0 ? ", dropout " + dropout : "")
        + String.format(Locale.ROOT, ", Adam lr %.3g, l2 %.3g, batch %d", learningRate, l2, batchSize);
  }
}
