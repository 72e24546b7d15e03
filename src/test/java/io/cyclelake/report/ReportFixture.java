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
 * sweep's: predictions with lower/upper, rows in feature_importance).
 */
final class ReportFixture {
  static final String FEATURE_HASH = ConfigRender.hash(TestSpark.config(), "cyclelake.features");
  /** Discharge capacities per cell in order; null = no capacity recorded. */
  static final Double[] A1 = {2.0, 1.95, 1.9, null, 1.8};
  static final Double[] A2 = {1.9, 1.88, 1.86, 1.84, 1.82};
  static final double[] GRID = {3.5, 3.6, 3.7, 3.8, 3.9};
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
    lake = l;
    return l;
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
