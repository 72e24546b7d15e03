package io.cyclelake.predict.telemetry;

import io.cyclelake.model.Preprocessor;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularClassifier;
import io.cyclelake.model.TabularClassifiers;
import io.cyclelake.model.TabularModel;
import io.cyclelake.internal.Registry;
import java.io.Serializable;
import java.util.List;

/**
 * What {@code telemetry train} saves and {@code predict --task overheat} loads: the feature columns, the preprocessor
 * fitted on the training part, the classifier and its alarm threshold, the ΔT regressor, and the label settings.
 */
public record OverheatModel(String runId, List<String> features, Preprocessor preprocessor, String classifier,
    byte[] classifierBytes, double alarmThreshold, String regressor, byte[] regressorBytes,
    List<String> temperatureChannels, double thresholdC, int horizonS) implements Serializable {

  public static final String FILE = "telemetry-overheat.model";

  public byte[] bytes() {
    return Serialized.bytes(this);
  }

  public static OverheatModel read(byte[] b) {
    return Serialized.read(b, OverheatModel.class, "telemetry overheat");
  }

  /** The fitted models, loaded through their registries. */
  public Loaded load() {
    TabularClassifier.Fitted c = TabularClassifiers.byName(classifier).load(classifierBytes);
    TabularModel.Fitted r = Registry.load(TabularModel.class, TabularModel::name, "model").get(regressor)
        .load(regressorBytes);
    return new Loaded(this, c, r);
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
