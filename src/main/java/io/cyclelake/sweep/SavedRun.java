package io.cyclelake.sweep;

import io.cyclelake.internal.Registry;
import io.cyclelake.model.Preprocessor;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;
import java.io.Serializable;
import java.util.List;

/**
 * What {@code <lake>/_runs/<sweep id>/<run id>.model} (a sweep's run) or {@code <lake>/_runs/<run id>/<run id>.model}
 * (a {@code train} run) holds: everything needed to predict again with a run's model, the feature columns in order,
 * the preprocessor fitted on the fold's training rows (null for a {@code train} run, whose XGBoost model takes the raw
 * features with NaN as missing) and the model's own bytes, which the {@link TabularModel} named {@code model} loads.
 */
public record SavedRun(String runId, String model, List<String> features, Preprocessor preprocessor, byte[] modelBytes,
    double conformalHalfWidth) implements Serializable {

  public byte[] bytes() {
    return Serialized.bytes(this);
  }

  public static SavedRun read(byte[] bytes) {
    return Serialized.read(bytes, SavedRun.class, "sweep run");
  }

  /** Predictions for raw feature rows (NaN = missing), through the saved preprocessor and model. */
  public double[] predict(double[][] rawX) {
    TabularModel m = Registry.load(TabularModel.class, TabularModel::name, "model").get(model);
    return m.load(modelBytes).predict(preprocessor == null ? rawX : preprocessor.transform(rawX));
  }
}
