package io.cyclelake.model.mllib;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The training rows of a Spark ML fit (MLlib, XGBoost4J-Spark) as a DataFrame of the active session (Spark wiring
 * only).
 */
public final class MllibFrames {
  private MllibFrames() {}

  public static final String FEATURES = "features";
  public static final String LABEL = "label";
  /** True on validation rows: MLlib's GBT evaluates early stopping on them and trains on the others. */
  public static final String VALIDATION = "is_validation";

  private static final StructType SCHEMA = new StructType()
      .add(LABEL, DataTypes.DoubleType, false)
      .add(FEATURES, SQLDataTypes.VectorType(), false)
      .add(VALIDATION, DataTypes.BooleanType, false);

  /**
   * The driver's session; an MLlib fit is a Spark job, so it cannot run inside a task (where a sweep fits the
   * plain-Java models).
   */
  public static SparkSession driverSession(String model) {
    if (TaskContext.get() != null) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, model + " fits with Spark MLlib (a Spark job) and must "
          + "be fitted on the driver, not inside a Spark task (TabularModel.fitsWithSpark)");
    }
    try {
      return SparkSession.active();
    } catch (IllegalStateException e) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, model + " fits with Spark MLlib and needs a "
          + "SparkSession on the driver; none is active", null, e);
    }
  }

  /**
   * Rows (label, features, is_validation): the training rows, then the validation rows when {@code xVal} is given;
   * spread over the session's default parallelism.
   */
  public static Dataset<Row> frame(SparkSession spark, double[][] x, double[] y, double[][] xVal, double[] yVal) {
    if (x.length == 0 || x.length != y.length) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "an MLlib fit needs training rows with one label "
          + "each; got " + x.length + " rows and " + y.length + " labels");
    }
    List<Row> rows = new ArrayList<>(x.length + (xVal == null ? 0 : xVal.length));
    for (int i = 0; i < x.length; i++) rows.add(RowFactory.create(y[i], Vectors.dense(x[i]), false));
    if (xVal != null) {
      for (int i = 0; i < xVal.length; i++) rows.add(RowFactory.create(yVal[i], Vectors.dense(xVal[i]), true));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Column of per-row weights added by {@link #classWeights}. */
  public static final String WEIGHT = "weight";

  /**
   * The positive-class weight that balances the classes: negatives/positives of {@code y}, or 1 when not
   * {@code balance}; an error when {@code y} holds one class only.
   */
  public static double positiveWeight(String model, double[] y, boolean balance) {
    double pos = 0;
    for (double v : y) pos += v;
    if (pos == 0 || pos == y.length) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, model + ": the training rows hold one class only ("
          + (long) pos + " positives of " + y.length + ")");
    }
    return balance ? (y.length - pos) / pos : 1.0;
  }

  /** {@code frame} with a column {@link #WEIGHT}: {@code positiveWeight} on rows labelled 1, else 1. */
  public static Dataset<Row> classWeights(Dataset<Row> frame, double positiveWeight) {
    return frame.withColumn(WEIGHT, org.apache.spark.sql.functions.when(
        org.apache.spark.sql.functions.col(LABEL).equalTo(1.0), positiveWeight).otherwise(1.0));
  }

  /**
   * Writes a fitted Spark ML model at {@code path} (a Hadoop path) with its own writer, replacing what is there; a
   * failure is a JOB_FAILED naming the model and the path.
   */
  public static void save(String model, org.apache.spark.ml.util.MLWritable fitted, String path) {
    try {
      fitted.write().overwrite().save(path);
    } catch (java.io.IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot save the " + model + " model at " + path + ": "
          + e.getMessage(), null, e);
    }
  }

  /** Runs the setters of an estimator; MLlib's rejection of a value becomes a CONFIG_INVALID naming the model. */
  public static void settings(String model, Runnable setters) {
    try {
      setters.run();
    } catch (IllegalArgumentException e) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model." + model + ": " + e.getMessage(), null, e);
    } catch (com.typesafe.config.ConfigException e) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model." + model + ": " + e.getMessage(), null, e);
    }
  }
}
