package io.cyclelake.model.tree;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random forest of {@link RegressionTree}s: each tree on a bootstrap sample of {@code subsampling-rate} × n rows,
 * {@code feature-subset} features drawn at every node ({@code onethird}, {@code sqrt}, {@code all} or a fraction, as
 * MLlib's {@code featureSubsetStrategy}). The validation set is not used.
 */
public final class RandomForestRegression implements TabularModel {
  @Override
  public String name() {
    return "random-forest";
  }

  @Override
  public Fitted fit(double[][] x, double[] y, double[][] xVal, double[] yVal, Config p, long seed) {
    int trees = p.getInt("num-trees");
    double rate = p.getDouble("subsampling-rate");
    if (trees < 1 || rate <= 0 || rate > 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.random-forest needs num-trees >= 1 and "
          + "0 < subsampling-rate <= 1; got " + trees + " and " + rate);
    }
    int d = x.length == 0 ? 0 : x[0].length;
    RegressionTree.Settings s = new RegressionTree.Settings(p.getInt("max-depth"), p.getInt("min-instances-per-node"),
        featuresPerNode(p.getString("feature-subset"), d));
    Random rnd = new Random(seed);
    double[] gain = new double[d];
    List<RegressionTree> out = new ArrayList<>(trees);
    int m = Math.max(1, (int) Math.round(rate * x.length));
    for (int t = 0; t < trees; t++) {
      int[] rows = new int[m];
      for (int i = 0; i < m; i++) rows[i] = rnd.nextInt(x.length);
      out.add(RegressionTree.grow(x, y, rows, s, rnd, gain));
    }
    return new TreeEnsemble("random-forest", 0, 1.0 / trees, out, gain, "max-depth " + s.maxDepth() + ", "
        + s.featuresPerNode() + " of " + d + " features per node");
  }

  static int featuresPerNode(String strategy, int d) {
    return switch (strategy) {
      case "all" -> d;
      case "onethird" -> Math.max(1, (int) Math.ceil(d / 3.0));
      case "sqrt" -> Math.max(1, (int) Math.ceil(Math.sqrt(d)));
      default -> {
        double f;
        try {
          f = Double.parseDouble(strategy);
        } catch (NumberFormatException e) {
          f = -1;
        }
        if (!(f > 0 && f <= 1)) {
          throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.random-forest.feature-subset must be all, "
              + "onethird, sqrt or a fraction in (0, 1]; got '" + strategy + "'");
        }
        yield Math.max(1, (int) Math.ceil(f * d));
      }
    };
  }

  @Override
  public Fitted load(byte[] saved) {
    return Serialized.read(saved, TreeEnsemble.class, "random-forest");
  }
}
