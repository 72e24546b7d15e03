package io.cyclelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SavedRun;
import io.cyclelake.sweep.SweepJob;
import io.cyclelake.testkit.SohLake;
import io.cyclelake.testkit.TestSpark;
import io.cyclelake.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LOCO sweep over S01..S03 of {@link SohLake} mixing a plain-Java model run in tasks (ridge) with a Spark MLlib model
 * run from the driver (mllib-random-forest, plus one spec of it that must fail): both kinds write the same rows, and
 * {@code predict --run} of an MLlib run (sweep or {@code train}) reloads its MLlib directory and predicts the stored
 * predictions again.
 */
class MllibSweepTest {
  @TempDir static Path dir;
  static Lake lake;
  static SweepJob.Result sweep;
  static TrainJob.Result train;
  static final List<String> FEATURES = List.of("cycle_index", "ambient_temperature_c", "voltage_mean_v",
      "temperature_mean_c", "charge_ica_area_ah");

  @BeforeAll
  static void sweepAndTrain() {
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    Config config = TestSpark.config("sweep.name=mllib", "sweep.split=loco", "split.loco.validation-cells=1",
        "sweep.cells=[S01, S02, S03]", "sweep.features=[" + String.join(", ", FEATURES) + "]",
        "sweep.models=[{model=ridge, grid{alpha=[1.0]}}, "
            + "{model=mllib-random-forest, grid{num-trees=[8], max-depth=[4]}}, "
            + "{model=mllib-random-forest, grid{num-trees=[0]}}]",
        "model.mllib-random-forest.num-trees=8");
    SohLake.write(lake, ConfigRender.hash(config, "cyclelake.features"));
    sweep = SweepJob.run(lake, config, Progress.quiet());
    train = TrainJob.run(lake, config, new TrainJob.Request("soh", "mllib-random-forest", "chronological",
        List.of("S01", "S02"), List.of("cycle_index", "voltage_mean_v", "temperature_mean_c", "charge_ica_area_ah"),
        3L), Progress.quiet());
  }

  static Object[] cli(String... args) {
    return SohPredictTest.cli(lake, args);
  }

  /** The sweep's rows of {@code table} (runs by sweep id, the others by run id prefix). */
  static List<Row> rows(String table) {
    return lake.read(table, "sweep").where(table.equals(Tables.RUNS) ? "sweep_id = '" + sweep.sweepId() + "'"
        : "run_id like '" + sweep.sweepId() + "-%'").collectAsList();
  }

  static List<Row> of(List<Row> rows, String runId) {
    return rows.stream().filter(r -> r.getAs("run_id").equals(runId)).toList();
  }

