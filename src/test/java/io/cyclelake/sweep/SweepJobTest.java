package io.cyclelake.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small LOCO sweep of {@code conf/sweeps/synthetic-loco.conf} (plus one ridge spec with a negative alpha that must
 * fail) on a tiny handwritten features_summary of 3 synthetic cells: one Spark job, every table written.
 */
public class SweepJobTest {
  @TempDir static Path dir;
  static Lake lake;
  static SweepJob.Result result;
  static Config config;

  @BeforeAll
  static void sweep() throws java.io.IOException {
    Path failing = Files.writeString(dir.resolve("failing.conf"),
        "cyclelake.sweep.models += { model = \"ridge\", grid { alpha = [-1.0] } }\n");
    config = ConfigLoader.load(Path.of("does-not-exist"),
        List.of(Path.of("conf/sweeps/synthetic-loco.conf"), failing), List.of("spark.master=\"local[2]\""));
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    writeFeatures(lake, ConfigRender.hash(config, "cyclelake.features"));
    result = SweepJob.run(lake, config, new Progress(System.out));
  }

  /**
   * 3 cells × 40 discharges at 3 temperatures (plus charges, which are not labelled): capacity fades linearly with a
   * slightly different rate per cell, and the mean discharge voltage falls with it.
   */
  public static void writeFeatures(Lake lake, String hash) {
    StructType schema = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("capacity_counter_ah", DataTypes.DoubleType)
        .add("ambient_temperature_c", DataTypes.DoubleType).add("voltage_mean_v", DataTypes.DoubleType)
        .add("temperature_mean_c", DataTypes.DoubleType).add(Tables.FEATURE_HASH, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    String[] cells = {"S01", "S02", "S03"};
    double[] temps = {4, 24, 43};
    for (int c = 0; c < 3; c++) {
      for (int k = 0; k < 40; k++) {
        double cap = 2.0 * (1 - (0.003 + 0.0002 * c) * k);
        rows.add(RowFactory.create(cells[c], 2 * k, "charge", null, temps[c], 3.9 + 0.001 * k, temps[c] + 2, hash));
        rows.add(RowFactory.create(cells[c], 2 * k + 1, "discharge", cap, temps[c], 3.4 + 0.1 * cap / 2
            + 0.002 * Math.sin(k), temps[c] + 5, hash));
      }
    }
    lake.overwrite(TestSpark.get().createDataFrame(rows, schema), Tables.FEATURES_SUMMARY);
  }

  @Test
  void eachDischargeCarriesTheFeaturesOfTheChargeBeforeIt() {
    List<Row> rows = io.cyclelake.train.TrainJob.sohLabels(lake, config.getConfig("cyclelake.train.soh"),
        List.of("S02"), ConfigRender.hash(config, "cyclelake.features")).orderBy("cycle_index").collectAsList();
    assertEquals(40, rows.size());
    for (int k = 0; k < 40; k++) {
      Row r = rows.get(k);
      assertEquals(2 * k + 1, r.<Integer>getAs("cycle_index"));
      assertEquals(2 * k, r.<Integer>getAs("preceding_charge_index"));
      assertEquals(3.9 + 0.001 * k, r.<Double>getAs("charge_voltage_mean_v"), 1e-12);
      assertEquals(26.0, r.<Double>getAs("charge_temperature_mean_c"), 1e-12);
      assertEquals(3.4 + 0.1 * r.<Double>getAs("capacity_ah") / 2 + 0.002 * Math.sin(k), r.<Double>getAs("voltage_mean_v"),
          1e-12, "the discharge's own columns stay as they are");
    }
  }

  @Test
  void everySpecAndFoldRanAndTheBadSpecIsRecordedAsFailed() {
    // 5 ridge-like/tree specs from the conf + the failing one, × 3 LOCO folds.
    assertEquals(6 * 3, result.tasks());
    assertEquals(3, result.failed());
    List<Row> failed = lake.read(Tables.RUNS, "sweep").where("sweep_id = '" + result.sweepId()
        + "' and status = 'failed'").collectAsList();
    assertEquals(3, failed.size());
    for (Row r : failed) {
      assertEquals("ridge", r.getAs("model"));
      assertTrue(r.<String>getAs("error").contains("alpha must be >= 0"), r.<String>getAs("error"));
    }
    long okRuns = lake.read(Tables.RUNS, "sweep").where("sweep_id = '" + result.sweepId() + "' and status = 'ok'")
        .select("run_id").distinct().count();
    assertEquals(15, okRuns);
    // GPUs off: the tabular tasks do not start ND4J to record where they ran
    assertTrue(!lake.exists(Tables.TRAINING_TASKS), "no training_tasks without gpu.enabled");
  }

  @Test
  void gpusInLocalModeFailBeforeAnyTaskTrains() {
    var gpu = com.typesafe.config.ConfigFactory.parseString("cyclelake.gpu.enabled = true").withFallback(config);
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.cyclelake.errors.CycleLakeException.class,
        () -> SweepJob.run(lake, gpu, io.cyclelake.jobs.Progress.quiet()));
    assertEquals(io.cyclelake.errors.ErrorCode.CONFIG_INVALID, e.code());
    assertTrue(e.getMessage().contains("local mode"), e.getMessage());
  }

