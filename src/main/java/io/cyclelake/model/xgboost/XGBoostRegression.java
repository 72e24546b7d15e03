package io.cyclelake.model.xgboost;

import com.typesafe.config.Config;
import io.cyclelake.model.RegressionModel;
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

  @Override
  public Fitted fit(Dataset<Row> train, Config s, long seed) {
    XGBoostRegressor r = new XGBoostRegressor();
    r.setFeaturesCol("features");
    r.setLabelCol("label");
    r.setPredictionCol("prediction");
    r.setObjective("reg:squarederror");
    r.setNumRound(s.getInt("num-round"));
    r.setMaxDepth(s.getInt("max-depth"));
    r.setEta(s.getDouble("eta"));
    r.setSubsample(s.getDouble("subsample"));
    r.setMinChildWeight(s.getDouble("min-child-weight"));
    r.setNumWorkers(s.getInt("num-workers"));
    r.setSeed(seed);
    r.setMissing(Float.NaN);
    r.setVerbosity(s.getInt("verbosity"));
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
