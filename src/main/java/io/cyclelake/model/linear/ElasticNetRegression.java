package io.cyclelake.model.linear;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;

/** `elasticnet` on standardised inputs (see {@link LinearFit}); the validation set is not used. */
public final class ElasticNetRegression implements TabularModel {
  @Override
  public String name() {
    return "elasticnet";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    double alpha = p.getDouble("alpha");
    double l1 = p.getDouble("l1-ratio");
    if (alpha < 0 || l1 < 0 || l1 > 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.elasticnet needs alpha >= 0 and 0 <= l1-ratio <= 1;"
          + " got " + alpha + " and " + l1);
    }
    return LinearFit.elasticNet(x, y, alpha, l1, p.getInt("max-iter"), p.getDouble("tolerance"));
  }

  @Override
  public Fitted load(byte[] saved) {
    return Serialized.read(saved, LinearFit.class, "elasticnet");
  }
}
