package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.internal.Registry;
import io.cyclelake.split.Fold;
import io.cyclelake.sweep.FoldRunner;
import io.cyclelake.sweep.TaskSpec;
import java.io.Serializable;
import java.util.List;

/**
 * Fits one sequence-model spec on one fold inside a Spark task: the scaler is fitted on the fold's training
 * sequences only, the model on those (validation sequences for early stopping), then every used sequence is
 * predicted and the split-conformal half-width taken from the validation residuals. Any exception becomes a failed
 * result.
 */
public final class SequenceTask {
  private SequenceTask() {}

  /**
   * What a task sends back.
   *
   * @param rows indices into the {@link SequenceSet} of the predicted sequences
   * @param model the saved model ({@link SequenceModel.Fitted#save()}), null when failed
   */
  public record Result(TaskSpec spec, String status, String error, double fitSeconds, String description,
      int[] rows, double[] predicted, double halfWidth, List<SequenceModel.EpochStats> history,
      SequenceScaler scaler, byte[] model) implements Serializable {}

  public static Result run(SequenceSet data, Fold fold, TaskSpec spec, boolean printEpochs) {
    long t0 = System.nanoTime();
    try {
      SequenceModel model = Registry.load(SequenceModel.class, SequenceModel::name, "sequence model")
          .get(spec.model());
      Config params = ConfigFactory.parseString(spec.params());
      int[] tr = fold.rows(Fold.TRAIN);
      int[] va = fold.rows(Fold.VALIDATION);
      SequenceScaler scaler = SequenceScaler.fit(data.x(), data.length(), tr, data.channels().size());
      SequenceBatch train = data.batch(tr, scaler);
      SequenceBatch val = va.length == 0 ? null : data.batch(va, scaler);
      SequenceModel.Fitted fitted = model.fit(train, val, params, spec.seed(), line -> {
        if (printEpochs) System.out.println("  [" + spec.runId() + "] " + line);
      });
      int[] used = usedRows(fold);
      double[] pred = fitted.predict(data.batch(used, scaler));
      for (double p : pred) {
        if (!Double.isFinite(p)) throw new IllegalStateException(spec.model() + " predicted a non-finite value " + p);
      }
      double half = Double.NaN;
      if (va.length > 0) {
        double[] pv = fitted.predict(val);
        double[] res = new double[va.length];
        for (int k = 0; k < va.length; k++) res[k] = Math.abs(data.y()[va[k]] - pv[k]);
        half = FoldRunner.conformalHalfWidth(res, spec.intervalLevel());
      }
      return new Result(spec, "ok", null, (System.nanoTime() - t0) / 1e9, fitted.describe(), used, pred, half,
          fitted.history(), scaler, fitted.save());
    } catch (Exception | StackOverflowError e) {
      return new Result(spec, "failed", e.getClass().getSimpleName() + ": " + e.getMessage(),
          (System.nanoTime() - t0) / 1e9, null, null, null, Double.NaN, null, null, null);
    }
  }

  static int[] usedRows(Fold fold) {
    int n = 0;
    for (byte b : fold.part()) if (b != Fold.UNUSED) n++;
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < fold.part().length; i++) if (fold.part()[i] != Fold.UNUSED) out[k++] = i;
    return out;
  }
}
