package io.cyclelake.model;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;

/**
 * A {@link TabularModel} whose fit is a distributed Spark job (Spark MLlib): it needs the driver's active
 * SparkSession, so it is fitted on the driver, never inside a Spark task. A sweep runs such specs from the driver, one
 * distributed fit after another, while the plain-Java specs run one task each ({@link TabularModel#fitsWithSpark()}).
 * The fitted model predicts locally on arrays and is saved as a directory with MLlib's own writer
 * ({@link SparkFitted#saveTo}), not as bytes.
 */
public interface SparkTabularModel extends TabularModel {
  @Override
  default boolean fitsWithSpark() {
    return true;
  }

  /** As {@link TabularModel#fit}, as a Spark job over the rows; call it on the driver. */
  @Override
  SparkFitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config params, long seed);

  /** Reads the model {@link SparkFitted#saveTo} wrote at {@code path} (a Hadoop path); needs the active session. */
  SparkFitted load(String path);

  /** Always an error: these models are saved as directories ({@link #load(String)}). */
  @Override
  default Fitted load(byte[] saved) {
    throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, name() + " models are saved as MLlib directories "
        + "(model.write().save), not as bytes; load them with their directory");
  }

  /** A model fitted by Spark: predicts on the driver's arrays without a Spark job. */
  interface SparkFitted extends Fitted {
    /** Writes the model at {@code path} (a Hadoop path: local, HDFS, S3 ...), replacing what is there. */
    void saveTo(String path);

    /** Always an error: {@link #saveTo} saves these models. */
    @Override
    default byte[] save() {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, describe() + " is a Spark MLlib model, saved as a "
          + "directory by model.write().save(path), not as bytes; it can be used where models are saved per run "
          + "(sweep, train), not where a model is embedded as bytes");
    }
  }
}
