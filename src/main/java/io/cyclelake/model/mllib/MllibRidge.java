package io.cyclelake.model.mllib;

import com.typesafe.config.Config;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;

/**
 * Spark MLlib's {@link LinearRegression} with an L2 penalty only ({@code mllib-ridge}: elasticNetParam 0), fitted as a
 * Spark job over the training rows (normal equations, MLlib's {@code solver = normal}). Inputs are already
 * standardised, so MLlib's standardisation of the features is off; MLlib still scales the label by its (population)
 * standard deviation σ_y, so the fit minimises ||y − b − Xβ||² + (n·reg-param/σ_y)·||β||², the plain-Java
 * {@code ridge} with alpha = n·reg-param/σ_y (checked by {@code SparkMlModelsTest}). Settings {@code cyclelake.model.mllib-ridge}; the
 * validation rows are not used.
 */
public final class MllibRidge extends MllibEstimator {
  public static final String NAME = "mllib-ridge";

  public MllibRidge() {
    super(NAME);
  }

  @Override
  public SparkFitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    var spark = MllibFrames.driverSession(NAME);
    LinearRegression lr = new LinearRegression();
    MllibFrames.settings(NAME, () -> {
      lr.setRegParam(p.getDouble("reg-param"));
      lr.setSolver(p.getString("solver"));
      lr.setMaxIter(p.getInt("max-iter"));
    });
    lr.setElasticNetParam(0.0);
    lr.setStandardization(false);
    lr.setFeaturesCol(MllibFrames.FEATURES);
    lr.setLabelCol(MllibFrames.LABEL);
    return new MllibFitted(NAME, lr.fit(MllibFrames.frame(spark, x, y, null, null)));
  }

  @Override
  LinearRegressionModel read(String path) {
    return LinearRegressionModel.load(path);
  }
}
