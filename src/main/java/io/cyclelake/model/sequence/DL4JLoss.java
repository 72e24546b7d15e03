package io.cyclelake.model.sequence;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * {@link Losses} as a DL4J loss function for a one-output regression layer. Labels carry three columns: target,
 * cycle number and cell (as a number); only the first is a target, the other two feed the {@code physics} penalty.
 * The optional mask has one column (per-example weight).
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

  /** Per-example loss and gradient with respect to the layer's pre-activation. */
  private Pair<double[], INDArray> eval(INDArray labels, INDArray preOutput, IActivation act, INDArray mask) {
    INDArray out = act.getActivation(preOutput.dup(), true);
    int n = (int) out.size(0);
    if (out.size(1) != 1 || labels.size(1) < 1) {
      throw new IllegalStateException("DL4JLoss needs one output column, got " + out.size(1));
    }
    double[] p = out.reshape(n).toDoubleVector();
    double[] y = labels.getColumn(0).reshape(n).toDoubleVector();
    double[] cyc = labels.size(1) >= 3 ? labels.getColumn(1).reshape(n).toDoubleVector() : new double[n];
    double[] grp = labels.size(1) >= 3 ? labels.getColumn(2).reshape(n).toDoubleVector() : new double[n];
    double[] l = new double[n];
    double[] g = new double[n];
    Losses.compute(spec(), p, y, cyc, grp, l, g);
    if (mask != null) {
      double[] w = mask.reshape(n).toDoubleVector();
      for (int i = 0; i < n; i++) {
        l[i] *= w[i];
        g[i] *= w[i];
      }
    }
    INDArray dLdOut = Nd4j.create(g, new long[] {n, 1}).castTo(preOutput.dataType());
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
