package io.cyclelake.model.xgboost;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.SparkTabularModel;
import io.cyclelake.model.mllib.MllibFrames;
import ml.dmlc.xgboost4j.java.XGBoostError;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRegressionModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRegressor;

/**
 * XGBoost4J-Spark's {@link XGBoostRegressor} ({@code xgboost-spark}) as a tabular model: trained as a Spark job by
 * {@code num-workers} barrier tasks over the training rows (the settings of {@link XGBoostRegression}, from
 * {@code cyclelake.model.xgboost-spark}), saved as XGBoost4J-Spark's model directory. Predictions, SHAP contributions
 * and importance come from the model's native booster on the driver's arrays (all trees: no early stopping).
 */
public final class XGBoostSparkTabular implements SparkTabularModel {
  public static final String NAME = "xgboost-spark";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SparkFitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    var spark = MllibFrames.driverSession(NAME);
    XGBoostRegressor r = new XGBoostRegressor();
    r.setFeaturesCol(MllibFrames.FEATURES);
    r.setLabelCol(MllibFrames.LABEL);
    r.setObjective("reg:squarederror");
    MllibFrames.settings(NAME, () -> XGBoostRegression.configure(r, p, seed));
    XGBoostRegressionModel m = r.fit(MllibFrames.frame(spark, x, y, null, null));
    return fitted(m, x);
  }

  @Override
  public SparkFitted load(String path) {
    MllibFrames.driverSession(NAME);
    return fitted((XGBoostRegressionModel) XGBoostRegressionModel.load(path), null);
  }

  private static SparkFitted fitted(XGBoostRegressionModel m, double[][] xTrain) {
    try {
      Fitted local = XGBoostTabular.fitted(m.nativeBooster().booster(), xTrain);
      return new Fit(m, local);
    } catch (XGBoostError e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, NAME + ": cannot read the trained booster: " + e, null, e);
    }
  }

  /** The Spark model (saved) and the same booster scoring arrays locally. */
  private record Fit(XGBoostRegressionModel m, Fitted local) implements SparkFitted {
    @Override
    public double[] predict(double[][] x) {
      return local.predict(x);
    }

    @Override
    public double[][] contributions(double[][] x) {
      return local.contributions(x);
    }

    @Override
    public void saveTo(String path) {
      MllibFrames.save(NAME, m, path);
    }

    @Override
    public String describe() {
      return NAME + " (XGBoost4J-Spark, " + m.getNumWorkers() + " workers): " + local.describe();
    }

    @Override
    public double[] importance() {
      return local.importance();
    }

    @Override
    public String importanceKind() {
      return local.importanceKind();
    }
  }
}
