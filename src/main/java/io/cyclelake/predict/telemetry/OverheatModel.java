package io.cyclelake.predict.telemetry;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.model.Preprocessor;
import io.cyclelake.model.SparkTabularClassifier;
import io.cyclelake.model.SparkTabularModel;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularClassifier;
import io.cyclelake.model.TabularClassifiers;
import io.cyclelake.model.TabularModel;
import io.cyclelake.internal.Registry;
import java.io.Serializable;
import java.util.List;

/**
 * What {@code telemetry train} saves and {@code predict --task overheat} loads: the feature columns, the preprocessor
 * fitted on the training part, the classifier and its alarm threshold, the ΔT regressor, and the label settings. A model
 * fitted by Spark (Spark MLlib, XGBoost4J-Spark) is not in these bytes but in its own directory beside them
 * ({@code classifierDir}, {@code regressorDir}, relative to the lake root; null for models saved as bytes).
 */
public record OverheatModel(String runId, List<String> features, Preprocessor preprocessor, String classifier,
    byte[] classifierBytes, double alarmThreshold, String regressor, byte[] regressorBytes,
    List<String> temperatureChannels, double thresholdC, int horizonS, String classifierDir, String regressorDir)
    implements Serializable {

  public static final String FILE = "telemetry-overheat.model";

  public byte[] bytes() {
    return Serialized.bytes(this);
  }

  public static OverheatModel read(byte[] b) {
    return Serialized.read(b, OverheatModel.class, "telemetry overheat");
  }

  /**
   * The fitted models, loaded through their registries; those saved as directories are read from {@code lake} with
   * the library's own reader.
   */
  public Loaded load(Lake lake) {
    TabularClassifier c = TabularClassifiers.byName(classifier);
    TabularClassifier.Fitted cf;
    if (classifierDir == null) {
      cf = c.load(classifierBytes);
    } else if (c instanceof SparkTabularClassifier s) {
      cf = s.load(Lake.inside(lake.root(), classifierDir));
    } else {
      throw notSpark(classifier, classifierDir);
    }
    TabularModel r = Registry.load(TabularModel.class, TabularModel::name, "model").get(regressor);
    TabularModel.Fitted rf;
    if (regressorDir == null) {
      rf = r.load(regressorBytes);
    } else if (r instanceof SparkTabularModel s) {
      rf = s.load(Lake.inside(lake.root(), regressorDir));
    } else {
      throw notSpark(regressor, regressorDir);
    }
    return new Loaded(this, cf, rf);
  }

  private CycleLakeException notSpark(String model, String dir) {
    return new CycleLakeException(ErrorCode.INPUT_MALFORMED, "run " + runId + "'s " + model + " model is the "
        + "directory " + dir + ", but " + model + " is not a model fitted by Spark");
  }

  /** Models ready to score rows of features (raw, not yet preprocessed). */
  public record Loaded(OverheatModel spec, TabularClassifier.Fitted classifier, TabularModel.Fitted regressor) {
    public double[] probability(double[][] x) {
      return classifier.probability(spec.preprocessor().transform(x));
    }

    public double[] deltaT(double[][] x) {
      return regressor.predict(spec.preprocessor().transform(x));
    }
  }
}
