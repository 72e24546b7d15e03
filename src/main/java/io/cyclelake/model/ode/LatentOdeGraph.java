package io.cyclelake.model.ode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The latent ODE of {@link LatentOdeNet} as a SameDiff graph (double precision), with the solver unrolled so that
 * gradients flow through every stage: a fixed number of steps, each an explicit Runge–Kutta step of
 * {@link RungeKuttaGraph} (Euler 1 stage, RK4 4, dopri5 6). The step sizes are placeholders: {@code dt_k}
 * (rows × latent) holds τ_row · h_k, so Euler/RK4 feed h_k = 1/steps and dopri5 feeds the steps its plain-Java
 * solver accepted in a forward pass on the current weights (unused graph steps get h = 0, which leaves z unchanged). With the steps fixed, the graph's gradient is the exact
 * gradient of the discrete solution.
 */
final class LatentOdeGraph {
  final SameDiff sd;
  final int graphSteps;
  final List<String> paramNames;
  private final int latent;

  /** Euler/RK4 with {@code steps} steps, dopri5 with {@code dopri5.graph-steps}. */
  LatentOdeGraph(LatentOdeNet net) {
    this(net, net.settings.solver().equals("dopri5") ? net.settings.graphSteps() : net.settings.steps());
  }

  /** The solver of the net's settings unrolled over {@code steps} steps. */
  LatentOdeGraph(LatentOdeNet net, int steps) {
    SameDiffQuiet.install();
    NeuralOdeSettings s = net.settings;
    this.latent = s.latentDim();
    RungeKuttaGraph rk = RungeKuttaGraph.of(s.solver());
    if (steps < 1) throw new IllegalArgumentException("a graph needs at least one step, got " + steps);
    graphSteps = steps;
    sd = SameDiff.create();
    Map<String, SDVariable> v = new HashMap<>();
    paramNames = new ArrayList<>(net.params.keySet());
    for (LatentOdeNet.Param p : net.params.values()) {
      v.put(p.name(), sd.var(p.name(), Nd4j.create(p.data().clone(), p.shape(), DataType.DOUBLE)));
    }
    int c = Math.max(1, net.nContext);
    SDVariable ctx = sd.placeHolder("ctx", DataType.DOUBLE, -1, c);
    SDVariable y = sd.placeHolder("y", DataType.DOUBLE, -1, 1);
    SDVariable z;
    if (s.encoderHidden() > 0) {
      SDVariable h = sd.math.tanh(sd.nn.biasAdd(ctx.mmul(v.get("enc_w1")), v.get("enc_b1"), true));
      z = sd.nn.biasAdd(h.mmul(v.get("enc_w2")), v.get("enc_b2"), true);
    } else {
      z = sd.nn.biasAdd(ctx.mmul(v.get("enc_w")), v.get("enc_b"), true);
    }
    for (int k = 0; k < graphSteps; k++) {
      SDVariable dt = sd.placeHolder("dt_" + k, DataType.DOUBLE, -1, latent);
      z = rk.step(z, zi -> {
        SDVariable hid = sd.math.tanh(sd.nn.biasAdd(zi.mmul(v.get("f_w1")), v.get("f_b1"), true));
        return sd.nn.biasAdd(hid.mmul(v.get("f_w2")), v.get("f_b2"), true);
      }, dt::mul);
    }
    SDVariable pred = sd.nn.biasAdd("pred", z.mmul(v.get("dec_w")), v.get("dec_b"), true);
    SDVariable loss = pred.squaredDifference(y).mean("loss");
    sd.setLossVariables(loss);
  }

  /**
   * Placeholder values.
   *
   * @param h step sizes in s (at most {@link #graphSteps}; missing ones are 0)
   * @param yStd standardised labels, or null for prediction only
   */
  Map<String, INDArray> feed(double[][] ctx, double[] tau, double[] h, double[] yStd) {
    if (h.length > graphSteps) {
      throw new IllegalArgumentException(h.length + " steps for a graph of " + graphSteps);
    }
    Map<String, INDArray> ph = new LinkedHashMap<>();
    ph.put("ctx", Nd4j.createFromArray(ctx));
    int n = tau.length;
    for (int k = 0; k < graphSteps; k++) {
      double[][] dt = new double[n][latent];
      double hk = k < h.length ? h[k] : 0;
      for (int i = 0; i < n; i++) Arrays.fill(dt[i], tau[i] * hk);
      ph.put("dt_" + k, Nd4j.createFromArray(dt));
    }
    double[][] yy = new double[n][1];
    if (yStd != null) for (int i = 0; i < n; i++) yy[i][0] = yStd[i];
    ph.put("y", Nd4j.createFromArray(yy));
    return ph;
  }

  /** Loss and gradient of every parameter (flattened row-major). */
  record LossAndGradient(double loss, Map<String, double[]> gradient) {}

  LossAndGradient lossAndGradient(Map<String, INDArray> ph) {
    OutAndGrad og = sd.calculateGradientsAndOutputs(ph, List.of("loss"), paramNames);
    Map<String, double[]> g = new LinkedHashMap<>();
    for (String p : paramNames) g.put(p, flat(og.getGradients().get(p)));
    return new LossAndGradient(og.getOutputs().get("loss").getDouble(0), g);
  }

  double loss(Map<String, INDArray> ph) {
    return sd.output(ph, "loss").get("loss").getDouble(0);
  }

  /** The graph's standardised predictions. */
  double[] predictStd(Map<String, INDArray> ph) {
    return flat(sd.output(ph, "pred").get("pred"));
  }

  void setParams(Map<String, double[]> values) {
    for (String p : paramNames) {
      INDArray arr = sd.getArrForVarName(p);
      arr.assign(Nd4j.create(values.get(p), arr.shape(), DataType.DOUBLE));
    }
  }

  private static double[] flat(INDArray a) {
    return a.dup('c').reshape(a.length()).toDoubleVector();
  }
}
