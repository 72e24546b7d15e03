package io.cyclelake.model.mllib;

import io.cyclelake.model.SparkTabularModel;
import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.regression.RandomForestRegressionModel;

/**
 * A fitted Spark MLlib regressor: a tree ensemble ({@link RandomForestRegressionModel}, {@link GBTRegressionModel})
 * or a linear model ({@link LinearRegressionModel}, {@code mllib-ridge}). Predicts
 * each row with the model's own {@code predict(Vector)}, the function its {@code transform} applies, so on the
 * driver's arrays without a Spark job. Importance of a tree ensemble is MLlib's {@code featureImportances}: the
 * impurity (variance) decrease of each feature's splits, summed over trees and normalised to sum 1; of a linear model,
 * the absolute coefficients (on standardised inputs).
 */
public record MllibFitted(String model, PredictionModel<Vector, ?> fitted) implements SparkTabularModel.SparkFitted,
    Serializable {

  public MllibFitted {
    if (!(fitted instanceof RandomForestRegressionModel) && !(fitted instanceof GBTRegressionModel)
        && !(fitted instanceof LinearRegressionModel)) {
      throw new IllegalArgumentException("not an MLlib tree ensemble or linear regression: "
          + fitted.getClass().getName());
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
    MllibFrames.save(model, (MLWritable) fitted, path);
  }

  @Override
  public String describe() {
    if (fitted instanceof LinearRegressionModel lin) {
      return String.format(Locale.ROOT, "%s (Spark MLlib): %d coefficients, reg-param %s (L2), solver %s", model,
          lin.numFeatures(), lin.getRegParam(), lin.getSolver());
    }
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
    if (fitted instanceof LinearRegressionModel lin) {
      double[] c = lin.coefficients().toArray();
      for (int j = 0; j < c.length; j++) c[j] = Math.abs(c[j]);
      return c;
    }
    Vector v = fitted instanceof RandomForestRegressionModel rf ? rf.featureImportances()
        : ((GBTRegressionModel) fitted).featureImportances();
    return v.toArray();
  }

  @Override
  public String importanceKind() {
    return fitted instanceof LinearRegressionModel ? "abs-coefficient" : "impurity";
  }
}