  @Test
  void bothKindsOfSpecWriteTheSameRowsAndTheBadMllibSpecIsRecordedAsFailed() {
    assertEquals(9, sweep.tasks());
    assertEquals(3, sweep.failed());
    List<Row> runs = rows(Tables.RUNS);
    List<Row> predictions = rows(Tables.PREDICTIONS);
    List<Row> metrics = rows(Tables.FOLD_METRICS);
    List<Row> importance = rows(Tables.FEATURE_IMPORTANCE);
    List<Row> failed = runs.stream().filter(r -> r.getAs("status").equals("failed")).toList();
    assertEquals(3, failed.size());
    for (Row r : failed) {
      assertEquals("mllib-random-forest", r.getAs("model"));
      assertEquals("none", r.getAs("part"));
      assertTrue(r.<String>getAs("error").contains("numTrees"), r.<String>getAs("error"));
    }
    for (int f = 0; f < 3; f++) {
      String ridge = sweep.sweepId() + "-s0-f" + f;
      String rf = sweep.sweepId() + "-s1-f" + f;
      for (String run : List.of(ridge, rf)) {
        assertEquals(List.of("ok", "ok", "ok"), of(runs, run).stream().map(r -> r.<String>getAs("status")).toList(),
            run + ": train, validation, test");
        assertEquals(3 * SohLake.PAIRS, of(predictions, run).stream()
            .filter(r -> r.getAs("lower") != null && r.getAs("upper") != null).count(),
            run + ": every used row predicted, with its conformal interval");
        assertEquals(6, of(metrics, run).stream().filter(r -> r.getAs("coverage") != null).count(),
            run + ": 3 parts × ('*' + the part's one cell)");
        assertTrue(Files.isRegularFile(dir.resolve("lake/_runs/" + sweep.sweepId() + "/" + run + ".model")), run);
      }
      assertTrue(Files.isDirectory(dir.resolve("lake/_runs/" + sweep.sweepId() + "/" + rf + ".mllib/metadata")),
          "MLlib's writer saved the forest beside the run's file");
      List<Row> imp = of(importance, rf);
      assertEquals(FEATURES.size(), imp.size());
      double sum = 0;
      for (Row r : imp) {
        assertEquals("impurity", r.getAs("kind"));
        sum += r.<Double>getAs("importance");
      }
      assertEquals(1.0, sum, 1e-9, "MLlib's featureImportances sum to 1");
    }
    SweepJob.SpecSummary rf = sweep.specs().get(1);
    assertEquals("mllib-random-forest", rf.model());
    assertEquals(0, rf.failed());
    assertTrue(rf.maeMean() < 0.05, "the forest learns the fade across cells: MAE " + rf.maeMean());
  }

  /** "cell/cycle" → predicted, as stored in predictions for the run. */
  static Map<String, Double> stored(String runId) {
    Map<String, Double> m = new HashMap<>();
    for (Row r : lake.read(Tables.PREDICTIONS, "sweep").where("run_id = '" + runId + "'").collectAsList()) {
      m.put(r.getAs("cell_id") + "/" + r.getAs("cycle_index"), r.getAs("predicted"));
    }
    return m;
  }

  static int predictEqualsStored(String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("predict", "--task", "soh", "--run", runId));
    args.addAll(List.of(more));
    Object[] r = cli(args.toArray(new String[0]));
    assertEquals(0, r[0], (String) r[1]);
    String printed = (String) r[1];
    int i = printed.indexOf("predict predict-");
    assertTrue(i >= 0, printed);
    String predictId = printed.substring(i + 8, printed.indexOf(':', i));
    Map<String, Double> before = stored(runId);
    int compared = 0;
    for (Row x : lake.read(Tables.SOH_PREDICTIONS, "predict").where("predict_id = '" + predictId + "'")
        .collectAsList()) {
      Double s = before.get(x.getAs("cell_id") + "/" + x.getAs("cycle_index"));
      if (s == null) continue;
      assertEquals(s, x.<Double>getAs("predicted"), 1e-12, x.toString());
      compared++;
    }
    return compared;
  }

  @Test
  void predictWithASweepsMllibRunGivesItsStoredPredictions() {
    String runId = sweep.sweepId() + "-s1-f1";
    assertEquals(3 * SohLake.PAIRS, predictEqualsStored(runId), "train, validation and test rows of the fold");
    SavedRun saved = SavedRun.read(lake.readBytes("_runs/" + sweep.sweepId() + "/" + runId + ".model").orElseThrow());
    assertEquals("mllib-random-forest", saved.model());
    assertNotNull(saved.preprocessor(), "fitted on the fold's training rows");
    assertEquals("_runs/" + sweep.sweepId() + "/" + runId + ".mllib", saved.modelDir());
  }

  @Test
  void aTrainRunOfTheMllibForestIsSavedAndPredictsAsInTraining() {
    assertTrue(Files.isDirectory(dir.resolve("lake/_runs/" + train.runId() + "/" + train.runId() + ".mllib")));
    assertTrue(train.metrics().get("test").mae() < 0.05, "test MAE " + train.metrics().get("test").mae());
    assertEquals(SohLake.PAIRS * 2, predictEqualsStored(train.runId(), "--cells", "S01,S02"),
        "every labelled discharge of the train run's cells");
  }
}
