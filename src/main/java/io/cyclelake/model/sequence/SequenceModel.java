package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import java.util.List;
import java.util.function.Consumer;

/**
 * A sequence regression model chosen by name (one output per sequence, e.g. the SOH of a discharge from its curve),
 * fitted on scaled, padded sequences inside one Spark task of a sequence sweep. The parallel of
 * {@link io.cyclelake.model.TabularModel} for inputs that are sequences: its inputs are {@link SequenceBatch}es
 * scaled by a {@link SequenceScaler} fitted on the training fold only. Plug-ins are listed in
 * {@code META-INF/services/io.cyclelake.model.sequence.SequenceModel}.
 */
public interface SequenceModel {
  String name();

  /**
   * @param validation validation sequences for early stopping, or {@code null} (then every epoch is trained)
   * @param params this model's settings: a grid point over {@code cyclelake.model.<name>}
   * @param progress receives one line per epoch
   * @throws io.cyclelake.errors.CycleLakeException CONFIG_INVALID or UNKNOWN_NAME for a bad setting
   */
  default Fitted fit(SequenceBatch train, SequenceBatch validation, Config params, long seed,
      Consumer<String> progress) {
    return fit(train, validation, params, seed, progress, Checkpoints.OFF);
  }

  /**
   * {@link #fit(SequenceBatch, SequenceBatch, Config, long, Consumer)} saving the training's state to
   * {@code checkpoints} and resuming from the last checkpoint found there (the same training started again).
   */
  Fitted fit(SequenceBatch train, SequenceBatch validation, Config params, long seed, Consumer<String> progress,
      Checkpoints checkpoints);

  /** A model saved by {@link Fitted#save()} of this plug-in. */
  Fitted load(byte[] saved);

  /** A fitted model. */
  interface Fitted {
    /** One prediction per sequence of {@code x} (labels ignored); for a several-output model, its first output. */
    double[] predict(SequenceBatch x);

    /**
     * What each output predicts: output k the label of the same cell's labelled discharge {@code horizons()[k]}
     * discharges later ({@link Horizons}); {@code {0}} (the label itself) for one-output models.
     */
    default int[] horizons() {
      return new int[] {0};
    }

    /** Every output per sequence, {@code [sequence][output]}, in the order of {@link #horizons()}. */
    default double[][] predictOutputs(SequenceBatch x) {
      double[] p = predict(x);
      double[][] out = new double[p.length][];
      for (int i = 0; i < p.length; i++) out[i] = new double[] {p[i]};
      return out;
    }

    byte[] save();

    /** One line: what was fitted (epochs run, epoch restored, parameters). */
    String describe();

    /** Training history, one entry per epoch run. */
    List<EpochStats> history();

    /** The loss per epoch, for {@code training_curves}; {@link io.cyclelake.model.TrainingCurve#NONE} if unknown. */
    default io.cyclelake.model.TrainingCurve curve() {
      return io.cyclelake.model.TrainingCurve.NONE;
    }
  }

  /**
   * One training epoch.
   *
   * @param validationLoss NaN without validation sequences
   * @param sequencesPerSecond training sequences processed per second of this epoch (fit only, no evaluation)
   */
  record EpochStats(int epoch, double trainLoss, double validationLoss, double seconds, double fitSeconds,
      double sequencesPerSecond) implements java.io.Serializable {}
}
