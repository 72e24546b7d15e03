package io.cyclelake.report;

import io.cyclelake.config.ConfigRender;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A tiny handwritten lake for the report tests, built once per test JVM: two cells, one NaN in an ICA curve, one
 * discharge without capacity, quarantined rows under two rules, a failed file, two runs (the later one shaped like a
 * sweep's: predictions with lower/upper, rows in feature_importance, a loss curve and an attention sample), and a
 * sweep {@value #SWEEP} of three specs over two folds (one run failed) with loss curves for one model.
 */
final class ReportFixture {
  static final String FEATURE_HASH = ConfigRender.hash(TestSpark.config(), "cyclelake.features");
  /** Discharge capacities per cell in order; null = no capacity recorded. */
  static final Double[] A1 = {2.0, 1.95, 1.9, null, 1.8};
  static final Double[] A2 = {1.9, 1.88, 1.86, 1.84, 1.82};
  static final double[] GRID = {3.5, 3.6, 3.7, 3.8, 3.9};
  static final String SWEEP = "sw1";
  /**
   * The sweep's specs (in the report's order: model, then params as text), as model, params, test MAE of fold f0 and
   * f1 (null = the run failed).
   */
  static final Object[][] SPECS = {
      {"mlp", "{\"hidden\":[16]}", 0.01, null},
      {"mlp", "{\"hidden\":[8]}", 0.02, 0.04},
      {"ridge", "{\"alpha\":1}", 0.05, 0.03}};
  /** Loss curve of r2: epoch, train loss, validation loss (null = not evaluated); epoch 2's weights kept. */
  static final Double[][] R2_CURVE = {{1.0, 0.5, 0.6}, {2.0, 0.3, 0.35}, {3.0, 0.2, null}};
  /** Attention sample of r2: cell, cycle, part, weights per valid step. */
  static final Object[][] R2_ATTENTION = {
      {"A1", 5, "test", new double[] {0.5, 0.3, 0.2}},
      {"A2", 3, "test", new double[] {0.1, 0.2, 0.3, 0.4}}};
  private static Lake lake;

  private ReportFixture() {}

  static synchronized Lake lake() throws IOException {
    if (lake != null) return lake;
    Path dir = Path.of(System.getProperty("cyclelake.project.dir", "."), "target", "report-fixture");
    if (Files.exists(dir)) {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Lake l = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    Timestamp t0 = Timestamp.valueOf("2026-01-01 00:00:00");

    List<Row> cycles = new ArrayList<>();
    addCell(cycles, "A1", 24.0, A1);
    addCell(cycles, "A2", 4.0, A2);
    cycles.add(RowFactory.create("A1", 10, "impedance", 24.0, null, null, 0.05, 0.07, null, null, 40L, 0L, "nasa",
        "uid-imp", "metadata.csv"));
    write(l, cycles, Tables.CYCLES_SCHEMA, Tables.CYCLES);

    List<Row> q = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      q.add(RowFactory.create("nasa", "data/A1.csv", 10L + i, 3, "Voltage_measured", "A1", 0, "number",
          "not a number: 'x'", "1,2,x"));
    }
    q.add(RowFactory.create("nasa", "data/A2.csv", 7L, null, null, "A2", 1, "field-count", "2 fields, expected 7",
        "1,2"));
    write(l, q, Tables.QUARANTINE_SCHEMA, Tables.QUARANTINE);

    List<Row> files = List.of(
        RowFactory.create("nasa", "/in/metadata.csv", "listing", 100L, t0, "aa", "A1,A2", "ok", 21L, 21L, 0L, null, t0),
        RowFactory.create("nasa", "/in/A1.csv", "data", 2000L, t0, "bb", "A1", "ok", 60L, 57L, 3L, null, t0),
        RowFactory.create("nasa", "/in/A2.csv.gz", "data", 500L, t0, "cc", "A2", "failed", 31L, 30L, 1L,
            "truncated gzip at line 32", t0));
    write(l, files, Tables.FILES_SCHEMA, Tables.FILES);

    List<Row> ica = new ArrayList<>();
    for (int c = 0; c < 10; c += 2) {
      List<Double> v = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = 0; i < GRID.length; i++) {
        v.add(GRID[i]);
        y.add(i == 4 ? Double.NaN : icaValue(c, i));
      }
      ica.add(RowFactory.create("A1", c, "charge", v, y, FEATURE_HASH, 0L));
    }
    // Another settings hash: must not be drawn.
    ica.add(RowFactory.create("A1", 0, "charge", List.of(3.5), List.of(99.0), "other-hash", 0L));
    write(l, ica, Tables.ICA_CURVES_SCHEMA, Tables.ICA_CURVES);

    List<Row> runs = new ArrayList<>();
    for (String part : List.of("train", "test")) {
      runs.add(run("r1", t0, part, 0.01));
      runs.add(run("r2", Timestamp.valueOf("2026-01-02 00:00:00"), part, part.equals("train") ? 0.005 : 0.02));
    }
    write(l, runs, Tables.RUNS_SCHEMA, Tables.RUNS);

    StructType predSchema = Tables.PREDICTIONS_SCHEMA;
    List<Row> preds = new ArrayList<>();
    for (Object[] p : predictions()) preds.add(RowFactory.create(p));
    preds.add(RowFactory.create("r1", "A1", 1, "test", 1.0, 0.5, null, null));
    write(l, preds, predSchema, Tables.PREDICTIONS);

    write(l, List.of(importance("r2", "voltage_mean_v", 0.5), importance("r2", "cycle_index", 0.8),
        importance("r1", "other", 5.0)), Tables.FEATURE_IMPORTANCE_SCHEMA, Tables.FEATURE_IMPORTANCE);

    List<Row> curves = new ArrayList<>();
    for (Double[] e : R2_CURVE) {
      curves.add(RowFactory.create("r2", null, "xgboost", null, null, e[0].intValue(), e[1], e[2], "mse (label units)",
          e[0] == 2.0));
    }
    List<Row> attention = new ArrayList<>();
    for (Object[] a : R2_ATTENTION) {
      double[] w = (double[]) a[3];
      List<Double> padded = new ArrayList<>();
      for (double v : w) padded.add(v);
      while (padded.size() < 5) padded.add(0.0);
      attention.add(RowFactory.create("r2", "s0", "lstm-attention", "f0", a[0], a[1], a[2], w.length, padded));
    }
    write(l, attention, Tables.ATTENTION_WEIGHTS_SCHEMA, Tables.ATTENTION_WEIGHTS);
    sweep(l, curves);
    write(l, curves, Tables.TRAINING_CURVES_SCHEMA, Tables.TRAINING_CURVES);
    lake = l;
    return l;
  }

  /** The sweep's runs and fold_metrics; its curves (for the mlp specs) go to {@code curves}. */
  private static void sweep(Lake l, List<Row> curves) {
    Timestamp t = Timestamp.valueOf("2025-12-31 00:00:00"); // before r1 and r2: "latest" stays r2
    List<Row> runs = new ArrayList<>();
    List<Row> metrics = new ArrayList<>();
    for (int s = 0; s < SPECS.length; s++) {
      for (int f = 0; f < 2; f++) {
        String run = SWEEP + "-s" + s + "-f" + f;
        String model = (String) SPECS[s][0];
        String params = (String) SPECS[s][1];
        Double mae = (Double) SPECS[s][2 + f];
        Object[] v = new Object[Tables.RUNS_SCHEMA.size()];
        v[idx("run_id")] = run;
        v[idx("created_at")] = t;
        v[idx("task")] = "soh";
        v[idx("model")] = model;
        v[idx("split")] = "loco";
        v[idx("cells")] = "A1,A2";
        v[idx("part")] = mae == null ? "none" : "test";
        v[idx("n")] = mae == null ? 0L : 4L;
        v[idx("mae")] = mae;
        v[idx("features")] = "voltage_mean_v";
        v[idx("config")] = "{}";
        v[idx("sweep_id")] = SWEEP;
        v[idx("fold")] = "f" + f;
        v[idx("params")] = params;
        v[idx("status")] = mae == null ? "failed" : "ok";
        runs.add(RowFactory.create(v));
        if (mae == null) continue;
        metrics.add(RowFactory.create(run, SWEEP, model, params, "f" + f, "test", "*", 4L, mae, mae * 1.5, null,
            0.9 - s * 0.1, mae * 3, null, null, 0.9, 0.75));
        // rows the report must not use: another part, one cell
        metrics.add(RowFactory.create(run, SWEEP, model, params, "f" + f, "train", "*", 9L, 9.0, 9.0, null, 0.0, 9.0,
            null, null, 0.9, 0.9));
        metrics.add(RowFactory.create(run, SWEEP, model, params, "f" + f, "test", "A1", 2L, 8.0, 8.0, null, 0.0, 8.0,
            null, null, 0.9, 0.5));
        if (model.equals("mlp")) {
          for (int e = 1; e <= 4; e++) {
            curves.add(RowFactory.create(run, SWEEP, model, params, "f" + f, e, 1.0 / e + s + f, e % 2 == 0
                ? 2.0 / e + s + f : null, "mse (label units)", e == 4));
          }
        }
      }
    }
    write(l, runs, Tables.RUNS_SCHEMA, Tables.RUNS);
    write(l, metrics, Tables.FOLD_METRICS_SCHEMA, Tables.FOLD_METRICS);
  }

  private static int idx(String column) {
    return Tables.RUNS_SCHEMA.fieldIndex(column);
  }

  static double icaValue(int cycle, int i) {
    return (i + 1) * 0.5 - cycle * 0.01;
  }

  /** run_id, cell_id, cycle_index, part, actual, predicted, lower, upper of run r2. */
  static List<Object[]> predictions() {
    List<Object[]> p = new ArrayList<>();
    p.add(new Object[] {"r2", "A1", 1, "train", 1.0, 0.99, 0.97, 1.01});
    p.add(new Object[] {"r2", "A1", 3, "train", 0.975, 0.98, 0.96, 1.0});
    p.add(new Object[] {"r2", "A1", 5, "test", 0.95, 0.93, 0.9, 0.96});
    p.add(new Object[] {"r2", "A2", 1, "train", 1.0, 1.0, null, null});
    p.add(new Object[] {"r2", "A2", 3, "test", 0.99, 1.02, 0.98, 1.05});
    p.add(new Object[] {"r2", "A2", 5, "test", 0.98, 0.95, 0.93, 0.97});
    return p;
  }

  private static Row run(String id, Timestamp t, String part, double mae) {
    Object[] v = new Object[Tables.RUNS_SCHEMA.size()]; // the sweep's columns (sweep_id, fold, ...) stay null
    Object[] given = {id, t, "soh", "xgboost", "chronological", "A1,A2", part, 3L, mae, mae * 1.2, mae * 100, 0.9, 1.0,
        1.0, "voltage_mean_v,cycle_index", "{}"};
    System.arraycopy(given, 0, v, 0, given.length);
    return RowFactory.create(v);
  }

  private static Row importance(String run, String feature, double value) {
    return RowFactory.create(run, "s1", "xgboost", feature, "mean-abs-shap", value);
  }

  private static void addCell(List<Row> rows, String cell, double temp, Double[] capacities) {
    for (int k = 0; k < capacities.length; k++) {
      rows.add(RowFactory.create(cell, 2 * k, "charge", temp, null, null, null, null, null, 3600.0, 100L, 0L, "nasa",
          cell + "-c" + k, "metadata.csv"));
      rows.add(RowFactory.create(cell, 2 * k + 1, "discharge", temp, null, capacities[k], null, null, null, 3000.0,
          90L, 0L, "nasa", cell + "-d" + k, "metadata.csv"));
    }
  }

  private static void write(Lake l, List<Row> rows, StructType schema, String table) {
    l.append(l.spark().createDataFrame(rows, schema), table);
  }
}
