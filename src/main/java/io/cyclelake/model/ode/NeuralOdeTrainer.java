package io.cyclelake.model.ode;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.features.kernels.ode.Dopri5;
import io.cyclelake.features.kernels.ode.OdeSystem;
import io.cyclelake.model.TrainingCurve;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Full-batch Adam on the SameDiff graph of {@link LatentOdeGraph}: gradient clipping by global norm, and with a
 * validation part early stopping on the validation MSE (checked every {@code eval-every} iterations, stopping after
 * {@code patience} checks without improvement) with the best weights restored. Labels are standardised with the
 * training mean and standard deviation; the time origin t0 is the earliest training time. Seeded: the same inputs
 * and seed give the same weights on the CPU backend.
 */
public final class NeuralOdeTrainer {
  private NeuralOdeTrainer() {}

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  /**
   * The fitted network and how training went (MSE in label units).
   *
   * @param curve the training MSE of every iteration (full batch, before its update) and the validation MSE of the
   *     evaluated iterations, in label units
   */
  public record Result(LatentOdeNet net, int iterations, int bestIteration, double trainMse, double validationMse,
      int lastGraphSteps, int graphsBuilt, double seconds, TrainingCurve curve) {
    public String describe() {
      return net.settings().describe() + ", " + net.size() + " parameters, " + iterations + " iterations"
          + (Double.isNaN(validationMse) ? "" : " (best at " + bestIteration + ", validation RMSE "
          + String.format("%.4g", Math.sqrt(validationMse)) + ")") + ", train RMSE "
          + String.format("%.4g", Math.sqrt(trainMse)) + (net.settings().solver().equals("dopri5")
          ? ", last forward pass " + lastGraphSteps + " dopri5 steps, " + graphsBuilt + " graphs" : "");
    }
  }

