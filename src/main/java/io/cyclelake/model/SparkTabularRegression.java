package io.cyclelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * A {@link SparkTabularModel} as a {@link RegressionModel} ({@code cyclelake train}): the imputer/scaler
 * ({@link Preprocessor}) is fitted on the training rows only, as in a sweep's fold, then the model is fitted as a
 * Spark job on the preprocessed rows. Predictions add a {@code prediction} column through the same preprocessor and
 * model, so a saved run predicts exactly what training predicted.
 */
public final class SparkTabularRegression {
  private SparkTabularRegression() {}

  /** Fits {@code model} on {@code train}'s {@code features} vectors (NaN = missing) and {@code label}. */
  public static RegressionModel.Fitted fit(SparkTabularModel model, Dataset<Row> train, Config settings, long seed) {
    List<Row> rows = train.select("features", "label").collectAsList();
    if (rows.isEmpty()) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, model.name() + " has no training rows");
    }
    double[][] x = new double[rows.size()][];
    double[] y = new double[rows.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Vector) rows.get(i).get(0)).toArray();
      y[i] = rows.get(i).getDouble(1);
    }
    Preprocessor pre = Preprocessor.fit(x, x[0].length);
    SparkTabularModel.SparkFitted fitted = model.fit(pre.transform(x), y, null, null, settings, seed);
    UserDefinedFunction predict = udf((UDF1<Vector, Double>) v ->
        fitted.predict(pre.transform(new double[][] {v.toArray()}))[0], DataTypes.DoubleType);
    String name = model.name();
    return new RegressionModel.Fitted() {
      @Override
      public Dataset<Row> predict(Dataset<Row> in) {
        return in.withColumn("prediction", predict.apply(col("features")));
      }

      @Override
      public String tabularModel() {
        return name;
      }

      @Override
      public Preprocessor preprocessor() {
        return pre;
      }

      @Override
      public SparkTabularModel.SparkFitted sparkFitted() {
        return fitted;
      }
    };
  }
}