  @Test
  void foldMetricsPredictionsAndImportanceAreWrittenWithIntervals() {
    String sweep = "sweep_id = '" + result.sweepId() + "'";
    List<Row> test = lake.read(Tables.FOLD_METRICS, "sweep").where(sweep + " and part = 'test' and cell_id = '*'")
        .collectAsList();
    assertEquals(15, test.size());
    for (Row r : test) {
      assertEquals(40L, r.<Long>getAs("n"));
      assertTrue(r.<Double>getAs("mae") >= 0 && r.<Double>getAs("max_error") >= r.<Double>getAs("mae"));
      assertTrue(r.<Double>getAs("coverage") >= 0, "validation cell gives a conformal interval");
    }
    // Each test fold of a spec is one cell: per-cell rows equal the '*' rows.
    assertEquals(15, lake.read(Tables.FOLD_METRICS, "sweep").where(sweep + " and part = 'test' and cell_id != '*'")
        .count());
    List<Row> p = lake.read(Tables.PREDICTIONS, "sweep").where("run_id like '" + result.sweepId() + "%'")
        .collectAsList();
    assertEquals(15 * 120, p.size());
    for (Row r : p) {
      double lo = r.getAs("lower");
      double hi = r.getAs("upper");
      double pr = r.getAs("predicted");
      assertTrue(lo <= pr && pr <= hi);
    }
    assertEquals(15 * 4, lake.read(Tables.FEATURE_IMPORTANCE, "sweep").where(sweep).count());
    // A saved run predicts its own predictions again from the raw features.
    String runId = result.sweepId() + "-s0-f0";
    SavedRun saved = SavedRun.read(assertDoesNotThrowRead(dir.resolve("lake/_runs/" + result.sweepId() + "/" + runId
        + ".model")));
    List<Row> mine = lake.read(Tables.PREDICTIONS, "sweep").where("run_id = '" + runId + "'")
        .orderBy("cell_id", "cycle_index").collectAsList();
    List<Row> feats = lake.read(Tables.FEATURES_SUMMARY, "features").where("cycle_type = 'discharge'")
        .orderBy("cell_id", "cycle_index").collectAsList();
    double[][] x = new double[feats.size()][];
    for (int i = 0; i < x.length; i++) {
      Row f = feats.get(i);
      x[i] = new double[] {f.<Integer>getAs("cycle_index"), f.<Double>getAs("ambient_temperature_c"),
          f.<Double>getAs("voltage_mean_v"), f.<Double>getAs("temperature_mean_c")};
    }
    double[] again = saved.predict(x);
    assertEquals(mine.size(), again.length);
    for (int i = 0; i < again.length; i++) assertEquals(mine.get(i).<Double>getAs("predicted"), again[i], 1e-12);
  }

  static byte[] assertDoesNotThrowRead(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new AssertionError("saved model missing: " + p, e);
    }
  }

  @Test
  void theSweepReportAggregatesFoldMetricsLikeTheJob() {
    List<Row> agg = SweepReport.aggregate(lake, result.sweepId());
    assertEquals(6, agg.size());
    for (SweepJob.SpecSummary s : result.specs()) {
      Row r = agg.stream().filter(a -> a.getString(0).equals(s.model()) && a.getString(1).equals(s.params()))
          .findFirst().orElseThrow();
      assertEquals(s.failed(), r.<Long>getAs("failed").intValue(), s.params());
      if (s.failed() == 0) {
        assertEquals(s.maeMean(), r.<Double>getAs("mae_mean"), 1e-12);
        assertEquals(s.maeSd(), r.<Double>getAs("mae_sd"), 1e-12);
      }
    }
    assertEquals(15, SweepReport.perFold(lake, result.sweepId()).size());
  }

  @Test
  void ridgeLearnsTheFadeAcrossCells() {
    SweepJob.SpecSummary ridge = result.specs().get(0);
    assertEquals("ridge", ridge.model());
    assertEquals(0, ridge.failed());
    // SOH spans 1.0 .. 0.87 over the fleet; predicting the mean SOH would give an MAE of about 0.03.
    assertTrue(ridge.maeMean() < 0.01, "ridge LOCO MAE " + ridge.maeMean());
    for (SweepJob.SpecSummary s : result.specs()) {
      if (s.failed() == 0) assertTrue(s.maeMean() < 0.03, s.model() + " LOCO MAE " + s.maeMean());
    }
  }
}
