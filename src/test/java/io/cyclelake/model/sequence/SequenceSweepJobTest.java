package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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
 * Sequences from a tiny handwritten lake (3 cells × 10 labelled discharges of 12–21 samples, one discharge with a
 * single sample and one without samples) and a LOCO sweep of a tiny lstm (plus a spec that must fail) in Spark tasks.
 */
public class SequenceSweepJobTest {
  @TempDir static Path dir;
  static Lake lake;
  static Config config;

  @BeforeAll
  static void lake() throws java.io.IOException {
    Path conf = Files.writeString(dir.resolve("seq.conf"), """
        cyclelake {
          sequence { channels = ["voltage_v", "time_s"], mode = "resample", max-length = 8 }
          sweep {
            name = "seq-test", cells = [], split = "loco"
            models = [
              { model = "lstm", grid { units = [4], epochs = [2], batch-size = [8] } }
              { model = "lstm", grid { units = [4], epochs = [1], learning-rate = [-1.0] } }
            ]
          }
          split.loco.validation-cells = 1
        }
        """);
    config = ConfigLoader.load(Path.of("does-not-exist"), List.of(conf), List.of("spark.master=\"local[2]\""));
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    write(lake, ConfigRender.hash(config, "cyclelake.features"));
  }

  static double voltage(int cell, int k, double t) {
    return 4.1 - 0.001 * t - 0.02 * k - 0.01 * cell;
  }

  static double chargeVoltage(int cell, int k, int s) {
    return 3.6 + 0.1 * s - 0.01 * k + 0.001 * cell;
  }

  /** The columns of features_summary a sequence sweep reads (also used by {@code SequenceRulSweepTest}). */
  static final StructType SUMMARY = new StructType()
      .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
      .add("cycle_type", DataTypes.StringType).add("capacity_counter_ah", DataTypes.DoubleType)
      .add("ambient_temperature_c", DataTypes.DoubleType).add(Tables.FEATURE_HASH, DataTypes.StringType);
  /** The columns of timeseries these tests write: sample, time, voltage, current. */
  static final StructType SAMPLES = new StructType()
      .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
      .add("cycle_type", DataTypes.StringType).add("sample_index", DataTypes.IntegerType)
      .add("time_s", DataTypes.DoubleType).add("voltage_v", DataTypes.DoubleType)
      .add("current_a", DataTypes.DoubleType);

  /** The handwritten features_summary and timeseries (also used by {@code MlflowTrackingTest}). */
  public static void write(Lake lake, String hash) {
    StructType fs = SUMMARY;
    StructType ts = SAMPLES;
    List<Row> features = new ArrayList<>();
    List<Row> samples = new ArrayList<>();
    String[] cells = {"S01", "S02", "S03"};
    for (int c = 0; c < 3; c++) {
      for (int k = 0; k < 10; k++) {
        int cycle = 2 * k + 1;
        features.add(RowFactory.create(cells[c], cycle, "discharge", 2.0 - 0.02 * k, 24.0, hash));
        int n = c == 1 && k == 4 ? 1 : c == 2 && k == 7 ? 0 : 21 - k;
        // written in reverse order: the job must order samples by sample_index
        for (int s = n - 1; s >= 0; s--) {
          double t = 10.0 * s;
          samples.add(RowFactory.create(cells[c], cycle, "discharge", s, t, voltage(c, k, t), -2.0));
        }
        features.add(RowFactory.create(cells[c], cycle - 1, "charge", null, 24.0, hash));
        for (int s = 0; s < 5; s++) {
          samples.add(RowFactory.create(cells[c], cycle - 1, "charge", s, 100.0 * s, chargeVoltage(c, k, s), 1.5));
        }
      }
    }
    lake.overwrite(TestSpark.get().createDataFrame(features, fs), Tables.FEATURES_SUMMARY);
    lake.overwrite(TestSpark.get().createDataFrame(samples, ts), Tables.TIMESERIES);
  }

  @Test
  void sequencesAreBuiltInTasksAndNothingIsDroppedSilently() {
    SequenceJob.Result r = SequenceJob.collect(lake, config, List.of());
    SequenceSet s = r.set();
    assertEquals(28, s.size());
    assertEquals(List.of(new SequenceJob.Skipped("S02", 9, r.skipped().get(0).reason()),
        new SequenceJob.Skipped("S03", 15, "no samples in timeseries")), r.skipped());
    assertTrue(r.skipped().get(0).reason().contains("1 samples"), r.skipped().get(0).reason());
    // S01 cycle 3 (k = 1): 20 samples over 190 s, resampled onto 8 points
    int i = 1;
    assertEquals("S01", s.cell()[i]);
    assertEquals(3, s.cycle()[i]);
    assertEquals(20, s.nSamples()[i]);
    assertEquals(8, s.length()[i]);
    assertEquals(1.98 / 2.0, s.y()[i], 1e-12);
    double[] v = new double[8];
    double[] t = new double[8];
    for (int j = 0; j < 8; j++) {
      t[j] = 190.0 * j / 7;
      v[j] = voltage(0, 1, t[j]);
    }
    assertArrayEquals(v, s.x()[i][0], 1e-9);
    assertArrayEquals(t, s.x()[i][1], 1e-9);
  }

