package io.cyclelake.model.mllib;

import com.typesafe.config.Config;
import io.cyclelake.model.SparkTabularClassifier;
import java.util.Locale;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vectors;

/**
 * Spark MLlib's {@link LogisticRegression} ({@code mllib-logistic}), binomial, fitted as a Spark job over the training
 * rows: minimises (1/Σw) Σ wᵢ·logloss(yᵢ, σ(b + xᵢ·β)) + reg-param/2·||β||² (L2 only: elasticNetParam 0; intercept
 * not penalised; inputs are already standardised, so MLlib's own standardisation is off). Class imbalance: with
 * {@code balance-classes} the positives weigh negatives/positives of the training rows (MLlib's {@code weightCol}),
 * as in the plain-Java {@code logistic}. Settings {@code cyclelake.telemetry.mllib-logistic}; validation rows are not
 * used.
 */
public final class MllibLogistic implements SparkTabularClassifier {
  public static final String NAME = "mllib-logistic";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SparkFitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    var spark = MllibFrames.driverSession(NAME);
    double wPos = MllibFrames.positiveWeight(NAME, y, p.getBoolean("balance-classes"));
    LogisticRegression lr = new LogisticRegression();
    MllibFrames.settings(NAME, () -> {
      lr.setRegParam(p.getDouble("reg-param"));
      lr.setMaxIter(p.getInt("max-iter"));
      lr.setTol(p.getDouble("tolerance"));
    });
    lr.setElasticNetParam(0.0);
    lr.setStandardization(false);
    lr.setFamily("binomial");
    lr.setFeaturesCol(MllibFrames.FEATURES);
    lr.setLabelCol(MllibFrames.LABEL);
    lr.setWeightCol(MllibFrames.WEIGHT);
    return new Fit(lr.fit(MllibFrames.classWeights(MllibFrames.frame(spark, x, y, null, null), wPos)));
  }

  @Override
  public SparkFitted load(String path) {
    MllibFrames.driverSession(NAME);
    return new Fit(LogisticRegressionModel.load(path));
  }

  private record Fit(LogisticRegressionModel m) implements SparkFitted {
    @Override
    public double[] probability(double[][] x) {
      double[] out = new double[x.length];
      for (int i = 0; i < x.length; i++) out[i] = m.predictProbability(Vectors.dense(x[i])).apply(1);
      return out;
    }

    @Override
    public void saveTo(String path) {
      MllibFrames.save(NAME, m, path);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "%s (Spark MLlib): %d coefficients, reg-param %s%s", NAME, m.numFeatures(),
          m.getRegParam(), m.hasSummary() ? ", " + m.summary().totalIterations() + " iterations" : "");
    }
  }
}
