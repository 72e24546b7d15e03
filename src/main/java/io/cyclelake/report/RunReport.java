package io.cyclelake.report;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Chart;
import io.cyclelake.report.html.HtmlPage;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The run report: metrics, predicted against actual (with intervals where the run recorded {@code lower}/{@code upper}),
 * residuals by cell and by cycle, and feature importance where a {@code feature_importance} table holds the run.
 * Optional columns are used when present, so the same report reads a training run's and a sweep's tables:
 * {@code runs} / {@code fold_metrics} (run_id, model, split, part, fold, metrics), {@code predictions} (run_id,
 * cell_id, cycle_index, actual, predicted, optional part, fold, model, lower, upper), {@code feature_importance}
 * (run_id, feature, kind, importance); the loss per epoch and the attention heat map come from
 * {@link TrainingSections}.
 */
public final class RunReport {
  static final List<String> METRIC_COLUMNS = List.of("model", "split", "part", "fold", "n", "mae", "rmse", "mape_pct",
      "r2", "within_3pct", "within_5pct", "coverage");

  private RunReport() {}

  /** The id of {@code id}, or of the run created last when {@code id} is {@code latest}. */
  public static String resolve(Lake lake, String id) {
    Dataset<Row> runs = lake.read(Tables.RUNS, "train");
    if (!id.equals("latest")) {
      if (runs.where(col("run_id").equalTo(id)).isEmpty()) {
        throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no run '" + id + "' in " + lake.path(Tables.RUNS)
            + "; `cyclelake report` lists the latest runs");
      }
      return id;
    }
    String order = has(runs, "created_at") ? "created_at" : "run_id";
    List<Row> last = runs.orderBy(col(order).desc(), col("run_id").desc()).select("run_id").limit(1).collectAsList();
    if (last.isEmpty()) {
      throw new CycleLakeException(ErrorCode.TABLE_MISSING, "the runs table of " + lake.root() + " is empty; run "
          + "`cyclelake train` first");
    }
    return last.get(0).getString(0);
  }

  public static HtmlPage build(Lake lake, String runId) {
    Dataset<Row> runs = lake.read(Tables.RUNS, "train").where(col("run_id").equalTo(runId));
    HtmlPage page = new HtmlPage("CycleLake run report: " + runId).fact("lake", lake.root()).fact("run", runId)
        .fact("generated", java.time.Instant.now().toString());
    Row head = runs.head();
    for (String f : List.of("created_at", "task", "model", "split", "cells", "features")) {
      if (has(runs, f) && !head.isNullAt(head.fieldIndex(f))) page.fact(f, String.valueOf(head.get(head.fieldIndex(f))));
    }
    page.add(metrics(lake, runs, runId));
    Dataset<Row> preds = lake.readOrEmpty(Tables.PREDICTIONS, Tables.PREDICTIONS_SCHEMA)
        .where(col("run_id").equalTo(runId));
    List<Prediction> p = predictions(preds);
    page.add(parity(p));
    page.add(residuals(p));
    page.add(importance(lake, runId));
    page.add(TrainingSections.runLoss(lake, runId));
    String model = has(runs, "model") && !head.isNullAt(head.fieldIndex("model")) ? head.getAs("model") : null;
    TrainingSections.attention(lake, runId, model).ifPresent(page::add);
    page.add(modelCard(lake, runId));
    return page;
  }

  /** The run's model card as a section: a train run's own, or its spec's for a run of a sweep (ModelCard#forRun). */
  static Section modelCard(Lake lake, String runId) {
    return io.cyclelake.report.card.ModelCard.forRun(lake, runId, null);
  }

  static Section metrics(Lake lake, Dataset<Row> runs, String runId) {
    Section s = new Section("metrics", "Metrics");
    List<String> cols = present(runs, METRIC_COLUMNS);
    s.text("Metrics of the run per evaluated part (table runs); SOH in fractions of the reference capacity.")
        .table("metrics-table", cols, rows(runs, cols, "part"));
    if (lake.exists(Tables.FOLD_METRICS)) {
      Dataset<Row> folds = lake.read(Tables.FOLD_METRICS, "sweep").where(col("run_id").equalTo(runId));
      if (!folds.isEmpty()) {
        List<String> foldCols = present(folds, METRIC_COLUMNS);
        s.text("Per fold (table fold_metrics):").table("fold-metrics-table", foldCols, rows(folds, foldCols, "fold"));
      }
    }
    return s;
  }

  /** One predicted cycle; {@code group} is the part (or fold, or model) the point is plotted under. */
  record Prediction(String cell, int cycle, String group, double actual, double predicted, double lower,
      double upper) {}

  static List<Prediction> predictions(Dataset<Row> preds) {
    String group = has(preds, "part") ? "part" : has(preds, "fold") ? "fold" : has(preds, "model") ? "model" : null;
    boolean iv = has(preds, "lower") && has(preds, "upper");
    Column g = group == null ? org.apache.spark.sql.functions.lit("all") : col(group).cast("string");
    Column lo = iv ? col("lower").cast("double") : org.apache.spark.sql.functions.lit(Double.NaN);
    Column hi = iv ? col("upper").cast("double") : org.apache.spark.sql.functions.lit(Double.NaN);
    List<Prediction> out = new ArrayList<>();
    for (Row r : preds.select(col("cell_id"), col("cycle_index"), g, col("actual"), col("predicted"), lo, hi)
        .orderBy("cell_id", "cycle_index").collectAsList()) {
      out.add(new Prediction(r.getString(0), r.getInt(1), r.isNullAt(2) ? "none" : r.getString(2), num(r, 3),
          num(r, 4), num(r, 5), num(r, 6)));
    }
    return out;
  }

  static Section parity(List<Prediction> p) {
    Section s = new Section("predicted-vs-actual", "Predicted vs actual");
    if (p.isEmpty()) return s.text("The run recorded no predictions.");
    Map<String, List<Prediction>> byGroup = group(p, Prediction::group);
    List<Chart.Series> series = new ArrayList<>();
    long withInterval = p.stream().filter(x -> Double.isFinite(x.lower()) && Double.isFinite(x.upper())).count();
    byGroup.forEach((g, list) -> {
      double[] a = list.stream().mapToDouble(Prediction::actual).toArray();
      double[] y = list.stream().mapToDouble(Prediction::predicted).toArray();
      series.add(withInterval > 0 ? Chart.Series.withIntervals(g, a, y,
          list.stream().mapToDouble(Prediction::lower).toArray(), list.stream().mapToDouble(Prediction::upper).toArray())
          : Chart.Series.points(g, a, y));
    });
    return s.text(p.size() + " predicted cycles, one series per " + (byGroup.size() > 1 ? "group (" + String.join(", ",
            byGroup.keySet()) + ")" : "run") + "; the dashed line is y = x. " + (withInterval > 0 ? withInterval
            + " predictions carry an interval [lower, upper], drawn as error bars." : "The run recorded no intervals."))
        .chart(Chart.scatter("chart-parity", "Predicted vs actual", "actual", "predicted", true, series));
  }

  static Section residuals(List<Prediction> p) {
    Section s = new Section("residuals", "Residuals");
    if (p.isEmpty()) return s.text("The run recorded no predictions.");
    Map<String, List<Prediction>> byCell = group(p, Prediction::cell);
    List<String> cells = new ArrayList<>(byCell.keySet());
    List<double[]> boxes = new ArrayList<>();
    List<List<Object>> t = new ArrayList<>();
    for (String c : cells) {
      double[] r = byCell.get(c).stream().mapToDouble(x -> x.predicted() - x.actual()).sorted().toArray();
      boxes.add(new double[] {r[0], quantile(r, 0.25), quantile(r, 0.5), quantile(r, 0.75), r[r.length - 1]});
      double mae = Arrays.stream(r).map(Math::abs).average().orElse(Double.NaN);
      double bias = Arrays.stream(r).average().orElse(Double.NaN);
      t.add(Arrays.asList(c, (long) r.length, bias, mae, r[0], r[r.length - 1]));
    }
    List<Chart.Series> byCycle = new ArrayList<>();
    byCell.forEach((c, list) -> byCycle.add(Chart.Series.points(c,
        list.stream().mapToDouble(Prediction::cycle).toArray(),
        list.stream().mapToDouble(x -> x.predicted() - x.actual()).toArray())));
    return s.text("Residual = predicted − actual, over every predicted cycle (all parts).")
        .chart(Chart.boxplot("chart-residuals-cell", "Residuals by cell", "cell", "residual", cells,
            Chart.Series.boxes("residual", boxes)))
        .table("residuals-table", List.of("cell", "n", "mean residual", "MAE", "min", "max"), t)
        .chart(Chart.scatter("chart-residuals-cycle", "Residuals by cycle", "cycle_index", "residual", false,
            byCycle));
  }

  static Section importance(Lake lake, String runId) {
    Section s = new Section("feature-importance", "Feature importance");
    if (!lake.exists(Tables.FEATURE_IMPORTANCE)) {
      return s.text("The lake has no feature_importance table: this run recorded no feature importance or SHAP "
          + "values.");
    }
    List<Row> rows = lake.read(Tables.FEATURE_IMPORTANCE, "sweep").where(col("run_id").equalTo(runId)).groupBy("feature")
        .agg(org.apache.spark.sql.functions.avg(col("importance").cast("double")).as("importance"),
            org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)).as("rows"))
        .orderBy(col("importance").desc(), col("feature")).collectAsList();
    if (rows.isEmpty()) return s.text("feature_importance has no rows for this run.");
    List<String> features = rows.stream().map(r -> r.getString(0)).toList();
    List<Double> values = rows.stream().map(r -> r.getDouble(1)).toList();
    boolean averaged = rows.stream().anyMatch(r -> r.getLong(2) > 1);
    return s.text("Importance per feature (table feature_importance" + (averaged ? ", mean over its rows for the run,"
            + " e.g. folds" : "") + "), largest first.")
        .chart(Chart.bar("chart-importance", "Feature importance", "feature", "importance", features, true,
            List.of(Chart.Series.bars("importance", values))));
  }

  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(i + 1, sorted.length - 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }

  private static <K> Map<K, List<Prediction>> group(List<Prediction> p, java.util.function.Function<Prediction, K> k) {
    Map<K, List<Prediction>> m = new TreeMap<>();
    for (Prediction x : p) m.computeIfAbsent(k.apply(x), z -> new ArrayList<>()).add(x);
    return new LinkedHashMap<>(m);
  }

  private static double num(Row r, int i) {
    return r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
  }

  static boolean has(Dataset<Row> d, String column) {
    return Arrays.asList(d.columns()).contains(column);
  }

  /** The wanted columns that {@code d} has and that hold a value in at least one of its rows. */
  private static List<String> present(Dataset<Row> d, List<String> wanted) {
    List<String> cols = wanted.stream().filter(c -> has(d, c)).toList();
    if (cols.isEmpty()) return cols;
    Row counts = d.agg(org.apache.spark.sql.functions.count(cols.get(0)),
        cols.stream().skip(1).map(org.apache.spark.sql.functions::count).toArray(Column[]::new)).first();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) if (counts.getLong(i) > 0) out.add(cols.get(i));
    return out;
  }

  private static List<List<Object>> rows(Dataset<Row> d, List<String> cols, String orderBy) {
    Dataset<Row> sel = d.select(cols.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    if (orderBy.equals("part") && has(sel, "part")) {
      sel = sel.orderBy(org.apache.spark.sql.functions.expr(
          "CASE part WHEN 'train' THEN 0 WHEN 'validation' THEN 1 WHEN 'test' THEN 2 ELSE 3 END"));
    } else if (has(sel, orderBy)) {
      sel = sel.orderBy(orderBy);
    }
    List<List<Object>> out = new ArrayList<>();
    for (Row r : sel.collectAsList()) {
      List<Object> v = new ArrayList<>();
      for (int i = 0; i < cols.size(); i++) v.add(r.get(i));
      out.add(v);
    }
    return out;
  }
}
