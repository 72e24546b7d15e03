package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.internal.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lstm model on tiny synthetic sequences (label = a function of the valid steps), CPU backend. */
class LstmModelTest {
  static Config params(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference().getConfig("cyclelake.model.lstm"));
  }

  /** n sequences, 2 channels, 10 steps, lengths 6..10; y = 0.8 + 0.1 * mean of channel 0 over the valid steps. */
  static SequenceBatch data(int n, long seed) {
    Random r = new Random(seed);
    double[][][] x = new double[n][2][10];
    int[] len = new int[n];
    double[] y = new double[n];
    String[] cell = new String[n];
    int[] cycle = new int[n];
    for (int i = 0; i < n; i++) {
      len[i] = 6 + r.nextInt(5);
      double level = r.nextGaussian();
      double s = 0;
      for (int t = 0; t < len[i]; t++) {
        x[i][0][t] = level + 0.3 * r.nextGaussian();
        x[i][1][t] = (double) t / 10;
        s += x[i][0][t];
      }
      y[i] = 0.8 + 0.1 * s / len[i];
      cell[i] = "C" + (i % 2);
      cycle[i] = i;
    }
    return new SequenceBatch(x, len, y, cell, cycle);
  }

  static double mse(double[] a, double[] p) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (a[i] - p[i]) * (a[i] - p[i]);
    return s / a.length;
  }

  static double variance(double[] a) {
    double m = 0;
    for (double v : a) m += v;
    m /= a.length;
    double s = 0;
    for (double v : a) s += (v - m) * (v - m);
    return s / a.length;
  }

  @Test
  void learnsReproduciblySavesAndIgnoresPadding() {
    SequenceModel lstm = Registry.load(SequenceModel.class, SequenceModel::name, "sequence model").get("lstm");
    SequenceBatch train = data(64, 1);
    SequenceBatch test = data(32, 2);
    Config p = params("units = 12, epochs = 25, batch-size = 16, learning-rate = 0.01, dropout = 0.1");
    List<String> lines = new ArrayList<>();
    SequenceModel.Fitted a = lstm.fit(train, test, p, 7, lines::add);
    double[] pa = a.predict(test);
    assertEquals(25, lines.size(), "one progress line per epoch");
    assertTrue(mse(test.y(), pa) < 0.3 * variance(test.y()),
        "test MSE " + mse(test.y(), pa) + " should be well below the label variance " + variance(test.y()));
    var h = a.history();
    assertTrue(h.get(h.size() - 1).trainLoss() < h.get(0).trainLoss() / 2, "training loss falls: " + h);

    SequenceModel.Fitted b = lstm.fit(train, test, p, 7, s -> {});
    assertArrayEquals(pa, b.predict(test), "same seed, same predictions");

    SequenceModel.Fitted loaded = lstm.load(a.save());
    assertArrayEquals(pa, loaded.predict(test), 1e-7);
    assertEquals(a.describe(), loaded.describe());

    double[][][] noisyPadding = new double[test.size()][][];
    for (int i = 0; i < test.size(); i++) {
      noisyPadding[i] = new double[2][10];
      for (int c = 0; c < 2; c++) {
        for (int t = 0; t < 10; t++) noisyPadding[i][c][t] = t < test.length()[i] ? test.x()[i][c][t] : 50.0;
      }
    }
    SequenceBatch padded = new SequenceBatch(noisyPadding, test.length(), test.y(), test.cell(), test.cycle());
    assertArrayEquals(pa, a.predict(padded), 1e-6, "padded steps are masked out");
  }

  @Test
  void earlyStoppingRestoresTheBestEpochAndPhysicsLossTrains() {
    SequenceModel lstm = new LstmModel();
    SequenceBatch train = data(32, 3);
    SequenceBatch val = data(16, 4);
    Config p = params("units = 6, epochs = 60, batch-size = 16, learning-rate = 0.05, patience = 3, "
        + "loss = physics, physics-weight = 0.5, optimizer = adamw, weight-decay = 0.01, clip-norm = 1.0, "
        + "lr-decay-per-epoch = 0.97");
    SequenceModel.Fitted f = lstm.fit(train, val, p, 11, s -> {});
    var h = f.history();
    double best = h.stream().mapToDouble(SequenceModel.EpochStats::validationLoss).min().orElseThrow();
    int bestEpoch = h.stream().filter(e -> e.validationLoss() == best).findFirst().orElseThrow().epoch();
    assertTrue(h.size() < 60 ? h.size() == bestEpoch + 3 : true, "stops 3 epochs after the best: " + h.size());
    assertTrue(f.describe().contains("weights of epoch " + bestEpoch), f.describe());
    // the restored weights give the best epoch's validation loss
    var net = ((Dl4jSequenceModel.Dl4jFitted) f).net;
    double restored = Trainer.score(net, SequenceTensors.dataSet(val, SequenceTensors.all(val.size())));
    assertEquals(best, restored, 1e-4 * Math.max(1, best));
  }
}
