package io.cyclelake.model.mllib;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.SparkTabularModel;
import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressionModel;

/**
 * A fitted Spark MLlib tree ensemble ({@link RandomForestRegressionModel} or {@link GBTRegressionModel}). Predicts
 * each row with the model's own {@code predict(Vector)}, the function its {@code transform} applies, so on the
 * driver's arrays without a Spark job. Importance is MLlib's {@code featureImportances}: the impurity (variance)
 * decrease of each feature's splits, summed over trees and normalised to sum 1.
 */
public record MllibFitted(String model, PredictionModel<Vector, ?> fitted) implements SparkTabularModel.SparkFitted,
    Serializable {

  public MllibFitted {
    if (!(fitted instanceof RandomForestRegressionModel) && !(fitted instanceof GBTRegressionModel)) {
      throw new IllegalArgumentException("not an MLlib tree ensemble: " + fitted.getClass().getName());
    }
  }

  @Override
  public double[] predict(double[][] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = fitted.predict(Vectors.dense(x[i]));
    return out;
  }

  @Override
  public void saveTo(String path) {
    try {
      if (fitted instanceof RandomForestRegressionModel rf) {
        rf.write().overwrite().save(path);
      } else {
        ((GBTRegressionModel) fitted).write().overwrite().save(path);
      }
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot save the " + model + " model at " + path + ": "
          + e.getMessage(), null, e);
    }
  }

  @Override
  public String describe() {
    if (fitted instanceof RandomForestRegressionModel rf) {
      return String.format(Locale.ROOT, "%s (Spark MLlib): %d trees, %d nodes, max depth %d, %s features per node",
          model, rf.getNumTrees(), rf.totalNumNodes(), rf.getMaxDepth(), rf.getFeatureSubsetStrategy());
    }
    GBTRegressionModel g = (GBTRegressionModel) fitted;
    return String.format(Locale.ROOT, "%s (Spark MLlib): %d trees kept of max-iter %d, %d nodes, max depth %d, "
        + "step size %s, %s loss", model, g.getNumTrees(), g.getMaxIter(), g.totalNumNodes(), g.getMaxDepth(),
        g.getStepSize(), g.getLossType());
  }

  @Override
  public double[] importance() {
    Vector v = fitted instanceof RandomForestRegressionModel rf ? rf.featureImportances()
        : ((GBTRegressionModel) fitted).featureImportances();
    return v.toArray();
  }

  @Override
  public String importanceKind() {
    return "impurity";
  }
}
