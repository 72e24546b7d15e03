package io.cyclelake.model.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.internal.Registry;
import io.cyclelake.model.TabularModel;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

class NeuralOdeTest {
  static Config defaults() {
    return ConfigFactory.defaultReference().getConfig("cyclelake.model.neural-ode");
  }

  static NeuralOdeSettings tiny(String solver) {
    return NeuralOdeSettings.from(ConfigFactory.parseString("latent-dim = 2, hidden = 3, encoder-hidden = 2, "
        + "steps = 3, solver = " + solver + ", dopri5 { rtol = 1e-4, atol = 1e-6, graph-steps = 6 }").withFallback(defaults()));
  }

  /** 4 rows of (time, 2 context features). */
  static double[][] tinyX() {
    return new double[][] {{0.0, 0.3, -1.0}, {0.7, -0.5, 0.2}, {1.5, 1.1, 0.4}, {2.2, 0.0, -0.3}};
  }

  @ParameterizedTest
  @ValueSource(strings = {"euler", "rk4", "dopri5"})
  void graphGradientMatchesCentralFiniteDifferences(String solver) {
    NeuralOdeSettings s = tiny(solver);
    double[][] x = tinyX();
    double[] yStd = {0.9, -0.2, 0.4, -1.1};
    // random weights (not the gentle initial flow) so that every term of the gradient matters
    LatentOdeNet net0 = LatentOdeNet.init(s, 2, 0.0, 0.0, 1.0, 7);
    Random r = new Random(11);
    Map<String, double[]> w = net0.values();
    w.values().forEach(a -> {
      for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian() * 0.8;
    });
    LatentOdeNet net = net0.withParams(w);
    double[][] ctx = net.context(x);
    double[] tau = net.horizon(x);
    double[] h;
    if (solver.equals("dopri5")) {
      h = NeuralOdeTrainer.chooseSteps(net, ctx, tau, s);
      assertTrue(h.length >= 2 && h.length <= s.graphSteps(), "dopri5 steps " + h.length);
      assertEquals(1, Arrays.stream(h).sum(), 1e-12, "the steps cover s in [0, 1]");
    } else {
      h = new double[s.steps()];
      Arrays.fill(h, 1.0 / s.steps());
    }
    LatentOdeGraph g = new LatentOdeGraph(net, h.length);
    Map<String, INDArray> feed = g.feed(ctx, tau, h, yStd);
    LatentOdeGraph.LossAndGradient lg = g.lossAndGradient(feed);
    double eps = 1e-6;
    double worst = 0;
    int checked = 0;
    for (String p : g.paramNames) {
      double[] grad = lg.gradient().get(p);
      for (int i = 0; i < grad.length; i++) {
        Map<String, double[]> plus = net.values();
        Map<String, double[]> minus = net.values();
        plus.get(p)[i] += eps;
        minus.get(p)[i] -= eps;
        g.setParams(plus);
        double lp = g.loss(feed);
        g.setParams(minus);
        double lm = g.loss(feed);
        double numeric = (lp - lm) / (2 * eps);
        double err = Math.abs(numeric - grad[i]) / Math.max(1e-6, Math.max(Math.abs(numeric), Math.abs(grad[i])));
        worst = Math.max(worst, err);
        assertTrue(err < 1e-5, solver + " " + p + "[" + i + "]: graph " + grad[i] + ", finite difference " + numeric);
        checked++;
      }
    }
    g.setParams(net.values());
    System.out.printf("neural-ode %s gradient check: %d parameters, worst relative error %.2e%n", solver, checked,
        worst);
    assertEquals(net.size(), checked);
    // the plain-Java forward pass is the graph's computation: exactly for fixed steps, within the tolerances for
    // dopri5 (per-row step control instead of the batch's common steps)
    double[] graphPred = g.predictStd(feed);
    double[] javaPred = net.predict(x);
    for (int i = 0; i < x.length; i++) {
      assertEquals(graphPred[i], javaPred[i], solver.equals("dopri5") ? 1e-3 : 1e-12, "row " + i);
    }
  }

