package io.cyclelake.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SweepJob;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cycle-life task on a handwritten features_summary and features_early_life: one row per cell, label = end of
 * life in discharges worked out by hand, per-group pairs and end-of-life rules, and every cell left out listed.
 */
class CycleLifeLabelsTest {
  @TempDir static Path dir;
  static Lake lake;
  /** The settings hash of the default features, under which a sweep looks for its rows. */
  static final String H = io.cyclelake.config.ConfigRender.hash(TestSpark.config(), "cyclelake.features");

  // Group "N" (1.4 Ah absolute, 1 discharge below, pair [2, 4]).
  /** First below 1.4 Ah at its 6th discharge: label 6, row = its 4th discharge (cycle_index 7). */
  static final double[] N1 = {1.60, 1.58, 1.55, 1.50, 1.45, 1.39, 1.35};
  /** Never below 1.4 Ah: censored. */
  static final double[] N2 = {1.60, 1.50, 1.45, 1.42, 1.41};
  /** Below 1.4 Ah at its 3rd discharge, before discharge 4 of its features: left out. */
  static final double[] N3 = {1.50, 1.45, 1.38, 1.30, 1.20};
  // Default group (0.8 x median of the first 3, 1 discharge below, pair [1, 3]).
  /** Median of 1.00, 1.10, 1.05 = 1.05; 0.84 Ah first undercut by 0.83 at its 7th discharge: label 7, row cycle 5. */
  static final double[] C1 = {1.00, 1.10, 1.05, 1.00, 0.95, 0.90, 0.83, 0.80};

