package io.cyclelake.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.cyclelake.internal.Registry;
import io.cyclelake.lake.Lake;
import io.cyclelake.model.TrainingCurve;
import io.cyclelake.model.mlp.MlpModel;
import io.cyclelake.model.sequence.Attention;
import io.cyclelake.model.sequence.Checkpoints;
import io.cyclelake.model.sequence.LstmAttentionModel;
import io.cyclelake.model.sequence.SequenceModel;
import io.cyclelake.model.sequence.SequenceScaler;
import io.cyclelake.model.sequence.SequenceSet;
import io.cyclelake.model.sequence.SequenceTask;
import io.cyclelake.schema.Tables;
import io.cyclelake.split.Fold;
import io.cyclelake.split.LeaveOneCellOut;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * What the iterative trainers record per epoch ({@link TrainingCurve}), the attention sample of a sequence task, and
 * that {@code training_curves} is replaced, not appended to, when a sweep is recorded again.
 */
class TrainingCurveTest {
  /** Four cells of 30 rows (one feature with missing values), as in {@link LeakageTest}. */
  static SweepData tabular() {
    return LeakageTest.data(1, 0);
  }

  static String params(String model, String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference().getConfig("cyclelake.model." + model))
        .root().render(ConfigRenderOptions.concise());
  }

  /** Fits {@code model} with {@code overrides} on fold 0 as a sweep task does; the fit must succeed. */
  static TaskResult fit(SweepData data, Fold fold, String model, String overrides) {
    TaskResult r = FoldRunner.run(data, fold, new TaskSpec("r-" + model, 0, model, params(model, overrides), 0,
        fold.name(), 3, 0.9));
    assertEquals("ok", r.status(), r.error());
    return r;
  }

  static Fold fold(io.cyclelake.split.SplitRows rows) {
    return new LeaveOneCellOut().folds(rows, ConfigFactory.parseString("validation-cells = 1"), 1).get(0);
  }

  @Test
  void mlpAndNeuralOdeReturnTheirLossPerEpochTreesNone() {
    SweepData data = tabular();
    Fold fold = fold(data.splitRows());
    TaskResult mlp = fit(data, fold, "mlp", "epochs = 6, patience = 0");
    MlpModel.Fit fit = (MlpModel.Fit) new MlpModel().load(mlp.model());
    TrainingCurve c = mlp.curve();
    assertEquals("mse (label units)", c.loss());
    assertEquals(6, c.points().size());
    for (int e = 0; e < 6; e++) {
      TrainingCurve.Point p = c.points().get(e);
      assertEquals(e + 1, p.epoch());
      assertEquals(fit.trainMse().get(e), p.trainLoss(), 0.0);
      assertEquals(fit.validationMse().get(e), p.validationLoss(), 0.0);
      assertEquals(e == 5, p.kept(), "no early stopping: the last epoch's weights are kept");
    }

    TaskResult ode = fit(data, fold, "neural-ode", "iterations = 6, eval-every = 2, patience = 0");
    List<TrainingCurve.Point> p = ode.curve().points();
    assertEquals(6, p.size(), "one point per iteration");
    for (TrainingCurve.Point x : p) {
      assertTrue(Double.isFinite(x.trainLoss()) && x.trainLoss() >= 0, x.toString());
      assertEquals(x.epoch() % 2 == 0, Double.isFinite(x.validationLoss()), "validation every 2 iterations: " + x);
    }
    assertEquals(1, p.stream().filter(TrainingCurve.Point::kept).count());
    TrainingCurve.Point kept = p.stream().filter(TrainingCurve.Point::kept).findFirst().orElseThrow();
    double bestVal = p.stream().mapToDouble(TrainingCurve.Point::validationLoss).filter(Double::isFinite).min()
        .orElseThrow();
    assertEquals(bestVal, kept.validationLoss(), 0.0, "the kept iteration is the best validated one");

    assertTrue(fit(data, fold, "ridge", "").curve().isEmpty(), "ridge does not train in epochs");
  }

  @Test
  void xgboostRecordsTheRmseOfEveryRoundAndTheKeptRoundIsWhatItPredicts() {
    SweepData data = tabular();
    Fold fold = fold(data.splitRows());
    TaskResult r = fit(data, fold, "xgboost", "num-round = 30, early-stopping-rounds = 3");
    TrainingCurve c = r.curve();
    assertEquals("rmse (label units)", c.loss());
    assertTrue(c.points().size() >= 4 && c.points().size() <= 30, c.points().size() + " rounds");
    assertEquals(1, c.points().stream().filter(TrainingCurve.Point::kept).count());
    TrainingCurve.Point kept = c.points().stream().filter(TrainingCurve.Point::kept).findFirst().orElseThrow();
    double[] rmse = new double[3];
    int[] n = new int[3];
    for (int k = 0; k < r.rows().length; k++) {
      int i = r.rows()[k];
      byte part = fold.part()[i];
      double e = r.predicted()[k] - data.y()[i];
      rmse[part] += e * e;
      n[part]++;
    }
    // the model predicts with the trees of the kept round: its RMSE there is the curve's (float precision)
    assertEquals(Math.sqrt(rmse[Fold.TRAIN] / n[Fold.TRAIN]), kept.trainLoss(), 1e-5);
    assertEquals(Math.sqrt(rmse[Fold.VALIDATION] / n[Fold.VALIDATION]), kept.validationLoss(), 1e-5);
    double bestVal = c.points().stream().mapToDouble(TrainingCurve.Point::validationLoss).min().orElseThrow();
    assertEquals(bestVal, kept.validationLoss(), 0.0, "early stopping keeps the best validation round");
  }

  @Test
  void aSequenceTaskSendsItsCurveAndTheAttentionOfSampledTestPredictions() {
    int cells = 3;
    int per = 8;
    int n = cells * per;
    int steps = 6;
    String[] cell = new String[n];
    int[] cycle = new int[n];
    double[] y = new double[n];
    int[] len = new int[n];
    double[][][] x = new double[n][2][steps];
    for (int i = 0; i < n; i++) {
      cell[i] = "C" + i / per;
      cycle[i] = i % per;
      y[i] = 1 - 0.01 * cycle[i];
      len[i] = i % 3 == 0 ? 4 : steps; // some padded sequences
      for (int t = 0; t < len[i]; t++) {
        x[i][0][t] = 4.1 - 0.1 * t - 0.01 * cycle[i];
        x[i][1][t] = t;
      }
    }
    SequenceSet set = new SequenceSet(List.of("voltage_v", "time_s"), steps, cell, cycle, new double[n], y,
        len.clone(), len, x);
    Fold fold = fold(set.splitRows());
    String p = params("lstm-attention", "units = 3, layers = 1, heads = 2, head-size = 2, epochs = 3, patience = 0, "
        + "batch-size = 8");
    SequenceTask.Result r = SequenceTask.run(set, fold, new TaskSpec("s-att", 0, "lstm-attention", p, 0,
        fold.name(), 5, 0.9), new SequenceTask.Settings("soh", "none", Checkpoints.Settings.OFF, 3), false);
    assertEquals("ok", r.status(), r.error());
    assertEquals(r.history().size(), r.curve().points().size());
    for (int e = 0; e < r.history().size(); e++) {
      assertEquals(r.history().get(e).trainLoss(), r.curve().points().get(e).trainLoss(), 0.0);
      assertEquals(r.history().get(e).validationLoss(), r.curve().points().get(e).validationLoss(), 0.0);
    }
    assertEquals(List.of(false, false, true), r.curve().points().stream().map(TrainingCurve.Point::kept).toList());

    int[] test = fold.rows(Fold.TEST);
    assertEquals(3, r.attention().size(), "attention-sample = 3 of the " + test.length + " test predictions");
    assertEquals(test[0], r.attention().get(0).row(), "first test row sampled");
    assertEquals(test[test.length - 1], r.attention().get(2).row(), "last test row sampled");
    LstmAttentionModel.Fitted saved = (LstmAttentionModel.Fitted) Registry.load(SequenceModel.class,
        SequenceModel::name, "sequence model").get("lstm-attention").load(r.model());
    for (SequenceTask.AttentionRow a : r.attention()) {
      assertEquals(len[a.row()], a.steps());
      double sum = 0;
      for (int k = 0; k < steps; k++) {
        if (k >= a.steps()) assertEquals(0.0, a.weight()[k], "padded step " + k);
        sum += a.weight()[k];
      }
      assertEquals(1.0, sum, 1e-9, "the attention received sums to 1 over the valid steps");
      SequenceScaler scaler = r.scaler();
      var batch = set.batch(new int[] {a.row()}, scaler);
      assertArrayEquals(Attention.received(saved.attention(batch, 0), a.steps()), a.weight(), 1e-12,
          "the sample is the saved model's attention for row " + a.row());
    }
  }

  @Test
  void receivedAttentionIsTheMeanOverHeadsAndValidQuerySteps() {
    double[][][] w = {
        {{0.5, 0.5, 0}, {1, 0, 0}, {0, 0, 0}},
        {{0, 1, 0}, {0.25, 0.75, 0}, {0, 0, 0}}};
    assertArrayEquals(new double[] {(0.5 + 1 + 0 + 0.25) / 4, (0.5 + 0 + 1 + 0.75) / 4, 0},
        Attention.received(w, 2), 1e-15);
  }

  @Test
  void recordingASweepAgainReplacesItsCurves() throws Exception {
    Lake lake = new Lake(TestSpark.get(), Files.createTempDirectory("curves").resolve("lake").toString());
    TaskSpec t = new TaskSpec("sw-s0-f0", 0, "mlp", "{}", 0, "f0", 1, 0.9);
    TrainingCurve c = TrainingCurve.of("mse (label units)", List.of(0.4, 0.2), List.of(0.5), 1);
    List<Row> rows = new ArrayList<>();
    TrainingCurves.add(rows, t, "sw", c);
    TrainingCurves.record(lake, "sw", rows);
    TrainingCurves.record(lake, "sw", rows);
    List<Row> other = new ArrayList<>();
    TrainingCurves.add(other, new TaskSpec("sx-s0-f0", 0, "mlp", "{}", 0, "f0", 1, 0.9), "sx", c);
    TrainingCurves.record(lake, "sx", other);
    List<Row> read = lake.read(Tables.TRAINING_CURVES, "sweep").where("sweep_id = 'sw'").orderBy("epoch")
        .collectAsList();
    assertEquals(2, read.size(), "recorded twice, stored once");
    assertEquals(0.4, read.get(0).<Double>getAs("train_loss"));
    assertEquals(0.5, read.get(0).<Double>getAs("val_loss"));
    assertTrue(read.get(1).isNullAt(read.get(1).fieldIndex("val_loss")), "no validation loss at epoch 2");
    assertEquals(List.of(true, false), read.stream().map(r -> r.<Boolean>getAs("kept")).toList());
    assertEquals(4, lake.read(Tables.TRAINING_CURVES, "sweep").count(), "the other sweep's rows stay");
  }
}
