package io.cyclelake.model.xgboost;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.TabularModel;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * XGBoost through its Java API (the booster XGBoost4J-Spark wraps), one thread, inside one Spark task of a sweep: a
 * fold is far too small to be worth XGBoost4J-Spark's barrier stage. With a validation set, boosting stops after
 * {@code early-stopping-rounds} rounds without improvement of validation RMSE and predictions use the best round.
 * Importance is the mean |SHAP| contribution (TreeSHAP) over the training rows.
 */
public final class XGBoostTabular implements TabularModel {
  @Override
  public String name() {
    return "xgboost";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "reg:squarederror");
    params.put("eta", p.getDouble("eta"));
    params.put("max_depth", p.getInt("max-depth"));
    params.put("subsample", p.getDouble("subsample"));
    params.put("min_child_weight", p.getDouble("min-child-weight"));
    params.put("seed", seed);
    params.put("nthread", 1);
    params.put("verbosity", p.getInt("verbosity"));
    params.put("eval_metric", "rmse");
    int rounds = p.getInt("num-round");
    int patience = p.getInt("early-stopping-rounds");
    try {
      DMatrix train = matrix(x, y);
      boolean early = xVal != null && xVal.length > 0 && patience > 0;
      DMatrix[] val = early ? new DMatrix[] {matrix(xVal, yVal)} : null;
      // Boosted round by round (silently; XGBoost.train with watches logs every round), evaluating validation RMSE.
      Booster b = XGBoost.train(train, params, 0, new HashMap<>(), null, null);
      int best = -1;
      double bestRmse = Double.POSITIVE_INFINITY;
      for (int it = 0; it < rounds; it++) {
        b.update(train, it);
        if (!early) continue;
        double rmse = lastMetric(b.evalSet(val, new String[] {"validation"}, it));
        if (rmse < bestRmse) {
          bestRmse = rmse;
          best = it;
        } else if (it - best >= patience) {
          break;
        }
      }
      int limit = early ? best + 1 : 0;
      if (early) b.setAttr("cyclelake_tree_limit", Integer.toString(limit));
      Fit f = new Fit(b.toByteArray(), b, limit, x[0].length);
      f.trainShap = f.meanAbsShap(x);
      return f;
    } catch (XGBoostError e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "xgboost failed: " + e.getMessage(), null, e);
    }
  }

  /** The value of the last {@code name:value} pair of an XGBoost evaluation line ("[3]\tvalidation-rmse:0.12"). */
  static double lastMetric(String evalLine) {
    return Double.parseDouble(evalLine.substring(evalLine.lastIndexOf(':') + 1).trim());
  }

  static DMatrix matrix(double[][] x, double[] y) throws XGBoostError {
    int n = x.length;
    int d = n == 0 ? 0 : x[0].length;
    float[] flat = new float[n * d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) flat[i * d + j] = (float) x[i][j];
    DMatrix m = new DMatrix(flat, n, d, Float.NaN);
    if (y != null) {
      float[] l = new float[n];
      for (int i = 0; i < n; i++) l[i] = (float) y[i];
      m.setLabel(l);
    }
    return m;
  }

  @Override
  public Fitted load(byte[] saved) {
    try {
      Booster b = XGBoost.loadModel(saved);
      b.setParam("nthread", 1); // a run-time parameter, not saved with the model
      String lim = b.getAttr("cyclelake_tree_limit");
      int d = b.getNumFeature() > Integer.MAX_VALUE ? -1 : (int) b.getNumFeature();
      Fit f = new Fit(saved, b, lim == null ? 0 : Integer.parseInt(lim), d);
      return f;
    } catch (XGBoostError | java.io.IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read a saved xgboost model: " + e, null, e);
    }
  }

  private static final class Fit implements Fitted {
    final byte[] bytes;
    final Booster booster;
    final int treeLimit;
    final int d;
    double[] trainShap;

    Fit(byte[] bytes, Booster booster, int treeLimit, int d) {
      this.bytes = bytes;
      this.booster = booster;
      this.treeLimit = treeLimit;
      this.d = d;
    }

    @Override
    public double[] predict(double[][] x) {
      try {
        float[][] p = booster.predict(matrix(x, null), false, treeLimit);
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) out[i] = p[i][0];
        return out;
      } catch (XGBoostError e) {
        throw new CycleLakeException(ErrorCode.JOB_FAILED, "xgboost predict failed: " + e.getMessage(), null, e);
      }
    }

    @Override
    public double[][] contributions(double[][] x) {
      try {
        float[][] c = booster.predictContrib(matrix(x, null), treeLimit);
        double[][] out = new double[c.length][];
        for (int i = 0; i < c.length; i++) {
          out[i] = new double[c[i].length];
          for (int j = 0; j < c[i].length; j++) out[i][j] = c[i][j];
        }
        return out;
      } catch (XGBoostError e) {
        throw new CycleLakeException(ErrorCode.JOB_FAILED, "xgboost SHAP failed: " + e.getMessage(), null, e);
      }
    }

    double[] meanAbsShap(double[][] x) {
      double[][] c = contributions(x);
      double[] m = new double[d];
      for (double[] r : c) for (int j = 0; j < d; j++) m[j] += Math.abs(r[j]);
      for (int j = 0; j < d; j++) m[j] /= Math.max(1, c.length);
      return m;
    }

    @Override
    public byte[] save() {
      return bytes.clone();
    }

    @Override
    public String describe() {
      try {
        return "xgboost: " + booster.getNumBoostedRound() + " rounds grown"
            + (treeLimit > 0 ? ", " + treeLimit + " used (best validation RMSE)" : "");
      } catch (XGBoostError e) {
        return "xgboost: " + e.getMessage();
      }
    }

    @Override
    public double[] importance() {
      if (trainShap == null) {
        throw new IllegalStateException("SHAP importance is computed at fit time; a loaded model has none");
      }
      return trainShap.clone();
    }

    @Override
    public String importanceKind() {
      return "mean-abs-shap";
    }
  }
}
