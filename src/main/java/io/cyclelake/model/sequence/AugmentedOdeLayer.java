package io.cyclelake.model.sequence;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.ode.RungeKuttaGraph;
import io.cyclelake.model.ode.SameDiffQuiet;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The augmented neural ODE of {@code acla} as a DL4J layer defined in SameDiff (gradients through every solver
 * stage): the input latent state {@code z0} ({@code latent} values) is augmented with {@code augment} zeros
 * (Dupont et al. 2019, "Augmented Neural ODEs"), integrated with {@code dz/ds = f(z) = tanh(z W1 + b1) W2 + b2} by
 * fixed-step Euler or RK4 ({@link RungeKuttaGraph}, the tableau the latent neural ODE uses) over s ∈ [0, 1], and
 * read out at the output times {@code s_k = horizons[k] / max(horizons)} by one linear head per output:
 * {@code out_k = z(s_k) · H[:, k] + c_k}. Between consecutive output times it takes
 * {@code max(1, ceil(steps · (s_k − s_{k−1})))} equal steps ({@code steps} over the whole horizon). Output k
 * predicts the label {@code horizons[k]} labelled discharges ahead ({@link Horizons}); horizon 0 reads {@code z0}
 * itself. The steps are fixed when the graph is built, so dopri5's adaptive steps are not offered here.
 */
public final class AugmentedOdeLayer extends SameDiffLayer {
  private static final long serialVersionUID = 1L;

  @JsonProperty private int latent;
  @JsonProperty private int augment;
  @JsonProperty private int hidden;
  @JsonProperty private String solver;
  @JsonProperty private int steps;
  @JsonProperty private int[] horizons;

  /** For DL4J's JSON configuration. */
  public AugmentedOdeLayer() {}

  /**
   * @param horizons output horizons in labelled discharges, ascending, the first 0
   * @throws CycleLakeException CONFIG_INVALID for a bad setting, UNKNOWN_NAME for a solver other than euler, rk4
   */
  public AugmentedOdeLayer(int latent, int augment, int hidden, String solver, int steps, int[] horizons) {
    if (latent < 1 || augment < 0 || hidden < 1 || steps < 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.acla needs latent-dim, ode-hidden and ode-steps "
          + ">= 1 and augment-dim >= 0; got latent-dim = " + latent + ", augment-dim = " + augment + ", ode-hidden = "
          + hidden + ", ode-steps = " + steps);
    }
    if (solver.equals("dopri5")) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.acla.solver = dopri5 is not available: acla's "
          + "ODE is a layer of a DL4J network whose graph, and so its number of steps, is fixed when the network is "
          + "built, while dopri5 chooses its steps per forward pass (neural-ode does that); use euler or rk4");
    }
    if (!solver.equals("euler") && !solver.equals("rk4")) {
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no acla solver named '" + solver
          + "'; known solvers: euler, rk4");
    }
    if (horizons.length < 1 || horizons[0] != 0) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.acla.horizons must start with 0 (the label "
          + "itself, the sweep's primary output), got " + Arrays.toString(horizons));
    }
    for (int k = 1; k < horizons.length; k++) {
      if (horizons[k] <= horizons[k - 1]) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "model.acla.horizons must be strictly ascending "
            + "(discharges ahead), got " + Arrays.toString(horizons));
      }
    }
    this.latent = latent;
    this.augment = augment;
    this.hidden = hidden;
    this.solver = solver;
    this.steps = steps;
    this.horizons = horizons.clone();
  }

  public int[] horizons() {
    return horizons.clone();
  }

  /** Solver steps taken from output time k−1 to output time k (k ≥ 1). */
  int stepsBefore(int k) {
    double span = (double) (horizons[k] - horizons[k - 1]) / horizons[horizons.length - 1];
    return Math.max(1, (int) Math.ceil(steps * span - 1e-9));
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (inputType.getType() != InputType.Type.FF || ((InputType.InputTypeFeedForward) inputType).getSize() != latent) {
      throw new IllegalStateException("AugmentedOdeLayer needs a feed-forward input of " + latent + " values, got "
          + inputType);
    }
    return InputType.feedForward(horizons.length);
  }

  /** Parameter names carry no underscore: DL4J's updater splits "layer_param" keys at the last one. */
  @Override
  public void defineParameters(SDLayerParams p) {
    int d = latent + augment;
    p.addWeightParam("fW1", d, hidden);
    p.addBiasParam("fB1", 1, hidden);
    p.addWeightParam("fW2", hidden, d);
    p.addBiasParam("fB2", 1, d);
    p.addWeightParam("headW", d, horizons.length);
    p.addBiasParam("headB", 1, horizons.length);
  }

  /** Glorot-uniform weights (the dynamics' output 10 x smaller: a gentle initial flow) and zero biases. */
  @Override
  public void initializeParameters(Map<String, INDArray> params) {
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      INDArray a = e.getValue();
      if (e.getKey().endsWith("B1") || e.getKey().endsWith("B2") || e.getKey().equals("headB")) {
        a.assign(0);
        continue;
      }
      double gain = e.getKey().equals("fW2") ? 0.1 : 1;
      double bound = gain * Math.sqrt(6.0 / (a.size(0) + a.size(1)));
      a.assign(Nd4j.rand(a.dataType(), a.shape()).muli(2 * bound).subi(bound));
    }
  }

  @Override
  public SDVariable defineLayer(SameDiff sd, SDVariable in, Map<String, SDVariable> p, SDVariable mask) {
    SameDiffQuiet.install();
    int d = latent + augment;
    SDVariable z = in;
    if (augment > 0) {
      // [z0, 0]: the input times [I | 0]
      INDArray pad = Nd4j.zeros(in.dataType(), latent, d);
      for (int i = 0; i < latent; i++) pad.putScalar(i, i, 1);
      z = in.mmul(sd.constant("augment", pad));
    }
    RungeKuttaGraph rk = RungeKuttaGraph.of(solver);
    UnaryOperator<SDVariable> f = zi -> sd.math.tanh(zi.mmul(p.get("fW1")).add(p.get("fB1")))
        .mmul(p.get("fW2")).add(p.get("fB2"));
    // out = Σ_k (z(s_k) H + c) E_k with E_k = diag(e_k) keeping column k: matrix products and sums only (no slices
    // of the parameters, no concatenation, no broadcast product)
    int nk = horizons.length;
    SDVariable out = null;
    for (int k = 0; k < nk; k++) {
      if (k > 0) {
        int n = stepsBefore(k);
        double h = (double) (horizons[k] - horizons[k - 1]) / horizons[nk - 1] / n;
        for (int j = 0; j < n; j++) z = rk.step(z, f, x -> x.mul(h));
      }
      SDVariable heads = z.mmul(p.get("headW")).add(p.get("headB"));
      if (nk == 1) return heads;
      INDArray e = Nd4j.zeros(in.dataType(), nk, nk);
      e.putScalar(k, k, 1);
      SDVariable term = heads.mmul(sd.constant("output" + k, e));
      out = out == null ? term : out.add(term);
    }
    return out;
  }

  @Override
  public String toString() {
    return "AugmentedOdeLayer(latent " + latent + " + " + augment + " zeros, hidden " + hidden + ", " + solver + " "
        + steps + " steps, horizons " + Arrays.toString(horizons) + ")";
  }
}
