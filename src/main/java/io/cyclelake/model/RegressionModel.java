package io.cyclelake.model;

import com.typesafe.config.Config;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A tabular regression model chosen by name. Plug-ins are listed in
 * {@code META-INF/services/io.cyclelake.model.RegressionModel}; the estimator holds no fitted state.
 */
public interface RegressionModel {
  String name();

  /**
   * Fits on {@code train}, which has a vector column {@code features} and a double column {@code label}.
   *
   * @param settings this model's settings ({@code cyclelake.model.<name>})
   */
  Fitted fit(Dataset<Row> train, Config settings, long seed);

  /** A fitted model. */
  interface Fitted {
    /** Adds a double column {@code prediction} to rows that have a {@code features} vector. */
    Dataset<Row> predict(Dataset<Row> rows);

    /**
     * The model as bytes that {@link TabularModel#load} of the plug-in named {@link #tabularModel()} turns into a model
     * predicting the same from the raw features (NaN = missing), or null when the model cannot be saved so.
     */
    default byte[] save() {
      return null;
    }

    /** The {@link TabularModel} that loads {@link #save()}'s bytes (or {@link #sparkFitted()}'s directory). */
    default String tabularModel() {
      return null;
    }

    /**
     * The imputer/scaler fitted on the training rows that turns raw features into the inputs of
     * {@link #sparkFitted()}; null when the model takes the raw features.
     */
    default Preprocessor preprocessor() {
      return null;
    }

    /**
     * For a model that fits with Spark MLlib ({@link SparkTabularModel}): the fitted model on preprocessed inputs,
     * which a run saves as a directory; null for models saved as bytes by {@link #save()}.
     */
    default SparkTabularModel.SparkFitted sparkFitted() {
      return null;
    }
  }
}
