package io.cyclelake.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.internal.Registry;
import io.cyclelake.model.Preprocessor;
import io.cyclelake.model.TabularModel;
import io.cyclelake.split.Fold;
import java.util.Arrays;

/**
 * Fits one spec on one fold, plain Java, inside a Spark task: the preprocessor is fitted on the fold's training rows
 * only, the model on those rows (validation rows for early stopping), then every used row is predicted and the
 * split-conformal half-width is taken from the validation residuals. Any exception becomes a failed result.
 */
public final class FoldRunner {
  private FoldRunner() {}

  public static TaskResult run(SweepData data, Fold fold, TaskSpec spec) {
    long t0 = System.nanoTime();
    try {
      TabularModel model = Registry.load(TabularModel.class, TabularModel::name, "model").get(spec.model());
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
      return new TaskResult(spec, "ok", null, (System.nanoTime() - t0) / 1e9, fitted.describe(), used, pred, half,
          fitted.importance(), fitted.importanceKind(), fitted.save(), pre);
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
