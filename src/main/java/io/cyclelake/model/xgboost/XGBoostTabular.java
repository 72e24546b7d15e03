package io.cyclelake.model.xgboost;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.TabularModel;
import io.cyclelake.model.TrainingCurve;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
      List<Double> trainRmse = new ArrayList<>();
      List<Double> valRmse = new ArrayList<>();
      Booster b = boost(x, y, xVal, yVal, params, rounds, patience, trainRmse, valRmse);
      int limit = treeLimit(b);
      Fit f = new Fit(b.toByteArray(), b, limit, x[0].length);
      f.curve = TrainingCurve.of("rmse (label units)", trainRmse, valRmse, limit > 0 ? limit : trainRmse.size());
      f.trainShap = f.meanAbsShap(x);
      return f;
    } catch (XGBoostError e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "xgboost failed: " + e.getMessage(), null, e);
    }
  }

  /** Attribute holding the number of trees predictions use (the best round + 1) after early stopping. */
  private static final String TREE_LIMIT = "cyclelake_tree_limit";

  /**
   * Boosts round by round (silently: {@code XGBoost.train} with watches logs every round). With validation rows and
   * {@code patience > 0}, stops after {@code patience} rounds without improvement of the params' {@code eval_metric}
   * on them and records the best round in the booster ({@link #treeLimit}).
   */
  static Booster boost(double[][] x, double[] y, double[][] xVal, double[] yVal, Map<String, Object> params,
      int rounds, int patience) throws XGBoostError {
    return boost(x, y, xVal, yVal, params, rounds, patience, null, null);
  }

  /**
   * {@link #boost(double[][], double[], double[][], double[], Map, int, int)} that also appends the {@code eval_metric}
   * of every round on the training rows to {@code trainCurve} and, with validation rows, on them to {@code valCurve}
   * (null = not recorded).
   */
  static Booster boost(double[][] x, double[] y, double[][] xVal, double[] yVal, Map<String, Object> params,
      int rounds, int patience, List<Double> trainCurve, List<Double> valCurve) throws XGBoostError {
    DMatrix train = matrix(x, y);
    boolean hasVal = xVal != null && xVal.length > 0;
    boolean early = hasVal && patience > 0;
    boolean curve = trainCurve != null;
    DMatrix[] val = early || (curve && hasVal) ? new DMatrix[] {matrix(xVal, yVal)} : null;
    Booster b = XGBoost.train(train, params, 0, new HashMap<>(), null, null);
    int best = -1;
    double bestMetric = Double.POSITIVE_INFINITY;
    for (int it = 0; it < rounds; it++) {
      b.update(train, it);
      if (curve) {
        trainCurve.add(lastMetric(b.evalSet(new DMatrix[] {train}, new String[] {"train"}, it)));
        if (val != null) valCurve.add(lastMetric(b.evalSet(val, new String[] {"validation"}, it)));
      }
      if (!early) continue;
      double metric = curve ? valCurve.get(it) : lastMetric(b.evalSet(val, new String[] {"validation"}, it));
      if (metric < bestMetric) {
        bestMetric = metric;
        best = it;
      } else if (it - best >= patience) {
        break;
      }
    }
    if (early) b.setAttr(TREE_LIMIT, Integer.toString(best + 1));
    return b;
  }

  /** Trees that predictions use: the best round + 1 after early stopping, else 0 (all). */
  static int treeLimit(Booster b) throws XGBoostError {
    String lim = b.getAttr(TREE_LIMIT);
    return lim == null ? 0 : Integer.parseInt(lim);
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
      int d = b.getNumFeature() > Integer.MAX_VALUE ? -1 : (int) b.getNumFeature();
      Fit f = new Fit(saved, b, treeLimit(b), d);
      return f;
    } catch (XGBoostError | java.io.IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read a saved xgboost model: " + e, null, e);
    }
  }

  /**
   * A fitted model around a booster trained elsewhere (XGBoost4J-Spark): predicts with all its trees; importance is
   * the mean |SHAP| over {@code xTrain} (none when {@code xTrain} is null: a loaded model).
   */
  static Fitted fitted(Booster b, double[][] xTrain) throws XGBoostError {
    Fit f = new Fit(b.toByteArray(), b, treeLimit(b), (int) b.getNumFeature());
    if (xTrain != null) f.trainShap = f.meanAbsShap(xTrain);
    return f;
  }

  private static final class Fit implements Fitted {
    final byte[] bytes;
    final Booster booster;
    final int treeLimit;
    final int d;
    double[] trainShap;
    TrainingCurve curve = TrainingCurve.NONE;

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
    public TrainingCurve curve() {
      return curve;
    }

    @Override
    public String importanceKind() {
      return "mean-abs-shap";
    }
  }
}
