package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.internal.Registry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** acla on tiny generated sequences: shapes, gradients through the ODE layer, training, seeds, attention, errors. */
class AclaModelTest {
  static final SequenceModel ACLA = Registry.load(SequenceModel.class, SequenceModel::name, "sequence model")
      .get("acla");

  static Config params(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference().getConfig("cyclelake.model.acla"));
  }

  /** Small network settings for the tests. */
  static final String TINY = "conv-filters = 4, conv-kernel = 3, units = 6, heads = 2, head-size = 3, "
      + "latent-dim = 3, augment-dim = 2, ode-hidden = 5, ode-steps = 2, horizons = [0, 2], dropout = 0.0, "
      + "batch-size = 8, patience = 0";

  /**
   * Two cells of n/2 discharges each, 2 channels × 8 steps (lengths 5..8): each cell's label falls linearly with its
   * discharge number, and channel 0 carries the label (plus noise), so output 0 (the label) and output 1 (the label
   * two discharges later, 0.02 lower) are both known functions of the curve.
   */
  static SequenceBatch fleet(int n, long seed) {
    Random r = new Random(seed);
    double[][][] x = new double[n][2][8];
    int[] len = new int[n];
    double[] y = new double[n];
    String[] cell = new String[n];
    int[] cycle = new int[n];
    for (int i = 0; i < n; i++) {
      int pos = i / 2;
      cell[i] = "C" + (i % 2);
      cycle[i] = 2 * pos + 1;
      y[i] = 1.0 - 0.01 * pos - 0.05 * (i % 2);
      len[i] = 5 + r.nextInt(4);
      for (int t = 0; t < len[i]; t++) {
        x[i][0][t] = 10 * (y[i] - 0.85) + 0.05 * r.nextGaussian();
        x[i][1][t] = (double) t / 8;
      }
    }
    return new SequenceBatch(x, len, y, cell, cycle);
  }

  @Test
  void outputsAttentionSeedsAndSaveLoad() {
    SequenceBatch b = fleet(16, 1);
    Config p = params(TINY + ", epochs = 2");
    AclaModel.Fitted f = (AclaModel.Fitted) ACLA.fit(b, null, p, 5, s -> {});
    assertEquals(2, f.history().size());
    assertArrayEquals(new int[] {0, 2}, f.horizons());
    double[][] out = f.predictOutputs(b);
    assertEquals(16, out.length);
    double[] primary = f.predict(b);
    for (int i = 0; i < 16; i++) {
      assertEquals(2, out[i].length, "one column per output");
      assertEquals(out[i][0], primary[i], "predict = output 0");
      assertTrue(Double.isFinite(out[i][1]));
    }
    // attention weights behind a prediction: [heads][steps][steps], each valid query row a distribution over the
    // valid steps
    int row = 0;
    while (b.length()[row] == 8) row++;
    int len = b.length()[row];
    double[][][] w = f.attention(b, row);
    assertEquals(2, w.length);
    for (double[][] head : w) {
      assertEquals(8, head.length);
      for (int q = 0; q < 8; q++) {
        double sum = 0;
        for (int k = 0; k < 8; k++) {
          if (k >= len) assertEquals(0.0, head[q][k], "padded key step " + k);
          sum += head[q][k];
        }
        assertEquals(q < len ? 1.0 : 0.0, sum, 1e-9);
      }
    }
    // same seed, same network; another seed, another one
    AclaModel.Fitted again = (AclaModel.Fitted) ACLA.fit(b, null, p, 5, s -> {});
    assertArrayEquals(primary, again.predict(b));
    double[] other = ACLA.fit(b, null, p, 6, s -> {}).predict(b);
    assertTrue(!java.util.Arrays.equals(primary, other), "another seed gives other weights");
    // saved and loaded: the same outputs
    AclaModel.Fitted loaded = (AclaModel.Fitted) ACLA.load(f.save());
    assertArrayEquals(new int[] {0, 2}, loaded.horizons());
    for (int i = 0; i < 16; i++) assertArrayEquals(out[i], loaded.predictOutputs(b)[i], 1e-12);
  }

  /** Central finite differences of a scalar function of one array's entries, each perturbed in place by h. */
  static double[] finiteDifferences(INDArray a, java.util.function.DoubleSupplier f, double h) {
    double[] out = new double[(int) a.length()];
    for (int i = 0; i < out.length; i++) {
      double v = a.getDouble(i);
      a.putScalar(i, v + h);
      double up = f.getAsDouble();
      a.putScalar(i, v - h);
      double down = f.getAsDouble();
      a.putScalar(i, v);
      out[i] = (up - down) / (2 * h);
    }
    return out;
  }

  /**
   * The ODE layer's SameDiff graph (augmentation, every unrolled Euler/RK4 stage, the heads) with a masked squared
   * error as loss: SameDiff's gradient of every parameter and of the input z0 against central differences (h = 1e-6,
   * double precision), as NeuralOdeTest does for the latent ODE.
   */
  @Test
  void theOdeGraphsGradientMatchesFiniteDifferences() {
    for (String solver : new String[] {"euler", "rk4"}) {
      AugmentedOdeLayer layer = new AugmentedOdeLayer(2, 1, 3, solver, 3, new int[] {0, 1, 3});
      SDLayerParams shapes = new SDLayerParams();
      layer.defineParameters(shapes);
      Random r = new Random(5);
      SameDiff sd = SameDiff.create();
      Map<String, SDVariable> vars = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : shapes.getParamShapes().entrySet()) {
        long[] shape = e.getValue();
        double[] v = new double[(int) (shape[0] * shape[1])];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble() - 0.5;
        vars.put(e.getKey(), sd.var(e.getKey(), Nd4j.create(v, shape, 'c')));
      }
      double[][] z0 = new double[4][2];
      double[][] y = new double[4][3];
      double[][] mask = new double[4][3];
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 2; j++) z0[i][j] = r.nextGaussian();
        for (int k = 0; k < 3; k++) {
          y[i][k] = r.nextGaussian();
          mask[i][k] = i == 3 && k == 2 ? 0 : 1;  // one output without a target
        }
      }
      SDVariable in = sd.var("z0", Nd4j.createFromArray(z0));
      SDVariable out = layer.defineLayer(sd, in, vars, null);
      assertArrayEquals(new long[] {4, 3}, out.eval().shape(), "one column per output");
      SDVariable loss = out.squaredDifference(sd.constant(Nd4j.createFromArray(y)))
          .mul(sd.constant(Nd4j.createFromArray(mask))).sum().div("loss", 4);
      sd.setLossVariables(loss);
      List<String> names = new java.util.ArrayList<>(vars.keySet());
      names.add("z0");
      Map<String, INDArray> grad = sd.calculateGradients(new java.util.HashMap<>(), names);
      double worst = 0;
      for (String name : names) {
        INDArray arr = sd.getArrForVarName(name);
        double[] fd = finiteDifferences(arr, () -> sd.output(new java.util.HashMap<>(), "loss").get("loss")
            .getDouble(0), 1e-6);
        double[] g = grad.get(name).dup('c').reshape(arr.length()).toDoubleVector();
        for (int i = 0; i < fd.length; i++) {
          double rel = Math.abs(g[i] - fd[i]) / Math.max(1e-6, Math.abs(g[i]) + Math.abs(fd[i]));
          worst = Math.max(worst, rel);
          assertTrue(rel < 1e-6, solver + " " + name + "[" + i + "]: graph gradient " + g[i] + ", finite "
              + "difference " + fd[i]);
        }
      }
      System.out.printf(java.util.Locale.ROOT, "acla ODE graph (%s): worst relative gradient error %.2g%n", solver,
          worst);
    }
  }

  /**
   * The whole network (convolution, LSTM, attention, dense, the ODE layer, the several-output loss with a masked
   * output) in double precision: within each layer, the gradient DL4J's backpropagation gives is the central
   * finite-difference gradient of the score times one positive constant for every parameter checked. The constants
   * are not 1 (measured: 2 for the ODE layer and the dense layer under it, 4 for attention, LSTM and convolution):
   * DL4J 1.0.0-M2.1's SameDiff-based layers (the ODE layer, DL4J's SelfAttentionLayer) double the gradients; Adam's
   * per-parameter step does not depend on a constant scale (apart from its ε), see the README.
   */
  @Test
  void theNetworksGradientHasTheFiniteDifferenceDirection() {
    DataType dt = Nd4j.dataType();
    DataType floatType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      SequenceBatch b = fleet(6, 2);
      Config p = params("conv-filters = 2, conv-kernel = 3, units = 3, heads = 1, head-size = 2, latent-dim = 2, "
          + "augment-dim = 1, ode-hidden = 3, ode-steps = 3, horizons = [0, 1, 3], dropout = 0.0, solver = rk4");
      NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
          .weightInit(WeightInit.XAVIER).updater(new NoOp());
      MultiLayerNetwork net = new MultiLayerNetwork(new AclaModel().configure(base, 2, 8, p, TrainSettings.of(p)));
      net.init();
      DataSet ds = SequenceTensors.dataSet(b, SequenceTensors.all(6), Horizons.targets(b, new int[] {0, 1, 3}));
      assertEquals(0.0, ds.getLabelsMaskArray().getDouble(5, 2), "a masked output");
      DataSet d = new DataSet(ds.getFeatures().castTo(DataType.DOUBLE), ds.getLabels().castTo(DataType.DOUBLE),
          ds.getFeaturesMaskArray().castTo(DataType.DOUBLE), ds.getLabelsMaskArray().castTo(DataType.DOUBLE));
      net.setInput(d.getFeatures());
      net.setLabels(d.getLabels());
      net.setLayerMaskArrays(d.getFeaturesMaskArray(), d.getLabelsMaskArray());
      net.computeGradientAndScore();
      double[] g = net.gradient().gradient().dup().toDoubleVector();
      INDArray params = net.params();
      double[] fd = finiteDifferences(params, () -> net.score(d, false), 1e-6);
      // layer of each flat parameter (paramTable keys "layer_param" in the order of the flat vector)
      String[] layerOf = new String[g.length];
      int offset = 0;
      for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
        for (int i = 0; i < e.getValue().length(); i++) layerOf[offset + i] = e.getKey().split("_")[0];
        offset += (int) e.getValue().length();
      }
      assertEquals(g.length, offset);
      Map<String, Double> ratio = new java.util.TreeMap<>();
      int checked = 0;
      for (int i = 0; i < g.length; i++) {
        if (Math.abs(fd[i]) < 1e-5) continue;  // too small for a stable ratio
        double q = g[i] / 6 / fd[i];  // DL4J's gradient is summed over the 6 examples, the score averaged
        double r0 = ratio.computeIfAbsent(layerOf[i], k -> q);
        assertEquals(r0, q, 1e-5 * Math.abs(r0), "parameter " + i + " of " + g.length + " (layer " + layerOf[i]
            + "): gradient " + g[i] / 6 + ", finite difference " + fd[i]);
        checked++;
      }
      assertTrue(checked > g.length / 2, checked + " of " + g.length + " parameters checked");
      for (double r : ratio.values()) assertTrue(r > 0, "same direction: " + ratio);
      System.out.printf(java.util.Locale.ROOT, "acla network: %d of %d parameters checked, gradient / finite "
          + "difference per layer: %s%n", checked, g.length, ratio);
    } finally {
      Nd4j.setDefaultDataTypes(dt, floatType);
    }
  }

  @Test
  void lossFallsOnTwoKnownOutputs() {
    SequenceBatch b = fleet(40, 3);
    Config p = params(TINY + ", epochs = 30, learning-rate = 0.01");
    AclaModel.Fitted f = (AclaModel.Fitted) ACLA.fit(b, null, p, 11, s -> {});
    var h = f.history();
    assertTrue(h.get(h.size() - 1).trainLoss() < 0.2 * h.get(0).trainLoss(), "training loss should fall by 5 x: "
        + h.get(0).trainLoss() + " -> " + h.get(h.size() - 1).trainLoss());
    double[][] t = Horizons.targets(b, f.horizons());
    double[][] out = f.predictOutputs(b);
    for (int k = 0; k < 2; k++) {
      java.util.List<double[]> pairs = new java.util.ArrayList<>();
      for (int i = 0; i < b.size(); i++) if (!Double.isNaN(t[k][i])) pairs.add(new double[] {t[k][i], out[i][k]});
      double[] a = pairs.stream().mapToDouble(v -> v[0]).toArray();
      double[] q = pairs.stream().mapToDouble(v -> v[1]).toArray();
      double mse = LstmModelTest.mse(a, q);
      double var = LstmModelTest.variance(a);
      assertTrue(mse < 0.25 * var, "output " + k + ": MSE " + mse + " should be well below the targets' variance "
          + var);
    }
  }

  @Test
  void targetsLookAheadWithinEachCell() {
    double[][] t = Horizons.targets(new String[] {"B", "A", "A", "B", "A"}, new int[] {4, 9, 3, 2, 5},
        new double[] {0.4, 0.9, 0.3, 0.2, 0.5}, new int[] {0, 1, 2});
    assertArrayEquals(new double[] {0.4, 0.9, 0.3, 0.2, 0.5}, t[0]);
    assertArrayEquals(new double[] {Double.NaN, Double.NaN, 0.5, 0.4, 0.9}, t[1]);
    assertArrayEquals(new double[] {Double.NaN, Double.NaN, 0.9, Double.NaN, Double.NaN}, t[2]);
  }

  @Test
  void badSettingsAreRefusedWithTheirReason() {
    SequenceBatch b = fleet(8, 4);
    CycleLakeException e = assertThrows(CycleLakeException.class,
        () -> ACLA.fit(b, null, params(TINY + ", solver = dopri5"), 1, s -> {}));
    assertTrue(e.getMessage().contains("use euler or rk4"), e.getMessage());
    e = assertThrows(CycleLakeException.class,
        () -> ACLA.fit(b, null, params(TINY + ", horizons = [5, 10]"), 1, s -> {}));
    assertTrue(e.getMessage().contains("must start with 0"), e.getMessage());
    e = assertThrows(CycleLakeException.class,
        () -> ACLA.fit(b, null, params(TINY + ", horizons = [0, 4, 4]"), 1, s -> {}));
    assertTrue(e.getMessage().contains("strictly ascending"), e.getMessage());
  }
}
