package io.cyclelake.model.mllib;

import com.typesafe.config.Config;
import org.apache.spark.ml.regression.RandomForestRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressor;

/**
 * Spark MLlib's {@link RandomForestRegressor} ({@code mllib-random-forest}), fitted as a Spark job over the training
 * rows (variance impurity). Settings are {@code cyclelake.model.mllib-random-forest}; the seed is the run's. The
 * validation rows are not used. Not to be confused with {@code random-forest}, CycleLake's own plain-Java forest
 * fitted inside a task.
 */
public final class MllibRandomForest extends MllibEstimator {
  public static final String NAME = "mllib-random-forest";

  public MllibRandomForest() {
    super(NAME);
  }

  @Override
  public SparkFitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    var spark = MllibFrames.driverSession(NAME);
    RandomForestRegressor rf = new RandomForestRegressor();
    MllibFrames.settings(NAME, () -> {
      rf.setNumTrees(p.getInt("num-trees"));
      rf.setMaxDepth(p.getInt("max-depth"));
      rf.setMinInstancesPerNode(p.getInt("min-instances-per-node"));
      rf.setFeatureSubsetStrategy(p.getString("feature-subset"));
      rf.setSubsamplingRate(p.getDouble("subsampling-rate"));
      rf.setBootstrap(p.getBoolean("bootstrap"));
      rf.setMaxBins(p.getInt("max-bins"));
      rf.setMinInfoGain(p.getDouble("min-info-gain"));
      rf.setSeed(seed);
    });
    rf.setFeaturesCol(MllibFrames.FEATURES);
    rf.setLabelCol(MllibFrames.LABEL);
    return new MllibFitted(NAME, rf.fit(MllibFrames.frame(spark, x, y, null, null)));
  }

  @Override
  RandomForestRegressionModel read(String path) {
    return RandomForestRegressionModel.load(path);
  }
}
