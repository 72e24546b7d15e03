package io.cyclelake.model;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;

/**
 * A {@link TabularClassifier} whose fit is a Spark job (Spark MLlib, XGBoost4J-Spark), the classifier counterpart of
 * {@link SparkTabularModel}: fitted on the driver with its active SparkSession, saved as a directory by the library's
 * own writer ({@link SparkFitted#saveTo}) and read back by {@link #load(String)}. The fitted model scores the driver's
 * arrays without a Spark job (a new log, the closed-loop derating evaluation).
 */
public interface SparkTabularClassifier extends TabularClassifier {
  /** As {@link TabularClassifier#fit}, as a Spark job over the rows; call it on the driver. */
  @Override
  SparkFitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config params, long seed);

  /** Reads the model {@link SparkFitted#saveTo} wrote at {@code path} (a Hadoop path); needs the active session. */
  SparkFitted load(String path);

  /** Always an error: these classifiers are saved as directories ({@link #load(String)}). */
  @Override
  default Fitted load(byte[] saved) {
    throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, name() + " classifiers are saved as Spark ML "
        + "directories (model.write().save), not as bytes; load them with their directory");
  }

  /** A classifier fitted by Spark. */
  interface SparkFitted extends Fitted {
    /** Writes the model at {@code path} (a Hadoop path: local, HDFS, S3 ...), replacing what is there. */
    void saveTo(String path);

    /** Always an error: {@link #saveTo} saves these models. */
    @Override
    default byte[] save() {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, describe() + " is a Spark ML model, saved as a "
          + "directory by model.write().save(path), not as bytes");
    }
  }
}
