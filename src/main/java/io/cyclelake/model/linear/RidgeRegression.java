package io.cyclelake.model.linear;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;

/** `ridge` on standardised inputs (see {@link LinearFit}); the validation set is not used. */
public final class RidgeRegression implements TabularModel {
  @Override
  public String name() {
    return "ridge";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    double alpha = p.getDouble("alpha");
    if (alpha < 0) throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.ridge.alpha must be >= 0, got " + alpha);
    return LinearFit.ridge("ridge", x, y, alpha, "alpha=" + alpha);
  }

  @Override
  public Fitted load(byte[] saved) {
    return Serialized.read(saved, LinearFit.class, "ridge");
  }
}
