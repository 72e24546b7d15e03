package io.cyclelake.model.mllib;

import com.typesafe.config.Config;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.GBTRegressor;

/**
 * Spark MLlib's {@link GBTRegressor} ({@code mllib-gbt}), fitted as a Spark job over the training rows. With
 * validation rows and {@code early-stopping = true}, MLlib's own early stopping runs on them (its
 * {@code validationIndicatorCol}: boosting stops when the validation error improves by less than
 * {@code validation-tol}, relative). Settings are {@code cyclelake.model.mllib-gbt}; the seed is the run's. Not to be
 * confused with {@code gbt}, CycleLake's own plain-Java boosting fitted inside a task.
 */
public final class MllibGbt extends MllibEstimator {
  public static final String NAME = "mllib-gbt";

  public MllibGbt() {
    super(NAME);
  }

  @Override
  public SparkFitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    var spark = MllibFrames.driverSession(NAME);
    GBTRegressor g = new GBTRegressor();
    boolean validate = xVal != null && xVal.length > 0 && p.getBoolean("early-stopping");
    // GBTRegressor has no setter for validationTol: it goes in through a ParamMap.
    ParamMap extra = new ParamMap();
    MllibFrames.settings(NAME, () -> {
      extra.put(g.validationTol(), (Object) p.getDouble("validation-tol"));
      g.setMaxIter(p.getInt("max-iter"));
      g.setStepSize(p.getDouble("step-size"));
      g.setMaxDepth(p.getInt("max-depth"));
      g.setMinInstancesPerNode(p.getInt("min-instances-per-node"));
      g.setSubsamplingRate(p.getDouble("subsampling-rate"));
      g.setFeatureSubsetStrategy(p.getString("feature-subset"));
      g.setMaxBins(p.getInt("max-bins"));
      g.setMinInfoGain(p.getDouble("min-info-gain"));
      g.setLossType(p.getString("loss"));
      g.setSeed(seed);
    });
    g.setFeaturesCol(MllibFrames.FEATURES);
    g.setLabelCol(MllibFrames.LABEL);
    if (validate) g.setValidationIndicatorCol(MllibFrames.VALIDATION);
    return new MllibFitted(NAME, g.fit(validate ? MllibFrames.frame(spark, x, y, xVal, yVal)
        : MllibFrames.frame(spark, x, y, null, null), extra));
  }

  @Override
  GBTRegressionModel read(String path) {
    return GBTRegressionModel.load(path);
  }
}
