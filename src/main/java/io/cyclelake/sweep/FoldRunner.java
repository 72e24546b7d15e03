package io.cyclelake.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.internal.Registry;
import io.cyclelake.model.Preprocessor;
import io.cyclelake.model.SparkTabularModel;
import io.cyclelake.model.TabularModel;
import io.cyclelake.split.Fold;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Fits one spec on one fold: the preprocessor is fitted on the fold's training rows only, the model on those rows
 * (validation rows for early stopping), then every used row is predicted and the split-conformal half-width is taken
 * from the validation residuals. Any exception becomes a failed result. Plain-Java models run inside a Spark task; a
 * model that fits with Spark ({@link TabularModel#fitsWithSpark()}) runs on the driver, its fit a Spark job.
 */
public final class FoldRunner {
  private FoldRunner() {}

  /** Inside a Spark task: the model's bytes travel back in the result. */
  public static TaskResult run(SweepData data, Fold fold, TaskSpec spec) {
    return run(data, fold, spec, null);
  }

  /**
   * @param keep on the driver: receives (run id, fitted model) of a model fitted by Spark, which is saved as a
   *     directory rather than bytes (its result's {@code model} is null); null inside a task
   */
  public static TaskResult run(SweepData data, Fold fold, TaskSpec spec,
      BiConsumer<String, SparkTabularModel.SparkFitted> keep) {
    long t0 = System.nanoTime();
    try {
      TabularModel model = Registry.load(TabularModel.class, TabularModel::name, "model").get(spec.model());
      if (model.fitsWithSpark() && keep == null) {
        throw new IllegalStateException(spec.model() + " fits with Spark and runs from the driver, not in a task");
      }
      Config params = ConfigFactory.parseString(spec.params());
      int[] tr = fold.rows(Fold.TRAIN);
      int[] va = fold.rows(Fold.VALIDATION);
      Preprocessor pre = Preprocessor.fit(select(data.x(), tr), data.features().size());
      double[][] xt = pre.transform(select(data.x(), tr));
      double[][] xv = va.length == 0 ? null : pre.transform(select(data.x(), va));
      TabularModel.Fitted fitted = model.fit(xt, select(data.y(), tr), xv, va.length == 0 ? null
          : select(data.y(), va), params, spec.seed());
      int[] used = usedRows(fold);
      double[] pred = fitted.predict(pre.transform(select(data.x(), used)));
      for (double p : pred) {
        if (!Double.isFinite(p)) throw new IllegalStateException(spec.model() + " predicted a non-finite value " + p);
      }
      double half = Double.NaN;
      if (va.length > 0) {
        double[] pv = fitted.predict(xv);
        double[] res = new double[va.length];
        for (int k = 0; k < va.length; k++) res[k] = Math.abs(data.y()[va[k]] - pv[k]);
        half = conformalHalfWidth(res, spec.intervalLevel());
      }
      byte[] saved = null;
      if (fitted instanceof SparkTabularModel.SparkFitted s) {
        keep.accept(spec.runId(), s);
      } else {
        saved = fitted.save();
      }
      return new TaskResult(spec, "ok", null, (System.nanoTime() - t0) / 1e9, fitted.describe(), used, pred, half,
          fitted.importance(), fitted.importanceKind(), saved, pre, fitted.curve());
    } catch (Exception | StackOverflowError e) {
      return TaskResult.failed(spec, e, (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Split-conformal half-width: the ⌈(n + 1)·level⌉-th smallest absolute validation residual; NaN when that rank
   * exceeds n (too few validation rows for the level).
   */
  public static double conformalHalfWidth(double[] absResiduals, double level) {
    int n = absResiduals.length;
    int rank = (int) Math.ceil((n + 1) * level - 1e-9);
    if (n == 0 || rank > n) return Double.NaN;
    double[] s = absResiduals.clone();
    Arrays.sort(s);
    return s[Math.max(rank, 1) - 1];
  }

  static int[] usedRows(Fold fold) {
    int n = 0;
    for (byte b : fold.part()) if (b != Fold.UNUSED) n++;
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < fold.part().length; i++) if (fold.part()[i] != Fold.UNUSED) out[k++] = i;
    return out;
  }

  static double[][] select(double[][] x, int[] rows) {
    double[][] out = new double[rows.length][];
    for (int k = 0; k < rows.length; k++) out[k] = x[rows[k]];
    return out;
  }

  static double[] select(double[] y, int[] rows) {
    double[] out = new double[rows.length];
    for (int k = 0; k < rows.length; k++) out[k] = y[rows[k]];
    return out;
  }
}
