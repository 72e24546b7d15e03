package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.internal.Registry;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.split.Fold;
import io.cyclelake.split.FoldSplitter;
import io.cyclelake.sweep.TaskSpec;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUL for sequence sweeps on a generated fleet: 4 cells whose capacity fades linearly from 2.0 Ah at different rates
 * (three reach the 1.4 Ah end of life of the {@code rul} defaults at their discharge 61, 76 or 91 and go on for 12
 * more; the fourth never does: censored), with discharge curves whose duration and voltage follow the capacity.
 * Labels, exclusions and censoring come from the {@code rul} label task; the network learns standardised labels, the
 * metrics are in discharges.
 */
class SequenceRulSweepTest {
  @TempDir static Path dir;
  static Lake lake;
  static Config config;
  /** The sequences of the sweep's label task, collected once. */
  static SequenceJob.Result collected;
  /** Discharge number of end of life per labelled cell (first capacity below 1.4 Ah). */
  static final Map<String, Integer> EOL = Map.of("R1", 61, "R2", 76, "R3", 91);
  static final int AFTER = 12;
  static final String SPEC = "{\"units\":8,\"layers\":1,\"activation\":\"tanh\",\"dropout\":0.0,"
      + "\"optimizer\":\"adam\",\"learning-rate\":0.01,\"weight-decay\":0.0,\"lr-decay-per-epoch\":1.0,"
      + "\"loss\":\"mse\",\"huber-delta\":0.05,\"physics-weight\":1.0,\"epochs\":12,\"batch-size\":32,"
      + "\"patience\":0,\"clip-norm\":0.0,\"threads\":1}";

  static double capacity(String cell, int n) {
    // linear fade: below 1.4 Ah first at discharge EOL (n = 1, 2, ...); R4 ends at 1.45 Ah after 100 discharges
    double rate = cell.equals("R4") ? 0.55 / 99 : 0.6 / (EOL.get(cell) - 1.5);
    return 2.0 - rate * (n - 1);
  }

  static int discharges(String cell) {
    return cell.equals("R4") ? 100 : EOL.get(cell) + AFTER;
  }

  @BeforeAll
  static void lake() throws java.io.IOException {
    Path conf = Files.writeString(dir.resolve("rul.conf"), """
        cyclelake {
          sequence { channels = ["voltage_v", "time_s"], mode = "resample", max-length = 6 }
          sweep {
            name = "seq-rul", task = "rul", cells = [], split = "loco"
            models = [{ model = "lstm", grid { units = [8], epochs = [12], learning-rate = [0.01], dropout = [0.0] } }]
          }
          split.loco.validation-cells = 0
        }
        """);
    config = ConfigLoader.load(Path.of("does-not-exist"), List.of(conf), List.of("spark.master=\"local[2]\""));
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    String hash = ConfigRender.hash(config, "cyclelake.features");
    StructType fs = SequenceSweepJobTest.SUMMARY;
    StructType ts = SequenceSweepJobTest.SAMPLES;
    List<Row> features = new ArrayList<>();
    List<Row> samples = new ArrayList<>();
    for (String cell : List.of("R1", "R2", "R3", "R4")) {
      for (int n = 1; n <= discharges(cell); n++) {
        double cap = capacity(cell, n);
        int cycle = 2 * n;
        features.add(RowFactory.create(cell, cycle, "discharge", cap, 24.0, hash));
        double duration = cap * 1800;
        for (int s = 0; s < 10; s++) {
          double u = s / 9.0;
          samples.add(RowFactory.create(cell, cycle, "discharge", s, u * duration, 4.1 - u * u - 0.2 * (2 - cap),
              -2.0));
        }
      }
    }
    lake.overwrite(TestSpark.get().createDataFrame(features, fs), Tables.FEATURES_SUMMARY);
    lake.overwrite(TestSpark.get().createDataFrame(samples, ts), Tables.TIMESERIES);
    collected = SequenceJob.collect(lake, config, List.of());
  }

