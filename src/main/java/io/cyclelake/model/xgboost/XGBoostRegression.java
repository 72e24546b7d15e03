package io.cyclelake.model.xgboost;

import com.typesafe.config.Config;
import io.cyclelake.model.RegressionModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostEstimator;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRegressionModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Gradient-boosted trees from XGBoost4J-Spark, trained by {@code num-workers} barrier tasks. */
public final class XGBoostRegression implements RegressionModel {
  @Override
  public String name() {
    return "xgboost";
  }

  /**
   * The settings XGBoost4J-Spark's regressor and classifier share ({@code num-round, max-depth, eta, subsample,
   * min-child-weight, num-workers, verbosity}), NaN as missing, and the seed.
   */
  static void configure(XGBoostEstimator<?, ?> e, Config s, long seed) {
    e.setNumRound(s.getInt("num-round"));
    e.setMaxDepth(s.getInt("max-depth"));
    e.setEta(s.getDouble("eta"));
    e.setSubsample(s.getDouble("subsample"));
    e.setMinChildWeight(s.getDouble("min-child-weight"));
    e.setNumWorkers(s.getInt("num-workers"));
    e.setSeed(seed);
    e.setMissing(Float.NaN);
    e.setVerbosity(s.getInt("verbosity"));
  }

  @Override
  public Fitted fit(Dataset<Row> train, Config s, long seed) {
    XGBoostRegressor r = new XGBoostRegressor();
    r.setFeaturesCol("features");
    r.setLabelCol("label");
    r.setPredictionCol("prediction");
    r.setObjective("reg:squarederror");
    configure(r, s, seed);
    XGBoostRegressionModel m = r.fit(train);
    return new Fitted() {
      @Override
      public Dataset<Row> predict(Dataset<Row> rows) {
        return m.transform(rows);
      }

      /** The booster, which {@link XGBoostTabular#load} reads (the same trees; NaN is missing in both). */
      @Override
      public byte[] save() {
        try {
          return m.nativeBooster().toByteArray();
        } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
          throw new IllegalStateException("cannot serialise the xgboost booster: " + e.getMessage(), e);
        }
      }

      @Override
      public String tabularModel() {
        return "xgboost";
      }
    };
  }
}
