package io.cyclelake.model.tree;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Gradient-boosted {@link RegressionTree}s on squared error (as MLlib's GBTRegressor): start at ȳ, each round fits a
 * tree of {@code max-depth} to the residuals of a {@code subsampling-rate} sample (without replacement) and adds
 * {@code step-size} × it. With a validation set, the number of rounds is the one with the lowest validation MSE, and
 * boosting stops after {@code early-stopping-rounds} rounds without improvement.
 */
public final class GbtRegression implements TabularModel {
  @Override
  public String name() {
    return "gbt";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    int maxIter = p.getInt("max-iter");
    double step = p.getDouble("step-size");
    double rate = p.getDouble("subsampling-rate");
    int patience = p.getInt("early-stopping-rounds");
    if (maxIter < 1 || step <= 0 || rate <= 0 || rate > 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.gbt needs max-iter >= 1, step-size > 0 and "
          + "0 < subsampling-rate <= 1; got " + maxIter + ", " + step + ", " + rate);
    }
    int n = x.length;
    int d = n == 0 ? 0 : x[0].length;
    RegressionTree.Settings s = new RegressionTree.Settings(p.getInt("max-depth"), p.getInt("min-instances-per-node"), d);
    double base = 0;
    for (double v : y) base += v;
    base /= n;
    double[] f = new double[n];
    java.util.Arrays.fill(f, base);
    boolean early = xVal != null && xVal.length > 0;
    double[] fv = early ? new double[xVal.length] : null;
    if (early) java.util.Arrays.fill(fv, base);
    double[] resid = new double[n];
    List<double[]> gains = new ArrayList<>();
    Random rnd = new Random(seed);
    List<RegressionTree> trees = new ArrayList<>();
    int best = 0;
    double bestMse = early ? mse(fv, yVal) : Double.NaN;
    int m = Math.max(1, (int) Math.round(rate * n));
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    for (int it = 0; it < maxIter; it++) {
      for (int i = 0; i < n; i++) resid[i] = y[i] - f[i];
      int[] rows = all;
      if (m < n) {
        rows = all.clone();
        for (int i = 0; i < m; i++) {
          int k = i + rnd.nextInt(n - i);
          int t = rows[i];
          rows[i] = rows[k];
          rows[k] = t;
        }
        rows = java.util.Arrays.copyOf(rows, m);
      }
      double[] g = new double[d];
      gains.add(g);
      RegressionTree t = RegressionTree.grow(x, resid, rows, s, rnd, g);
      trees.add(t);
      for (int i = 0; i < n; i++) f[i] += step * t.predict(x[i]);
      if (early) {
        for (int i = 0; i < xVal.length; i++) fv[i] += step * t.predict(xVal[i]);
        double e = mse(fv, yVal);
        if (e < bestMse) {
          bestMse = e;
          best = trees.size();
        } else if (trees.size() - best >= patience) {
          break;
        }
      }
    }
    int grown = trees.size();
    List<RegressionTree> kept = early ? new ArrayList<>(trees.subList(0, best)) : trees;
    double[] gain = new double[d];
    for (int k = 0; k < kept.size(); k++) for (int j = 0; j < d; j++) gain[j] += gains.get(k)[j];
    return new TreeEnsemble("gbt", base, step, kept, gain, "step-size " + step + ", max-depth " + s.maxDepth()
        + (early ? ", " + grown + " rounds grown, " + kept.size() + " kept by validation MSE" : ""));
  }

  private static double mse(double[] f, double[] y) {
    double s = 0;
    for (int i = 0; i < y.length; i++) s += (f[i] - y[i]) * (f[i] - y[i]);
    return s / y.length;
  }

  @Override
  public Fitted load(byte[] saved) {
    return Serialized.read(saved, TreeEnsemble.class, "gbt");
  }
}
