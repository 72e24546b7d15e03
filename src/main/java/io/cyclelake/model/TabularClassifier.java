package io.cyclelake.model;

import com.typesafe.config.Config;

/**
 * A binary classifier on plain arrays chosen by name ({@code META-INF/services/io.cyclelake.model.TabularClassifier}).
 * Inputs are already imputed and standardised by a {@link Preprocessor} fitted on the training rows only.
 */
public interface TabularClassifier {
  String name();

  /**
   * @param y training labels, 0 or 1
   * @param xVal validation rows (early stopping where supported), or {@code null}
   * @param params this model's settings ({@code cyclelake.telemetry.<name>})
   */
  Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config params, long seed);

  Fitted load(byte[] saved);

  interface Fitted {
    /** Probability of class 1 per row. */
    double[] probability(double[][] x);

    byte[] save();

    String describe();
  }
}
