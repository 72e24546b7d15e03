package io.cyclelake.model.baseline;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;
import java.io.Serializable;
import java.util.Locale;

/**
 * `dummy`: predicts the mean of the training labels for every row, whatever its features (scikit-learn's
 * {@code DummyRegressor(strategy="mean")}). The baseline of every results table: a model that does not beat it has
 * learned nothing from the features. Validation rows are not used.
 */
public final class DummyRegression implements TabularModel {
  @Override
  public String name() {
    return "dummy";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config params, long seed) {
    if (y.length == 0) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "dummy: no training rows to take the mean of");
    }
    double s = 0;
    for (double v : y) s += v;
    return new Mean(s / y.length, y.length, x.length == 0 ? 0 : x[0].length);
  }

  @Override
  public Fitted load(byte[] saved) {
    return Serialized.read(saved, Mean.class, "dummy");
  }

  /** The fitted constant. */
  public record Mean(double mean, int trainingRows, int features) implements Fitted, Serializable {
    @Override
    public double[] predict(double[][] x) {
      double[] out = new double[x.length];
      java.util.Arrays.fill(out, mean);
      return out;
    }

    @Override
    public byte[] save() {
      return Serialized.bytes(this);
    }

    @Override
    public String describe() {
      String m = Double.isFinite(mean) ? new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", mean))
          .stripTrailingZeros().toPlainString() : Double.toString(mean);
      return "dummy: predicts the training mean " + m + " of " + trainingRows + " rows (features not used)";
    }

    /** All zero: no feature is used. */
    @Override
    public double[] importance() {
      return new double[features];
    }

    @Override
    public String importanceKind() {
      return "none";
    }
  }
}