  /** RUL of discharge n of a labelled cell: n_EOL − n. */
  static double rul(String cell, int cycle) {
    return EOL.get(cell) - cycle / 2;
  }

  static double mae(double[] a, double[] p) {
    return io.cyclelake.eval.RegressionMetrics.of(a, p).mae();
  }

  @Test
  void sequencesCarryTheRulTasksLabelsAndItsExclusions() {
    SequenceJob.Result r = collected;
    SequenceSet s = r.set();
    assertEquals(61 + 76 + 91, s.size(), "discharges up to end of life of R1..R3; R4 censored");
    for (int i = 0; i < s.size(); i++) assertEquals(rul(s.cell()[i], s.cycle()[i]), s.y()[i], s.cell()[i]);
    assertEquals(List.of("R4"), r.labels().censoredCells());
    assertEquals(3 * AFTER, r.labels().excluded().size(), "discharges after end of life");
    assertTrue(r.labels().lines().get(0).startsWith("rul: 1 cell censored (never 3 discharges in a row below 1.4 Ah)"),
        r.labels().lines().toString());
  }

  @Test
  void theSweepTrainsOnRulAndReportsInDischarges() {
    SequenceSweepJob.Result r = SequenceSweepJob.run(lake, config, Progress.quiet());
    assertEquals("rul", r.task());
    assertEquals(3, r.tasks(), "LOCO over the 3 cells that reach end of life");
    assertEquals(0, r.failed(), r.errors().toString());
    String id = r.sweepId();
    List<Row> runs = lake.read(Tables.RUNS, "test").where("sweep_id = '" + id + "'").collectAsList();
    assertTrue(runs.stream().allMatch(x -> x.getAs("task").equals("rul")), "runs.task");
    List<Row> excl = lake.read(Tables.LABEL_EXCLUSIONS, "test").where("run_id = '" + id + "'").collectAsList();
    assertEquals(3 * AFTER + 1, excl.size());
    Row censored = excl.stream().filter(x -> x.isNullAt(x.fieldIndex("cycle_index"))).findFirst().orElseThrow();
    assertEquals("R4", censored.getAs("cell_id"));
    assertTrue(censored.<String>getAs("reason").startsWith("censored: never 3 discharges in a row below 1.4 Ah"));

    // predictions and metrics in discharges: actual = the RUL label, fold_metrics = metrics of those predictions
    for (Row m : lake.read(Tables.FOLD_METRICS, "test").where("sweep_id = '" + id + "' and cell_id = '*'")
        .collectAsList()) {
      String run = m.getAs("run_id");
      String part = m.getAs("part");
      List<Row> p = lake.read(Tables.PREDICTIONS, "test").where("run_id = '" + run + "' and part = '" + part + "'")
          .collectAsList();
      double[] a = p.stream().mapToDouble(x -> x.<Double>getAs("actual")).toArray();
      double[] q = p.stream().mapToDouble(x -> x.<Double>getAs("predicted")).toArray();
      for (Row x : p) assertEquals(rul(x.getAs("cell_id"), x.getAs("cycle_index")), x.<Double>getAs("actual"));
      assertEquals(mae(a, q), m.<Double>getAs("mae"), 1e-9, run + " " + part);
      if (part.equals("train")) {
        double mean = java.util.Arrays.stream(a).average().orElseThrow();
        double dummy = java.util.Arrays.stream(a).map(v -> Math.abs(v - mean)).average().orElseThrow();
        assertTrue(mae(a, q) < 0.5 * dummy, run + ": training MAE " + mae(a, q) + " discharges should be well "
            + "below the training mean's " + dummy);
      }
    }
    // one checkpoint per training in the sweep's folder (sequence.checkpoint defaults)
    try (var files = Files.list(dir.resolve("lake/_runs/" + id + "/checkpoints"))) {
      assertEquals(3, files.filter(f -> f.toString().endsWith(".ckpt")).count());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void labelsAreScaledOnTheTrainingFoldOnlyAndARetriedTaskResumes() {
    SequenceSet s = collected.set();
    FoldSplitter loco = Registry.load(FoldSplitter.class, FoldSplitter::name, "split").get("loco");
    Fold fold = loco.folds(s.splitRows(), config.getConfig("cyclelake.split.loco"), 0).get(0);
    TaskSpec spec = new TaskSpec("t-s0-f0", 0, "lstm", SPEC, 0, fold.name(), 7, 0.9);
    // with checkpoints (every 4 epochs) in a folder of its own; CheckpointsTest shows they change nothing
    Checkpoints.Settings ck = Checkpoints.Settings.of(dir.resolve("ck").toUri().toString(), 4, "",
        new org.apache.hadoop.conf.Configuration());
    SequenceTask.Settings standard = new SequenceTask.Settings("rul", "auto", ck);
    SequenceTask.Result scaled = SequenceTask.run(s, fold, spec, standard, false);
    SequenceTask.Result raw = SequenceTask.run(s, fold, spec,
        new SequenceTask.Settings("rul", "none", Checkpoints.Settings.OFF), false);
    assertEquals("ok", scaled.status(), scaled.error());
    int[] tr = fold.rows(Fold.TRAIN);
    double m = java.util.Arrays.stream(tr).mapToDouble(i -> s.y()[i]).average().orElseThrow();
    assertEquals(m, scaled.labels().mean(), 1e-9, "auto = standard for rul: the training labels' mean");
    assertTrue(raw.labels().isIdentity());
    double maeScaled = trainMae(s, fold, scaled);
    double maeRaw = trainMae(s, fold, raw);
    assertTrue(maeScaled < 0.5 * maeRaw, "standardised labels train to training MAE " + maeScaled
        + " discharges in 12 epochs, raw labels only to " + maeRaw);

    // the test cell's labels play no part: changed by 1000 discharges, every prediction stays bit-identical
    double[] y = s.y().clone();
    for (int i : fold.rows(Fold.TEST)) y[i] += 1000;
    SequenceSet leaked = new SequenceSet(s.channels(), s.maxLength(), s.cell(), s.cycle(), s.ambientC(), y,
        s.nSamples(), s.length(), s.x());
    SequenceTask.Result again = SequenceTask.run(leaked, fold, spec,
        new SequenceTask.Settings("rul", "auto", Checkpoints.Settings.OFF), false);
    assertEquals(scaled.labels(), again.labels());
    assertArrayEquals(scaled.predicted(), again.predicted());

    // a task run again with the same settings (Spark retrying it) finds the training's checkpoint (here the last
    // epoch's: nothing is trained again)
    SequenceTask.Result retried = SequenceTask.run(s, fold, spec, standard, false);
    assertTrue(retried.description().contains("resumed from the checkpoint of epoch 12"), retried.description());
    assertTrue(!scaled.description().contains("resumed"), scaled.description());
    assertArrayEquals(scaled.predicted(), retried.predicted());

    SequenceTask.Result mape = SequenceTask.run(s, fold, new TaskSpec("t-s1-f0", 1, "lstm",
        SPEC.replace("\"mse\"", "\"mape\""), 0, fold.name(), 7, 0.9), standard, false);
    assertEquals("failed", mape.status());
    assertTrue(mape.error().contains("loss mape is a percentage of the label"), mape.error());
  }

  static double trainMae(SequenceSet s, Fold fold, SequenceTask.Result r) {
    Map<Integer, Double> pred = new HashMap<>();
    for (int k = 0; k < r.rows().length; k++) pred.put(r.rows()[k], r.predicted()[k]);
    int[] tr = fold.rows(Fold.TRAIN);
    double sum = 0;
    for (int i : tr) sum += Math.abs(s.y()[i] - pred.get(i));
    return sum / tr.length;
  }
}
