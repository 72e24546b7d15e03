package io.cyclelake.model.tree;

import io.cyclelake.model.Serialized;
import io.cyclelake.model.TabularModel;
import java.io.Serializable;
import java.util.List;

/**
 * A fitted sum of trees: prediction = base + weight · Σ tree(x) (random forest: base 0, weight 1/T; boosting: base
 * ȳ, weight = step size). Importance is the split gain per feature normalised to sum 1, as MLlib reports it.
 */
public record TreeEnsemble(String model, double base, double weight, List<RegressionTree> trees, double[] gain,
    String detail) implements TabularModel.Fitted, Serializable {

  @Override
  public double[] predict(double[][] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double s = 0;
      for (RegressionTree t : trees) s += t.predict(x[i]);
      out[i] = base + weight * s;
    }
    return out;
  }

  @Override
  public byte[] save() {
    return Serialized.bytes(this);
  }

  @Override
  public String describe() {
    int nodes = 0;
    for (RegressionTree t : trees) nodes += t.nodes();
    return model + ": " + trees.size() + " trees, " + nodes + " nodes, " + detail;
  }

  @Override
  public double[] importance() {
    double total = 0;
    for (double g : gain) total += g;
    double[] out = new double[gain.length];
    for (int j = 0; j < out.length; j++) out[j] = total > 0 ? gain[j] / total : 0;
    return out;
  }

  @Override
  public String importanceKind() {
    return "impurity";
  }
}
