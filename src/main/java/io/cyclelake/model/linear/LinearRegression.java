package io.cyclelake.model.linear;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;

/** `linear` on standardised inputs (see {@link LinearFit}); the validation set is not used. */
public final class LinearRegression implements TabularModel {
  @Override
  public String name() {
    return "linear";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    int d = x.length == 0 ? 0 : x[0].length;
    // A ridge of 1e-9 × the diagonal of XᵀX (n − 1 on standardised inputs) guards the factorisation against
    // round-off and exactly collinear features (cycle_index and cycle_number), whose weight it then shares.
    double jitter = 1e-9 * Math.max(1, x.length - 1);
    return LinearFit.ridge("linear", x, y, d == 0 ? 0 : jitter, "ordinary least squares");
  }

  @Override
  public Fitted load(byte[] saved) {
    return Serialized.read(saved, LinearFit.class, "linear");
  }
}
