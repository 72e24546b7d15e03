package io.cyclelake.model;

import com.typesafe.config.Config;

/**
 * A tabular regression model chosen by name, fitted on plain arrays inside one Spark task of a sweep (a fold of
 * battery-cycle data is hundreds to thousands of rows). Inputs are already imputed and standardised by a
 * {@link Preprocessor} fitted on the training rows only. Plug-ins are listed in
 * {@code META-INF/services/io.cyclelake.model.TabularModel}.
 */
public interface TabularModel {
  String name();

  /**
   * True when {@link #fit} runs Spark jobs (Spark MLlib, a {@link SparkTabularModel}) and so needs the driver's
   * SparkSession: a sweep fits such specs from the driver as distributed fits instead of inside a task.
   */
  default boolean fitsWithSpark() {
    return false;
  }

  /**
   * @param x training rows × features, no NaN
   * @param y training labels
   * @param xVal validation rows (early stopping where the model supports it), or {@code null}
   * @param yVal validation labels, or {@code null}
   * @param params this model's settings: the sweep's grid point over {@code cyclelake.model.<name>}
   * @throws io.cyclelake.errors.CycleLakeException with {@code CONFIG_INVALID} for a bad parameter
   */
  Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config params, long seed);

  /** A model saved by {@link Fitted#save()} of this plug-in. */
  Fitted load(byte[] saved);

  /** A fitted model. */
  interface Fitted {
    double[] predict(double[][] x);

    /** Bytes that {@link TabularModel#load} of the same plug-in turns back into an equal model. */
    byte[] save();

    /** One line: what was fitted (e.g. number of trees, rounds kept by early stopping, non-zero coefficients). */
    String describe();

    /** Non-negative importance per feature (length = number of features). */
    double[] importance();

    /** How {@link #importance()} is defined: {@code abs-coefficient}, {@code impurity}, {@code mean-abs-shap}. */
    String importanceKind();

    /** The loss per epoch of an iterative trainer, for {@code training_curves}; {@link TrainingCurve#NONE} else. */
    default TrainingCurve curve() {
      return TrainingCurve.NONE;
    }

    /** Per-row SHAP contributions (features + bias, summing to the prediction), or {@code null} if not supported. */
    default double[][] contributions(double[][] x) {
      return null;
    }
  }
}
