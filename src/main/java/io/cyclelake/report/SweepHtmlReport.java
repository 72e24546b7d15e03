package io.cyclelake.report;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.eval.FoldStats;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Chart;
import io.cyclelake.report.html.HtmlPage;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SweepReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * The sweep report ({@code cyclelake report --sweep ID --html}): the test metrics of every fold × spec (a spec is a
 * model with one setting of its grid), the best settings per model, bars of each spec's mean test MAE and RMSE over
 * the folds with ±1 sample standard deviation as error bars, and the loss curves of the iterative trainers. Reads
 * {@code fold_metrics} (the all-cells test rows, as {@link SweepReport} does), {@code runs} and
 * {@code training_curves}.
 */
public final class SweepHtmlReport {
  static final List<String> FOLD_COLUMNS = List.of("spec", "model", "fold", "n", "mae", "rmse", "r2", "max_error",
      "coverage");
  /** The params (long) go last, so that the metrics stay in view. */
  static final List<String> SUMMARY_COLUMNS = List.of("spec", "model", "folds", "failed", "mae_mean", "mae_sd",
      "rmse_mean", "r2_mean", "coverage_mean", "params");

  private SweepHtmlReport() {}

  /**
   * One spec's test metrics over the folds.
   *
   * @param label the spec's name in the report: the model's name, or {@code model #k} when the sweep ran several
   *     settings of that model
   */
  record Spec(String label, String model, String params, Map<String, Row> byFold) {
    List<Double> metric(String name) {
      List<Double> v = new ArrayList<>();
      for (Row r : byFold.values()) v.add(r.isNullAt(r.fieldIndex(name)) ? Double.NaN : r.getDouble(r.fieldIndex(name)));
      return v;
    }
  }

  /** The specs of the sweep in model and params order, from {@link SweepReport#perFold}. */
  static List<Spec> specs(List<Row> perFold) {
    Map<String, Map<String, Map<String, Row>>> byModel = new LinkedHashMap<>();
    for (Row r : perFold) {
      byModel.computeIfAbsent(r.getString(0), m -> new LinkedHashMap<>())
          .computeIfAbsent(r.getString(1), p -> new LinkedHashMap<>()).put(r.getString(2), r);
    }
    List<Spec> out = new ArrayList<>();
    byModel.forEach((model, byParams) -> {
      int k = 1;
      for (var e : byParams.entrySet()) {
        out.add(new Spec(byParams.size() == 1 ? model : model + " #" + k, model, e.getKey(), e.getValue()));
        k++;
      }
    });
    return out;
  }

  public static HtmlPage build(Lake lake, String sweepId) {
    List<Row> perFold = SweepReport.perFold(lake, sweepId); // fails with a clear message for an unknown sweep
    List<Row> aggregate = SweepReport.aggregate(lake, sweepId);
    List<Spec> specs = specs(perFold);
    Map<String, String> labelOf = new LinkedHashMap<>();
    for (Spec s : specs) labelOf.put(key(s.model(), s.params()), s.label());

    HtmlPage page = new HtmlPage("CycleLake sweep report: " + sweepId).fact("lake", lake.root())
        .fact("sweep", sweepId).fact("generated", java.time.Instant.now().toString());
    Row head = lake.read(Tables.RUNS, "sweep").where(col("sweep_id").equalTo(sweepId)).orderBy("run_id").head();
    for (String f : List.of("created_at", "task", "split")) {
      if (!head.isNullAt(head.fieldIndex(f))) page.fact(f, String.valueOf(head.get(head.fieldIndex(f))));
    }
    page.fact("specs", Integer.toString(specs.size()));
    page.add(foldTable(specs));
    page.add(best(aggregate, labelOf));
    page.add(comparison(specs));
    TrainingSections.sweepLoss(lake, sweepId, c -> labelOf.getOrDefault(key(c.model(), c.params()), c.model()))
        .ifPresent(page::add);
    return page;
  }

  static Section foldTable(List<Spec> specs) {
    TreeSet<String> folds = new TreeSet<>();
    for (Spec s : specs) folds.addAll(s.byFold().keySet());
    List<String> header = new ArrayList<>(List.of("fold"));
    specs.forEach(s -> header.add(s.label()));
    List<List<Object>> matrix = new ArrayList<>();
    for (String f : folds) {
      List<Object> row = new ArrayList<>(List.of(f));
      for (Spec s : specs) {
        Row r = s.byFold().get(f);
        row.add(r == null || r.isNullAt(r.fieldIndex("mae")) ? null : r.getDouble(r.fieldIndex("mae")));
      }
      matrix.add(row);
    }
    List<List<Object>> long_ = new ArrayList<>();
    for (Spec s : specs) {
      for (Row r : s.byFold().values()) {
        long_.add(Arrays.asList(s.label(), s.model(), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7),
            r.get(8)));
      }
    }
    List<List<Object>> specRows = new ArrayList<>();
    for (Spec s : specs) specRows.add(Arrays.asList(s.label(), s.model(), s.params()));
    return new Section("fold-metrics", "Metrics per fold and spec")
        .text("Test MAE of each fold (rows) and spec (columns); an empty cell is a run that failed or has no test "
            + "rows. Table fold_metrics, all cells of each fold's test part.")
        .table("fold-spec-table", header, matrix)
        .text("Every test metric per fold:")
        .table("fold-metrics-table", FOLD_COLUMNS, long_)
        .text("The specs (a model with one point of its settings grid):")
        .table("specs-table", List.of("spec", "model", "params"), specRows);
  }

  static Section best(List<Row> aggregate, Map<String, String> labelOf) {
    List<List<Object>> all = new ArrayList<>();
    List<List<Object>> best = new ArrayList<>();
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    for (Row r : aggregate) {
      List<Object> v = new ArrayList<>();
      v.add(labelOf.getOrDefault(key(r.getString(0), r.getString(1)), r.getString(0)));
      v.add(r.get(0));
      for (int i = 2; i <= 8; i++) v.add(r.get(i)); // folds .. coverage_mean of SweepReport.aggregate
      v.add(r.get(1));
      all.add(v);
      if (r.get(4) != null && seen.add(r.getString(0))) best.add(v); // mae_mean
    }
    return new Section("best-settings", "Best settings")
        .text("Per model, the settings with the lowest mean test MAE over the folds (sd = sample standard deviation "
            + "over folds; failed = runs that failed):")
        .table("best-table", SUMMARY_COLUMNS, best)
        .text("Every spec, best first:")
        .table("summary-table", SUMMARY_COLUMNS, all);
  }

  static Section comparison(List<Spec> specs) {
    List<String> labels = specs.stream().map(Spec::label).toList();
    Section s = new Section("comparison", "Comparison").text("Mean test metric of each spec over its folds; the "
        + "error bars span ± one sample standard deviation over the folds (none for a single fold).");
    for (String m : List.of("mae", "rmse")) {
      List<Double> mean = new ArrayList<>();
      List<Double> sd = new ArrayList<>();
      for (Spec sp : specs) {
        mean.add(FoldStats.mean(sp.metric(m)));
        sd.add(FoldStats.sd(sp.metric(m)));
      }
      s.chart(Chart.bar("chart-" + m, "Test " + m.toUpperCase() + " per spec (mean ± sd over folds)", "spec", m,
          labels, false, List.of(Chart.Series.barsWithErrors(m + " mean", mean, sd))));
    }
    return s;
  }

  private static String key(String model, String params) {
    return model + "\u0000" + params;
  }
}
