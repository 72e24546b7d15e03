package io.cyclelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict --task soh --run ID} on the handwritten {@link SohLake}: a LOCO sweep of ridge and gbt over S01..S03
 * saves its models; predicting with a run gives back the sweep's own predictions for the same discharges (to 1e-12),
 * also predicts the unlabelled discharges and a cell the sweep never saw, and fails with the documented exit codes.
 */
class SohPredictTest {
  @TempDir static Path dir;
  static Lake lake;
  static SweepJob.Result sweep;
  static SweepJob.Result unsaved;
  static io.cyclelake.train.TrainJob.Result train;

  @BeforeAll
  static void sweeps() {
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    Config config = sweepConfig("pred", true);
    SohLake.write(lake, ConfigRender.hash(config, "cyclelake.features"));
    sweep = SweepJob.run(lake, config, Progress.quiet());
    unsaved = SweepJob.run(lake, sweepConfig("nosave", false), Progress.quiet());
    train = io.cyclelake.train.TrainJob.run(lake, config, new io.cyclelake.train.TrainJob.Request("soh", "xgboost",
        "chronological", List.of("S01", "S02"), List.of("cycle_index", "voltage_mean_v", "temperature_mean_c",
        "charge_ica_area_ah"), 3L), Progress.quiet());
  }

  static Config sweepConfig(String name, boolean save) {
    return TestSpark.config("sweep.name=" + name, "sweep.split=loco", "split.loco.validation-cells=1",
        "sweep.cells=[S01, S02, S03]", "sweep.save-models=" + save,
        "sweep.features=[cycle_index, ambient_temperature_c, voltage_mean_v, temperature_mean_c, charge_ica_area_ah]",
        "sweep.models=[{model=ridge, grid{alpha=[1.0]}}, {model=gbt, grid{max-iter=[15]}}]",
        "model.xgboost.num-round=20");
  }

  /** Runs the CLI; returns the exit code and what it printed (stdout and stderr). */
  static Object[] cli(String... args) {
    return cli(lake, args);
  }

