package io.cyclelake.model.sequence;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * {@link Losses} as a DL4J loss function for a regression layer of K outputs (K = 1 for lstm and lstm-attention).
 * Labels carry K + 2 columns: the K targets, cycle number and cell (as a number); the last two feed the
 * {@code physics} penalty. The optional mask has one column (per-example weight) or K (per example and output).
 */
public final class DL4JLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;

  @JsonProperty private String loss;
  @JsonProperty private double huberDelta;
  @JsonProperty private double physicsWeight;

  public DL4JLoss() {
    this("mse", 1.0, 0.0);
  }

  public DL4JLoss(@JsonProperty("loss") String loss, @JsonProperty("huberDelta") double huberDelta,
      @JsonProperty("physicsWeight") double physicsWeight) {
    this.loss = loss;
    this.huberDelta = huberDelta;
    this.physicsWeight = physicsWeight;
  }

  public static DL4JLoss of(Losses.Spec s) {
    return new DL4JLoss(s.name(), s.huberDelta(), s.physicsWeight());
  }

  private Losses.Spec spec() {
    return new Losses.Spec(loss, huberDelta, physicsWeight);
  }

  /**
   * Per-example loss (summed over the outputs) and gradient with respect to the layer's pre-activation. With K
   * outputs, label columns 0..K−1 are the targets of the outputs, column K the cycle number and K+1 the cell; each
   * output gets the loss of its own column. The mask is {@code [n, 1]} (a weight per example) or {@code [n, K]} (a
   * weight per example and output: 0 where that output has no target).
   */
  private Pair<double[], INDArray> eval(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
    INDArray out = act.getActivation(preOutput.dup(), true);
    int n = (int) out.size(0);
    int k = (int) out.size(1);
    if (k < 1 || labels.size(1) < k) {
      throw new IllegalStateException("DL4JLoss: " + k + " outputs but " + labels.size(1) + " label columns");
    }
    if (mask != null && mask.size(1) != 1 && mask.size(1) != k) {
      throw new IllegalStateException("DL4JLoss: a mask of " + mask.size(1) + " columns for " + k + " outputs");
    }
    boolean context = labels.size(1) >= k + 2;
    double[] cyc = context ? labels.getColumn(k).reshape(n).toDoubleVector() : new double[n];
    double[] grp = context ? labels.getColumn(k + 1).reshape(n).toDoubleVector() : new double[n];
    double[] l = new double[n];
    double[][] g = new double[n][k];
    double[] lj = new double[n];
    double[] gj = new double[n];
    for (int j = 0; j < k; j++) {
      double[] p = out.getColumn(j).reshape(n).toDoubleVector();
      double[] y = labels.getColumn(j).reshape(n).toDoubleVector();
      double[] w = mask == null ? null : mask.getColumn(mask.size(1) == 1 ? 0 : j).reshape(n).toDoubleVector();
      Losses.compute(spec(), p, y, cyc, grp, lj, gj);
      for (int i = 0; i < n; i++) {
        double wi = w == null ? 1 : w[i];
        // a masked entry contributes nothing, even where its placeholder target makes the loss non-finite
        l[i] += wi == 0 ? 0 : lj[i] * wi;
        g[i][j] = wi == 0 ? 0 : gj[i] * wi;
      }
    }
    INDArray dLdOut = Nd4j.create(g).castTo(preOutput.dataType());
    INDArray dLdPre = act.backprop(preOutput.dup(), dLdOut).getFirst();
    return new Pair<>(l, dLdPre);
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation act, INDArray mask, boolean average) {
    double[] l = eval(labels, preOutput, act, mask).getFirst();
    double s = 0;
    for (double v : l) s += v;
    return average ? s / l.length : s;
  }

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
    double[] l = eval(labels, preOutput, act, mask).getFirst();
    return Nd4j.create(l, new long[] {l.length, 1}).castTo(preOutput.dataType());
  }

  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
    return eval(labels, preOutput, act, mask).getSecond();
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation act,
      INDArray mask, boolean average) {
    Pair<double[], INDArray> r = eval(labels, preOutput, act, mask);
    double s = 0;
    for (double v : r.getFirst()) s += v;
    return new Pair<>(average ? s / r.getFirst().length : s, r.getSecond());
  }

  @Override
  public String name() {
    return "cyclelake-" + loss;
  }

  @Override
  public String toString() {
    return name();
  }
}
