package io.cyclelake.model.xgboost;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.TabularClassifier;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Gradient-boosted trees for a binary label through XGBoost's Java booster (the one XGBoost4J-Spark wraps, as
 * {@link XGBoostTabular} does for regression): {@code binary:logistic}, {@code scale_pos_weight} = negatives/positives
 * of the training rows when {@code balance-classes}, early stopping on validation log-loss.
 */
public final class XGBoostClassifier implements TabularClassifier {
  @Override
  public String name() {
    return "xgboost";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    double pos = 0;
    for (double v : y) pos += v;
    if (pos == 0 || pos == y.length) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "xgboost classifier: the training rows hold one class "
          + "only (" + (long) pos + " positives of " + y.length + ")");
    }
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("eta", p.getDouble("eta"));
    params.put("max_depth", p.getInt("max-depth"));
    params.put("subsample", p.getDouble("subsample"));
    params.put("min_child_weight", p.getDouble("min-child-weight"));
    params.put("scale_pos_weight", p.getBoolean("balance-classes") ? (y.length - pos) / pos : 1.0);
    params.put("seed", seed);
    params.put("nthread", 1);
    params.put("verbosity", 0);
    params.put("eval_metric", "logloss");
    int rounds = p.getInt("num-round");
    int patience = p.getInt("early-stopping-rounds");
    try {
      Booster b = XGBoostTabular.boost(x, y, xVal, yVal, params, rounds, patience);
      return new Fit(b, XGBoostTabular.treeLimit(b));
    } catch (XGBoostError e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "xgboost failed: " + e.getMessage(), null, e);
    }
  }

  @Override
  public Fitted load(byte[] saved) {
    try {
      Booster b = XGBoost.loadModel(saved);
      // One thread: the run-time parameter is not saved with the model, and OpenMP's default of every core costs far
      // more than it saves on the small batches (down to one row per second in closed loop) this model scores.
      b.setParam("nthread", 1);
      return new Fit(b, XGBoostTabular.treeLimit(b));
    } catch (XGBoostError | java.io.IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read a saved xgboost classifier: " + e, null, e);
    }
  }

  /** A booster of {@code binary:logistic} scoring arrays; {@code treeLimit} 0 = all trees. */
  record Fit(Booster booster, int treeLimit) implements Fitted {
    @Override
    public double[] probability(double[][] x) {
      try {
        float[][] p = booster.predict(XGBoostTabular.matrix(x, null), false, treeLimit);
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) out[i] = p[i][0];
        return out;
      } catch (XGBoostError e) {
        throw new CycleLakeException(ErrorCode.JOB_FAILED, "xgboost predict failed: " + e.getMessage(), null, e);
      }
    }

    @Override
    public byte[] save() {
      try {
        return booster.toByteArray();
      } catch (XGBoostError e) {
        throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot save the xgboost classifier: " + e, null, e);
      }
    }

    @Override
    public String describe() {
      try {
        return "xgboost classifier: " + booster.getNumBoostedRound() + " rounds grown"
            + (treeLimit > 0 ? ", " + treeLimit + " used (best validation log-loss)" : "");
      } catch (XGBoostError e) {
        return "xgboost classifier: " + e.getMessage();
      }
    }
  }
}