  @Test
  void fitsAnExponentialDecayTrajectoryAndPredictsAtArbitraryTimes() {
    // SOH(t) = 0.6 + 0.4 exp(-t / 1.5) at 25 cycle times in [0, 3]; the model sees only the time (no context)
    int n = 25;
    double[][] x = new double[n][1];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = 3.0 * i / (n - 1);
      y[i] = 0.6 + 0.4 * Math.exp(-x[i][0] / 1.5);
    }
    Config p = ConfigFactory.parseString("latent-dim = 2, hidden = 8, encoder-hidden = 0, solver = rk4, steps = 4, "
        + "iterations = 150, learning-rate = 0.05").withFallback(defaults());
    long t = System.nanoTime();
    TabularModel model = Registry.load(TabularModel.class, TabularModel::name, "model").get("neural-ode");
    TabularModel.Fitted f = model.fit(x, y, null, null, p, 42);
    double secs = (System.nanoTime() - t) / 1e9;
    double[] pred = f.predict(x);
    double rmse = Math.sqrt(NeuralOdeTrainer.mse(pred, y));
    // between the training times
    double[] mid = {0.1, 1.03, 2.71};
    double[] at = ((NeuralOdeModel.FittedOde) f).net().predictAt(new double[0], mid);
    double midErr = 0;
    for (int k = 0; k < mid.length; k++) midErr = Math.max(midErr, Math.abs(at[k] - (0.6 + 0.4 * Math.exp(-mid[k]
        / 1.5))));
    System.out.printf("neural-ode fit of 0.6 + 0.4 exp(-t/1.5): RMSE %.5f at the 25 training times, max error %.5f "
        + "between them, %.1f s (%s)%n", rmse, midErr, secs, f.describe());
    // the labels span 0.25 (sd 0.07): an RMSE below 0.005 is a fit, not the mean (RMSE 0.07)
    assertTrue(rmse < 0.005, "RMSE " + rmse);
    assertTrue(midErr < 0.01, "between training times " + midErr);

    // saved and loaded: the same predictions; importance: one non-negative value per feature
    TabularModel.Fitted back = model.load(f.save());
    assertArrayEquals(pred, back.predict(x), 0);
    assertEquals(1, f.importance().length);
    assertTrue(f.importance()[0] > 0);
  }

  @Test
  void sameSeedSameModelAndEarlyStoppingRestoresTheBestWeights() {
    double[][] x = tinyX();
    double[] y = {1.0, 0.95, 0.9, 0.8};
    Config p = ConfigFactory.parseString("latent-dim = 2, hidden = 3, encoder-hidden = 2, steps = 2, iterations = 30, "
        + "eval-every = 1, patience = 3, learning-rate = 0.5").withFallback(defaults());
    NeuralOdeModel m = new NeuralOdeModel();
    double[] a = m.fit(x, y, x, y, p, 5).predict(x);
    double[] b = m.fit(x, y, x, y, p, 5).predict(x);
    assertArrayEquals(a, b, 0);
    NeuralOdeTrainer.Result r = NeuralOdeTrainer.fit(x, y, x, y, NeuralOdeSettings.from(p), 5);
    assertTrue(r.bestIteration() <= r.iterations());
    assertEquals(r.validationMse(), NeuralOdeTrainer.mse(r.net().predict(x), y), 1e-15,
        "the returned weights are the best validation weights");
  }

  @Test
  void dopri5TrainingLowersTheLossWithStepsChosenInTheForwardPass() {
    double[][] x = tinyX();
    double[] y = {1.0, 0.95, 0.9, 0.8};
    NeuralOdeSettings s = tiny("dopri5").withIterations(25);
    NeuralOdeTrainer.Result first = NeuralOdeTrainer.fit(x, y, null, null, s.withIterations(1), 3);
    NeuralOdeTrainer.Result r = NeuralOdeTrainer.fit(x, y, null, null, s, 3);
    System.out.println("neural-ode dopri5: " + r.describe());
    assertTrue(r.trainMse() < 0.5 * first.trainMse(), r.trainMse() + " vs " + first.trainMse());
    assertTrue(r.lastGraphSteps() >= 1 && r.graphsBuilt() >= 1);
  }

  @Test
  void badSettingsAreConfigErrors() {
    CycleLakeException e = assertThrows(CycleLakeException.class,
        () -> NeuralOdeSettings.from(ConfigFactory.parseString("solver = midpoint").withFallback(defaults())));
    assertEquals(ErrorCode.CONFIG_INVALID, e.code());
    assertTrue(e.getMessage().contains("model.neural-ode.solver"), e.getMessage());
    NeuralOdeSettings s = tiny("dopri5");
    NeuralOdeSettings few = new NeuralOdeSettings(2, 3, 2, "dopri5", 3, 1e-10, 1e-12, 10000, 2, 10, 0.01, 1, 1, 0);
    LatentOdeNet net = LatentOdeNet.init(s, 2, 0, 0, 1, 3);
    CycleLakeException steps = assertThrows(CycleLakeException.class,
        () -> NeuralOdeTrainer.chooseSteps(net, net.context(tinyX()), net.horizon(tinyX()), few));
    assertTrue(steps.getMessage().contains("graph-steps = 2"), steps.getMessage());
  }
}