  @Test
  void precedingChargeSequencesAreTheChargeCurveBeforeEachLabelledDischarge() {
    Config charge = ConfigFactory.parseString("cyclelake.sequence.source = preceding-charge").withFallback(config);
    SequenceJob.Result r = SequenceJob.collect(lake, charge, List.of());
    // every discharge has a charge before it with 5 samples, also S03's discharge without samples of its own
    assertEquals(30, r.set().size());
    assertEquals(List.of(), r.skipped());
    int i = 10 + 7;  // S02, k = 7 (cycle 15), label 2.0 - 0.14 over the first capacity 2.0
    assertEquals("S02", r.set().cell()[i]);
    assertEquals(15, r.set().cycle()[i]);
    assertEquals((2.0 - 0.02 * 7) / 2.0, r.set().y()[i], 1e-12);
    assertEquals(5, r.set().nSamples()[i]);
    double[] v = new double[8];
    for (int j = 0; j < 8; j++) {
      double pos = 4.0 * j / 7;  // 400 s resampled onto 8 points; the charge voltage is linear in time
      v[j] = 3.6 + 0.1 * pos - 0.01 * 7 + 0.001;
    }
    assertArrayEquals(v, r.set().x()[i][0], 1e-9);
    assertThrows(io.cyclelake.errors.CycleLakeException.class, () -> SequenceJob.Settings.of(
        ConfigFactory.parseString("cyclelake.sequence.source = charge").withFallback(config)));
  }

  @Test
  void theSweepCommandRoutesSequenceModelsHere() {
    assertTrue(SequenceSweepJob.handles(config));
    Config tabular = ConfigLoader.load(Path.of("does-not-exist"), List.of(Path.of("conf/sweeps/synthetic-loco.conf")),
        List.of());
    assertTrue(!SequenceSweepJob.handles(tabular));
  }

  @Test
  void locoSweepTrainsInSparkTasksAndRecordsFoldMetrics() throws java.io.IOException {
    SequenceSweepJob.Result r = SequenceSweepJob.run(lake, config, Progress.quiet());
    assertEquals(6, r.tasks());
    assertEquals(3, r.failed());
    assertTrue(r.errors().stream().allMatch(e -> e.contains("learning-rate must be > 0")), r.errors().toString());
    List<Row> runs = lake.read(Tables.RUNS, "test").where("sweep_id = '" + r.sweepId() + "'").collectAsList();
    // 3 ok folds × (train, validation, test) + 3 failed rows
    assertEquals(12, runs.size());
    assertEquals(3, runs.stream().filter(x -> x.getAs("status").equals("failed")).count());
    List<Row> tests = lake.read(Tables.FOLD_METRICS, "test").where("sweep_id = '" + r.sweepId()
        + "' and part = 'test' and cell_id = '*'").collectAsList();
    assertEquals(3, tests.size());
    long predicted = lake.read(Tables.PREDICTIONS, "test").where("run_id like '" + r.sweepId() + "-s0-%'").count();
    assertEquals(3 * 28, predicted, "every used sequence of every ok fold is predicted");
    // lineage: the commit the build wrote, and the versions of the two tables the sweep read (no ICA, no manifest)
    String versions = "{\"features_summary\":" + lake.version(Tables.FEATURES_SUMMARY) + ",\"timeseries\":"
        + lake.version(Tables.TIMESERIES) + "}";
    for (Row x : runs) {
      assertEquals(io.cyclelake.testkit.SohLake.buildCommit(), x.getAs("git_commit"));
      assertEquals(versions, x.getAs("input_versions"));
      assertTrue(x.isNullAt(x.fieldIndex("raw_files_digest")), "no files manifest in this lake");
    }
    // where each task trained: in local mode on the driver, CPU backend, no GPU
    List<Row> where = lake.read(Tables.TRAINING_TASKS, "test").where("sweep_id = '" + r.sweepId() + "'")
        .collectAsList();
    assertEquals(6, where.size(), "one training_tasks row per task, failed ones too");
    assertEquals(6, where.stream().map(x -> x.getAs("run_id")).distinct().count());
    for (Row x : where) {
      assertEquals("driver", x.getAs("executor_id"));
      assertEquals("CpuBackend", x.getAs("nd4j_backend"));
      assertTrue(x.isNullAt(x.fieldIndex("gpu_address")) && x.isNullAt(x.fieldIndex("nd4j_device")), x.toString());
      assertTrue(!((java.sql.Timestamp) x.getAs("finished_at")).before(x.getAs("started_at")), x.toString());
    }
    // the loss per epoch of every ok run (2 epochs each), none for the failed spec
    List<Row> curves = lake.read(Tables.TRAINING_CURVES, "test").where("sweep_id = '" + r.sweepId() + "'")
        .orderBy("run_id", "epoch").collectAsList();
    assertEquals(3 * 2, curves.size());
    for (Row x : curves) {
      assertTrue(x.<String>getAs("run_id").startsWith(r.sweepId() + "-s0-"), x.toString());
      assertTrue(!x.isNullAt(x.fieldIndex("val_loss")) && Double.isFinite(x.<Double>getAs("train_loss")), x.toString());
      assertEquals(x.<Integer>getAs("epoch") == 2, x.<Boolean>getAs("kept"), "no early stopping: epoch 2 kept");
    }
    SequenceSweepJob.SpecSummary s0 = r.specs().get(0);
    assertEquals(3, s0.folds());
    assertEquals(0, s0.failed());
    assertTrue(Double.isFinite(s0.maeMean()));
  }

  @Test
  void gpusInLocalModeFailBeforeAnyTaskTrains() {
    long before = lake.exists(Tables.RUNS) ? lake.read(Tables.RUNS, "test").count() : 0;
    Config gpu = ConfigFactory.parseString("cyclelake.gpu.enabled = true").withFallback(config);
    var e = assertThrows(io.cyclelake.errors.CycleLakeException.class,
        () -> SequenceSweepJob.run(lake, gpu, Progress.quiet()));
    assertEquals(io.cyclelake.errors.ErrorCode.CONFIG_INVALID, e.code());
    assertTrue(e.getMessage().contains("local mode"), e.getMessage());
    assertEquals(before, lake.exists(Tables.RUNS) ? lake.read(Tables.RUNS, "test").count() : 0, "nothing recorded");
  }
}
