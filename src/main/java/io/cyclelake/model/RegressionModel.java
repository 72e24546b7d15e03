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
  }
}
