package io.cyclelake.sweep;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.internal.Registry;
import io.cyclelake.lake.Lake;
import io.cyclelake.model.Preprocessor;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.SparkTabularModel;
import io.cyclelake.model.TabularModel;
import java.io.Serializable;
import java.util.List;

/**
 * What {@code <lake>/_runs/<sweep id>/<run id>.model} (a sweep's run) or {@code <lake>/_runs/<run id>/<run id>.model}
 * (a {@code train} run) holds: everything needed to predict again with a run's model, the feature columns in order,
 * the preprocessor fitted on the fold's training rows (null for a {@code train} run of XGBoost, whose model takes the
 * raw features with NaN as missing) and the model's own bytes, which the {@link TabularModel} named {@code model}
 * loads. A model that fits with Spark MLlib ({@link SparkTabularModel}) is saved by MLlib's writer as the directory
 * {@code modelDir} beside the file (relative to the lake root; {@code modelBytes} null).
 */
public record SavedRun(String runId, String model, List<String> features, Preprocessor preprocessor, byte[] modelBytes,
    double conformalHalfWidth, String modelDir) implements Serializable {

  /** A run whose model is saved as bytes. */
  public SavedRun(String runId, String model, List<String> features, Preprocessor preprocessor, byte[] modelBytes,
      double conformalHalfWidth) {
    this(runId, model, features, preprocessor, modelBytes, conformalHalfWidth, null);
  }

  public byte[] bytes() {
    return Serialized.bytes(this);
  }

  public static SavedRun read(byte[] bytes) {
    return Serialized.read(bytes, SavedRun.class, "sweep run");
  }

  /**
   * Writes a run's model: {@code <base>.model} and, for a model fitted by Spark ({@code spark} not null), MLlib's
   * directory {@code <base>.mllib} beside it. {@code base} is relative to the lake root.
   *
   * @param modelBytes the model's bytes, null when {@code spark} is given
   * @return the {@code .model} file's bytes
   */
  public static byte[] write(Lake lake, String base, String runId, String model, List<String> features,
      Preprocessor preprocessor, byte[] modelBytes, SparkTabularModel.SparkFitted spark, double halfWidth) {
    String dir = null;
    if (spark != null) {
      dir = base + ".mllib";
      spark.saveTo(Lake.inside(lake.root(), dir));
    }
    byte[] out = new SavedRun(runId, model, features, preprocessor, modelBytes, halfWidth, dir).bytes();
    lake.writeBytes(base + ".model", out);
    return out;
  }

  /** Predictions for raw feature rows (NaN = missing) of a model saved as bytes. */
  public double[] predict(double[][] rawX) {
    return predict(null, rawX);
  }

  /**
   * Predictions for raw feature rows (NaN = missing), through the saved preprocessor and model; {@code lake} (where
   * the run's directory is) is needed for a model saved as a directory.
   */
  public double[] predict(Lake lake, double[][] rawX) {
    TabularModel m = Registry.load(TabularModel.class, TabularModel::name, "model").get(model);
    TabularModel.Fitted fitted;
    if (modelDir == null) {
      fitted = m.load(modelBytes);
    } else if (lake == null || !(m instanceof SparkTabularModel s)) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "run " + runId + "'s " + model + " model is the "
          + "directory " + modelDir + (lake == null ? ", which needs the lake to load" : ", but " + model
          + " is not a Spark MLlib model"));
    } else {
      fitted = s.load(Lake.inside(lake.root(), modelDir));
    }
    return fitted.predict(preprocessor == null ? rawX : preprocessor.transform(rawX));
  }
}