  /** Runs the CLI on {@code lake}; returns the exit code and what it printed (stdout and stderr). */
  static Object[] cli(Lake lake, String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(p);
    System.setErr(p);
    try {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--lake", lake.root()));
      int code = CycleLake.execute(all.toArray(new String[0]));
      return new Object[] {code, buf.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** The sweep's stored predictions of a run: "cell/cycle" → {actual, predicted}. */
  static Map<String, double[]> stored(String runId) {
    Map<String, double[]> m = new HashMap<>();
    for (Row r : lake.read(Tables.PREDICTIONS, "sweep").where("run_id = '" + runId + "'").collectAsList()) {
      m.put(r.getAs("cell_id") + "/" + r.getAs("cycle_index"), new double[] {r.getAs("actual"), r.getAs("predicted")});
    }
    return m;
  }

  static List<Row> predicted(String predictId) {
    return lake.read(Tables.SOH_PREDICTIONS, "predict").where("predict_id = '" + predictId + "'")
        .orderBy("cell_id", "cycle_index").collectAsList();
  }

  static String predictId(String printed) {
    int i = printed.indexOf("predict predict-");
    assertTrue(i >= 0, printed);
    return printed.substring(i + 8, printed.indexOf(':', i));
  }

  @Test
  void aRunsTestCellIsPredictedExactlyAsTheSweepDid() throws Exception {
    String runId = sweep.sweepId() + "-s0-f0";
    String testCell = lake.read(Tables.PREDICTIONS, "sweep").where("run_id = '" + runId + "' and part = 'test'")
        .select("cell_id").distinct().collectAsList().get(0).getString(0);
    Path csv = dir.resolve("out/p.csv");
    Object[] r = cli("predict", "--task", "soh", "--run", runId, "--cells", testCell, "--out", csv.toString());
    assertEquals(0, r[0], (String) r[1]);
    List<Row> rows = predicted(predictId((String) r[1]));
    assertEquals(SohLake.PAIRS + 1, rows.size(), "every discharge of the cell, the unlabelled one too");
    Map<String, double[]> sweepRows = stored(runId);
    int compared = 0;
    for (Row x : rows) {
      assertEquals(testCell, x.getAs("cell_id"));
      assertEquals(runId, x.getAs("run_id"));
      double[] s = sweepRows.get(x.getAs("cell_id") + "/" + x.getAs("cycle_index"));
      if (x.<Integer>getAs("cycle_index") == 2 * SohLake.PAIRS + 1) {
        assertNull(x.getAs("actual"), "the last discharge has no capacity");
        assertNull(s, "the sweep had no label for it");
        assertTrue(Double.isFinite(x.<Double>getAs("predicted")));
        continue;
      }
      assertEquals(s[0], x.<Double>getAs("actual"), 1e-12);
      assertEquals(s[1], x.<Double>getAs("predicted"), 1e-12);
      assertTrue(x.<Double>getAs("lower") < x.<Double>getAs("predicted"), "the run's conformal interval");
      compared++;
    }
    assertEquals(SohLake.PAIRS, compared);
    assertEquals(SohLake.buildCommit(), rows.get(0).getAs("git_commit"));
    assertTrue(rows.get(0).<String>getAs("input_versions").contains("\"features_summary\":"));
    List<String> lines = Files.readAllLines(csv);
    assertEquals("predict_id,run_id,cell_id,cycle_index,actual,predicted,lower,upper", lines.get(0));
    assertEquals(rows.size() + 1, lines.size());
    String[] first = lines.get(1).split(",", -1);
    assertEquals(rows.get(0).<Double>getAs("predicted"), Double.parseDouble(first[5]), 0.0);
    assertTrue(((String) r[1]).contains("41 discharges (40 labelled, 1 unlabelled)"), (String) r[1]);
  }

  @Test
  void everyCellIncludingOneTheSweepNeverSawIsPredictedByATreeModel() {
    String runId = sweep.sweepId() + "-s1-f1";
    Object[] r = cli("predict", "--task", "soh", "--run", runId);
    assertEquals(0, r[0], (String) r[1]);
    List<Row> rows = predicted(predictId((String) r[1]));
    assertEquals(SohLake.CELLS.size() * (SohLake.PAIRS + 1), rows.size());
    Map<String, double[]> sweepRows = stored(runId);
    assertEquals(3 * SohLake.PAIRS, sweepRows.size(), "train, validation and test rows of the fold");
    int compared = 0;
    for (Row x : rows) {
      double[] s = sweepRows.get(x.getAs("cell_id") + "/" + x.getAs("cycle_index"));
      if (s == null) continue;
      assertEquals(s[1], x.<Double>getAs("predicted"), 1e-12, x.toString());
      compared++;
    }
    assertEquals(3 * SohLake.PAIRS, compared);
    assertTrue(rows.stream().anyMatch(x -> x.getAs("cell_id").equals("S04") && x.getAs("actual") != null));
  }

  @Test
  void aTrainRunsSparkXgboostModelPredictsAsItDidInTraining() {
    Object[] r = cli("predict", "--task", "soh", "--run", train.runId(), "--cells", "S02,S03");
    assertEquals(0, r[0], (String) r[1]);
    List<Row> rows = predicted(predictId((String) r[1]));
    assertEquals(2 * (SohLake.PAIRS + 1), rows.size());
    Map<String, double[]> trainRows = stored(train.runId());
    int compared = 0;
    for (Row x : rows) {
      double[] s = trainRows.get(x.getAs("cell_id") + "/" + x.getAs("cycle_index"));
      if (s == null) continue;
      assertEquals(s[0], x.<Double>getAs("actual"), 1e-12, x.toString());
      assertEquals(s[1], x.<Double>getAs("predicted"), 1e-12, x.toString());
      assertNull(x.getAs("lower"), "train runs have no conformal interval");
      compared++;
    }
    assertEquals(SohLake.PAIRS, compared, "S02's labelled discharges, predicted by train with the Spark model");
  }

  @Test
  void errorsNameTheRunAndUseTheExitCodes() {
    Object[] unknown = cli("predict", "--task", "soh", "--run", "no-such-run");
    assertEquals(3, unknown[0], (String) unknown[1]);
    assertTrue(((String) unknown[1]).contains("no run 'no-such-run'"), (String) unknown[1]);

    Object[] noModel = cli("predict", "--task", "soh", "--run", unsaved.sweepId() + "-s0-f0");
    assertEquals(3, noModel[0], (String) noModel[1]);
    assertTrue(((String) noModel[1]).contains("has no saved model"), (String) noModel[1]);

    Object[] v = SohLake.plainRun(Tables.RUNS_SCHEMA.size(), "train-run");
    lake.append(TestSpark.get().createDataFrame(List.of(RowFactory.create(v)), Tables.RUNS_SCHEMA), Tables.RUNS);
    Object[] trainRun = cli("predict", "--task", "soh", "--run", "train-run");
    assertEquals(3, trainRun[0], (String) trainRun[1]);
    assertTrue(((String) trainRun[1]).contains("has no saved model"), (String) trainRun[1]);

    // a model trained on a column the lake's discharges do not have
    String runId = sweep.sweepId() + "-s0-f2";
    String rel = "_runs/" + sweep.sweepId() + "/" + runId + ".model";
    SavedRun s = SavedRun.read(lake.readBytes(rel).orElseThrow());
    List<String> features = new ArrayList<>(s.features());
    features.set(1, "no_such_column");
    lake.writeBytes(rel, new SavedRun(s.runId(), s.model(), features, s.preprocessor(), s.modelBytes(),
        s.conformalHalfWidth()).bytes());
    Object[] missing = cli("predict", "--task", "soh", "--run", runId);
    assertEquals(2, missing[0], (String) missing[1]);
    assertTrue(((String) missing[1]).contains("[no_such_column]"), (String) missing[1]);

    Object[] noRun = cli("predict", "--task", "soh");
    assertEquals(2, noRun[0], (String) noRun[1]);
    assertTrue(((String) noRun[1]).contains("needs --run"), (String) noRun[1]);
    Object[] task = cli("predict", "--task", "soc", "--run", runId);
    assertEquals(2, task[0], (String) task[1]);
    assertTrue(((String) task[1]).contains("known: overheat, soh"), (String) task[1]);
  }
}
