package io.cyclelake.model.xgboost;

import com.typesafe.config.Config;
import io.cyclelake.model.SparkTabularClassifier;
import io.cyclelake.model.mllib.MllibFrames;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;

/**
 * XGBoost4J-Spark's {@link ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier} ({@code xgboost-spark}) for a binary
 * label: {@code binary:logistic}, trained as a Spark job by {@code num-workers} barrier tasks, {@code scale_pos_weight}
 * = negatives/positives of the training rows when {@code balance-classes} (class imbalance, as the driver-side
 * {@code xgboost} classifier). Settings {@code cyclelake.telemetry.xgboost-spark}; no early stopping (all
 * {@code num-round} trees). Saved as XGBoost4J-Spark's model directory; scores arrays with its native booster.
 */
public final class XGBoostSparkClassifier implements SparkTabularClassifier {
  public static final String NAME = "xgboost-spark";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SparkFitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    var spark = MllibFrames.driverSession(NAME);
    double wPos = MllibFrames.positiveWeight(NAME, y, p.getBoolean("balance-classes"));
    var c = new ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier();
    c.setFeaturesCol(MllibFrames.FEATURES);
    c.setLabelCol(MllibFrames.LABEL);
    c.setObjective("binary:logistic");
    c.setScalePosWeight(wPos);
    MllibFrames.settings(NAME, () -> XGBoostRegression.configure(c, p, seed));
    return new Fit(c.fit(MllibFrames.frame(spark, x, y, null, null)));
  }

  @Override
  public SparkFitted load(String path) {
    MllibFrames.driverSession(NAME);
    return new Fit((XGBoostClassificationModel) XGBoostClassificationModel.load(path));
  }

  /** The Spark model (saved) and its booster scoring arrays locally. */
  private record Fit(XGBoostClassificationModel m, XGBoostClassifier.Fit local) implements SparkFitted {
    Fit(XGBoostClassificationModel m) {
      this(m, new XGBoostClassifier.Fit(m.nativeBooster().booster(), 0));
    }

    @Override
    public double[] probability(double[][] x) {
      return local.probability(x);
    }

    @Override
    public void saveTo(String path) {
      MllibFrames.save(NAME, m, path);
    }

    @Override
    public String describe() {
      return NAME + " (XGBoost4J-Spark, " + m.getNumWorkers() + " workers): " + local.describe();
    }
  }
}