  @BeforeAll
  static void lake() {
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    Map<String, double[]> cells = new TreeMap<>(Map.of("N1", N1, "N2", N2, "N3", N3, "C1", C1, "C2", C1));
    StructType summary = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("cycle_number", DataTypes.IntegerType)
        .add("capacity_counter_ah", DataTypes.DoubleType).add("voltage_mean_v", DataTypes.DoubleType)
        .add("ambient_temperature_c", DataTypes.DoubleType).add(Tables.FEATURE_HASH, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    cells.forEach((cell, caps) -> {
      for (int k = 0; k < caps.length; k++) {
        rows.add(RowFactory.create(cell, 2 * k, "charge", k + 1, null, 4.0, 24.0, H));
        rows.add(RowFactory.create(cell, 2 * k + 1, "discharge", k + 1, caps[k], 3.5 - k / 100.0, 24.0, H));
      }
    });
    lake.overwrite(TestSpark.get().createDataFrame(rows, summary), Tables.FEATURES_SUMMARY);

    StructType early = new StructType().add("cell_id", DataTypes.StringType).add("status", DataTypes.StringType)
        .add(Tables.FEATURE_HASH, DataTypes.StringType);
    for (String c : CycleLifeTask.EARLY_LIFE_COLUMNS) {
      early = early.add(c, c.startsWith("cycle_") || c.equals("n_grid_points") ? DataTypes.IntegerType
          : DataTypes.DoubleType);
    }
    List<Row> el = new ArrayList<>();
    el.add(earlyRow("N1", 2, 4, "ok", -3.0));
    el.add(earlyRow("N1", 1, 3, "ok", -9.0)); // another pair: must not be used for N1
    el.add(earlyRow("N2", 2, 4, "ok", -2.5));
    el.add(earlyRow("N3", 2, 4, "ok", -2.0));
    el.add(earlyRow("C1", 1, 3, "ok", -1.5));
    el.add(earlyRow("C2", 1, 3, "not-enough-discharges", null));
    lake.overwrite(TestSpark.get().createDataFrame(el, early), Tables.FEATURES_EARLY_LIFE);
  }

  /** A features_early_life row with log10 variance {@code v} (null: the statistics are null), other values arbitrary. */
  static Row earlyRow(String cell, int a, int b, String status, Double v) {
    List<Object> r = new ArrayList<>(List.of(cell, status, H, a, b, v == null ? 0 : 100));
    for (String c : CycleLifeTask.EARLY_LIFE_COLUMNS.subList(3, CycleLifeTask.EARLY_LIFE_COLUMNS.size())) {
      r.add(v == null ? null : c.equals("delta_q_log10_variance") ? v : c.equals("delta_q_variance")
          ? Math.pow(10, v) : v + c.length());
    }
    return RowFactory.create(r.toArray());
  }

  static Config config(String... more) {
    List<String> sets = new ArrayList<>(List.of(
        "train.rul.eol = fraction-of-initial", "train.rul.initial-cycles = 3", "train.rul.eol-consecutive = 1",
        "train.cycle-life.pair = [1, 3]",
        "train.cycle-life.groups = [{ cells = [N1, N2, N3], pair = [2, 4], rul { eol = absolute, "
            + "eol-capacity-ah = 1.4 } }]"));
    sets.addAll(List.of(more));
    return TestSpark.config(sets.toArray(String[]::new));
  }

  @Test
  void oneRowPerCellWithItsEndOfLifeAndEveryOtherCellListed() {
    LabelTask.Labels l = LabelTask.registry().get("cycle-life").labels(lake, config(), List.of(), H);
    List<Row> rows = l.rows().orderBy("cell_id").select("cell_id", "cycle_index", "label", "cycle_a", "cycle_b",
        "delta_q_log10_variance", "capacity_ah", "voltage_mean_v", "eol_threshold_ah").collectAsList();
    assertEquals(2, rows.size(), rows.toString());
    Row c1 = rows.get(0);
    assertEquals("C1", c1.getString(0));
    assertEquals(5, c1.getInt(1)); // its 3rd discharge
    assertEquals(7.0, c1.getDouble(2));
    assertEquals(1, c1.getInt(3));
    assertEquals(3, c1.getInt(4));
    assertEquals(-1.5, c1.getDouble(5));
    assertEquals(1.05, c1.getDouble(6), 1e-12);
    assertEquals(3.48, c1.getDouble(7), 1e-12);
    assertEquals(0.84, c1.getDouble(8), 1e-12);
    Row n1 = rows.get(1);
    assertEquals("N1", n1.getString(0));
    assertEquals(7, n1.getInt(1)); // its 4th discharge
    assertEquals(6.0, n1.getDouble(2));
    assertEquals(2, n1.getInt(3));
    assertEquals(4, n1.getInt(4));
    assertEquals(-3.0, n1.getDouble(5), "the pair [2, 4] of N1's group, not [1, 3]");
    assertEquals(1.4, n1.getDouble(8), 1e-12);

    assertEquals(List.of("N2"), l.censored().stream().map(LabelTask.Censored::cellId).toList());
    assertEquals(1.41, l.censored().get(0).lastCapacityAh(), 1e-12);
    LabelReport report = LabelReport.of("cycle-life", l);
    List<String> excluded = report.excluded().stream().map(r -> r.getString(0) + (r.isNullAt(1) ? "" : "?") + ": "
        + r.getString(3)).toList();
    assertEquals(2, excluded.size(), excluded.toString());
    assertTrue(excluded.get(0).startsWith("C2: no early-life features of discharges 1→3 (not-enough-discharges)"),
        excluded.toString());
    assertTrue(excluded.get(1).startsWith("N3: end of life at discharge 3, not after discharge 4"),
        excluded.toString());
  }

  @Test
  void aPairMissingFromFeaturesEarlyLifeIsReportedAndABadPairIsAConfigError() {
    LabelTask.Labels l = LabelTask.registry().get("cycle-life").labels(lake, config("train.cycle-life.pair = [1, 5]"),
        List.of("C1"), H);
    assertEquals(0, l.rows().count());
    String reason = LabelReport.of("cycle-life", l).excluded().get(0).getString(3);
    assertTrue(reason.contains("add [1, 5] to features.early-life.pairs"), reason);
    var e = assertThrows(CycleLakeException.class, () -> LabelTask.registry().get("cycle-life")
        .labels(lake, config("train.cycle-life.pair = [3, 3]"), List.of(), "h"));
    assertTrue(e.getMessage().contains("train.cycle-life.pair must be [a, b] with 1 <= a < b"), e.getMessage());
  }

  /**
   * A LOCO sweep over the five cells: the censored and left-out cells are listed, not an error; two folds, each
   * tested on one cell. The dummy predicts the other cell's life: |7 - 6| = 1 discharge in both folds.
   */
  @Test
  void looSweepOverCellsRecordsEveryCellLeftOut() {
    Config c = config("sweep.task = cycle-life", "sweep.name = cl", "sweep.split = loco",
        "sweep.cells = [C1, C2, N1, N2, N3]", "sweep.features = [delta_q_log10_variance]",
        "sweep.models = [{ model = dummy }]", "split.loco.validation-cells = 0", "sweep.save-models = false");
    SweepJob.Result r = SweepJob.run(lake, c, Progress.quiet());
    assertEquals(2, r.tasks());
    assertEquals(0, r.failed());
    List<Row> m = lake.read(Tables.FOLD_METRICS, "sweep").where("sweep_id = '" + r.sweepId() + "' AND part = 'test'"
        + " AND cell_id = '*'").orderBy("fold").select("fold", "n", "mae").collectAsList();
    assertEquals(2, m.size(), m.toString());
    for (Row f : m) {
      assertEquals(1L, f.getLong(1));
      assertEquals(1.0, f.getDouble(2), 1e-12, f.toString());
    }
    assertEquals(3, lake.read(Tables.LABEL_EXCLUSIONS, "sweep").where("run_id = '" + r.sweepId() + "'").count());
  }
}
