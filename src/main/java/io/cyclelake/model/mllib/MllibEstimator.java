package io.cyclelake.model.mllib;

import com.typesafe.config.Config;
import io.cyclelake.model.RegressionModel;
import io.cyclelake.model.SparkTabularModel;
import io.cyclelake.model.SparkTabularRegression;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the MLlib tree models share: a name, loading with MLlib's reader on the driver, and {@code cyclelake train}
 * through {@link SparkTabularRegression} (preprocessor fitted on the training rows, then the MLlib fit).
 */
abstract class MllibEstimator implements SparkTabularModel, RegressionModel {
  private final String name;

  MllibEstimator(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  /** MLlib's {@code Model.load(path)} of this estimator's model class. */
  abstract PredictionModel<Vector, ?> read(String path);

  @Override
  public final SparkFitted load(String path) {
    MllibFrames.driverSession(name);
    return new MllibFitted(name, read(path));
  }

  @Override
  public final RegressionModel.Fitted fit(Dataset<Row> train, Config settings, long seed) {
    return SparkTabularRegression.fit(this, train, settings, seed);
  }
}