  public static Result fit(double[][] x, double[] y, double[][] xVal, double[] yVal, NeuralOdeSettings s, long seed) {
    long start = System.nanoTime();
    if (x.length == 0) throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "neural-ode: no training rows");
    if (y.length != x.length) throw new IllegalArgumentException(x.length + " rows, " + y.length + " labels");
    int nf = x[0].length;
    if (nf < 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "neural-ode needs the time as its first feature");
    }
    double t0 = Double.POSITIVE_INFINITY;
    double mean = 0;
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(y[i])) throw new IllegalArgumentException("label " + i + " is " + y[i]);
      t0 = Math.min(t0, x[i][0]);
      mean += y[i];
    }
    mean /= y.length;
    double ss = 0;
    for (double v : y) ss += (v - mean) * (v - mean);
    double sd = y.length < 2 ? 0 : Math.sqrt(ss / (y.length - 1));
    if (!(sd > 1e-12)) sd = 1;

    LatentOdeNet net = LatentOdeNet.init(s, nf - 1, t0, mean, sd, seed);
    boolean adaptive = s.solver().equals("dopri5");
    Map<Integer, LatentOdeGraph> graphs = new java.util.HashMap<>();
    LatentOdeGraph graph = adaptive ? null : new LatentOdeGraph(net);
    double[][] ctx = net.context(x);
    double[] tau = net.horizon(x);
    double[] yStd = new double[y.length];
    for (int i = 0; i < y.length; i++) yStd[i] = (y[i] - mean) / sd;
    double[] fixedH = new double[s.steps()];
    Arrays.fill(fixedH, 1.0 / s.steps());
    Map<String, INDArray> feed = adaptive ? null : graph.feed(ctx, tau, fixedH, yStd);

    Map<String, double[]> w = net.values();
    Map<String, double[]> m = new LinkedHashMap<>();
    Map<String, double[]> v = new LinkedHashMap<>();
    w.forEach((k, a) -> {
      m.put(k, new double[a.length]);
      v.put(k, new double[a.length]);
    });
    boolean validate = xVal != null && yVal != null && xVal.length > 0;
    Map<String, double[]> best = null;
    double bestVal = Double.POSITIVE_INFINITY;
    int bestIt = 0;
    int sinceBest = 0;
    int it = 0;
    int lastSteps = s.steps();
    double loss = Double.NaN;
    List<Double> trainCurve = new ArrayList<>();
    List<Double> valCurve = new ArrayList<>();
    while (it < s.iterations()) {
      it++;
      if (adaptive) {
        // one graph per number of accepted steps (few distinct counts in practice), so no step is computed in vain
        double[] h = chooseSteps(net.withParams(w), ctx, tau, s);
        lastSteps = h.length;
        graph = graphs.computeIfAbsent(h.length, k -> new LatentOdeGraph(net, k));
        graph.setParams(w);
        feed = graph.feed(ctx, tau, h, yStd);
      }
      LatentOdeGraph.LossAndGradient lg = graph.lossAndGradient(feed);
      loss = lg.loss();
      if (!Double.isFinite(loss)) {
        throw new IllegalStateException("neural-ode: the training loss is " + loss + " at iteration " + it
            + "; lower model.neural-ode.learning-rate (" + s.learningRate() + ") or clip-norm");
      }
      trainCurve.add(loss * sd * sd); // the graph's loss is the MSE of standardised labels
      valCurve.add(Double.NaN);
      adam(w, lg.gradient(), m, v, it, s);
      graph.setParams(w);
      if (validate && (it % s.evalEvery() == 0 || it == s.iterations())) {
        double val = mse(net.withParams(w).predict(xVal), yVal);
        valCurve.set(it - 1, val);
        if (val < bestVal) {
          bestVal = val;
          bestIt = it;
          best = copy(w);
          sinceBest = 0;
        } else if (s.patience() > 0 && ++sinceBest >= s.patience()) {
          break;
        }
      }
    }
    Map<String, double[]> chosen = best != null ? best : w;
    LatentOdeNet fitted = net.withParams(chosen);
    double trainMse = mse(fitted.predict(x), y);
    int kept = best != null ? bestIt : it;
    return new Result(fitted, it, kept, trainMse, validate ? bestVal : Double.NaN, lastSteps,
        adaptive ? graphs.size() : 1, (System.nanoTime() - start) / 1e9,
        TrainingCurve.of("mse (label units; train before the iteration's update)", trainCurve, valCurve, kept));
  }

  /**
   * The steps (in s) that dopri5 accepts on the whole batch with the current weights: one system of rows × latent
   * states, error norm over all of them.
   *
   * @throws CycleLakeException CONFIG_INVALID when more than {@code dopri5.graph-steps} are needed
   */
  static double[] chooseSteps(LatentOdeNet net, double[][] ctx, double[] tau, NeuralOdeSettings s) {
    int n = tau.length;
    int l = s.latentDim();
    double[] z0 = new double[n * l];
    for (int i = 0; i < n; i++) System.arraycopy(net.encode(ctx[i]), 0, z0, i * l, l);
    OdeSystem batch = new OdeSystem() {
      final double[] zi = new double[l];
      final double[] di = new double[l];

      @Override
      public int dimension() {
        return n * l;
      }

      @Override
      public void derivatives(double t, double[] z, double[] d) {
        for (int i = 0; i < n; i++) {
          System.arraycopy(z, i * l, zi, 0, l);
          net.dynamics(zi, di);
          for (int j = 0; j < l; j++) d[i * l + j] = tau[i] * di[j];
        }
      }
    };
    List<Double> h = new ArrayList<>();
    Dopri5.solve(batch, z0, new double[] {0, 1}, new Dopri5.Settings(s.rtol(), s.atol(), 0,
        Double.POSITIVE_INFINITY, s.maxSteps()), new double[2][n * l], (from, to) -> h.add(to - from));
    if (h.size() > s.graphSteps()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "neural-ode: dopri5 needed " + h.size()
          + " steps at rtol " + s.rtol() + ", atol " + s.atol() + ", more than model.neural-ode.dopri5.graph-steps = "
          + s.graphSteps() + "; raise graph-steps or loosen the tolerances");
    }
    return h.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void adam(Map<String, double[]> w, Map<String, double[]> g, Map<String, double[]> m,
      Map<String, double[]> v, int t, NeuralOdeSettings s) {
    double scale = 1;
    if (s.clipNorm() > 0) {
      double norm = 0;
      for (double[] a : g.values()) for (double x : a) norm += x * x;
      norm = Math.sqrt(norm);
      if (norm > s.clipNorm()) scale = s.clipNorm() / norm;
    }
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = 1 - Math.pow(BETA2, t);
    for (var e : w.entrySet()) {
      double[] p = e.getValue();
      double[] gr = g.get(e.getKey());
      double[] mm = m.get(e.getKey());
      double[] vv = v.get(e.getKey());
      for (int i = 0; i < p.length; i++) {
        double gi = gr[i] * scale;
        mm[i] = BETA1 * mm[i] + (1 - BETA1) * gi;
        vv[i] = BETA2 * vv[i] + (1 - BETA2) * gi * gi;
        p[i] -= s.learningRate() * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + EPS);
      }
    }
  }

  static double mse(double[] p, double[] y) {
    double s = 0;
    for (int i = 0; i < y.length; i++) s += (p[i] - y[i]) * (p[i] - y[i]);
    return s / y.length;
  }

  private static Map<String, double[]> copy(Map<String, double[]> w) {
    Map<String, double[]> c = new LinkedHashMap<>();
    w.forEach((k, a) -> c.put(k, a.clone()));
    return c;
  }
}
