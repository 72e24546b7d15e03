package io.cyclelake.experiment;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.lake.Lake;
import io.cyclelake.report.plot.SvgCharts;
import io.cyclelake.schema.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The figures of an experiment's results page, as SVG files under {@code img/NAME/}: per step, the test predictions
 * of its best spec (lowest mean test MAE) against the actual label, one colour per cell; the test MAE of its best
 * {@link #BARS} specs per fold, with the mean ± sd over folds; for a RUL step, the predicted and the true RUL of each
 * test cell over its cycles. Predictions are read from {@code predictions} (part test), the fold metrics are the
 * {@link ExperimentReport.Spec}s' (from {@code fold_metrics}).
 */
public final class ExperimentFigures {
  private ExperimentFigures() {}

  /** Specs per step in the fold bars. */
  public static final int BARS = 3;

  /** One figure: the step it shows, its kind (predicted, folds, rul), its file and a caption. */
  public record Figure(String step, String kind, Path file, String caption) {}

  /** The spec of {@code step} with the lowest mean test MAE, or null if none has one. */
  static List<ExperimentReport.Spec> best(List<ExperimentReport.Spec> specs, String step, int n) {
    return specs.stream().filter(s -> s.step().equals(step) && !Double.isNaN(s.mean("test", 0)))
        .sorted(Comparator.comparingDouble(s -> s.mean("test", 0))).limit(n).toList();
  }

  /**
   * Draws the figures of the run's successful steps into {@code dir} (whose earlier SVG files the caller removed)
   * and returns them in page order.
   */
  public static List<Figure> write(Lake lake, Experiment e, ExperimentJob.Result run,
      List<ExperimentReport.Spec> specs, Path dir) {
    List<Figure> out = new ArrayList<>();
    Map<String, ExperimentReport.Spec> bestOf = new LinkedHashMap<>();
    for (ExperimentJob.StepResult s : run.steps()) {
      if (s.sweepId() == null) continue;
      List<ExperimentReport.Spec> b = best(specs, s.step().name(), 1);
      if (!b.isEmpty()) bestOf.put(s.step().name(), b.get(0));
    }
    if (bestOf.isEmpty()) return out;
    Map<String, String> tasks = tasks(lake, bestOf.values());
    Map<String, List<Row>> preds = testPredictions(lake, bestOf.values());
    for (Map.Entry<String, ExperimentReport.Spec> en : bestOf.entrySet()) {
      String step = en.getKey();
      ExperimentReport.Spec spec = en.getValue();
      boolean rul = "rul".equals(tasks.get(spec.sweepId()));
      String what = io.cyclelake.train.LabelTask.registry().names().contains(tasks.get(spec.sweepId()))
          ? io.cyclelake.train.LabelTask.registry().get(tasks.get(spec.sweepId())).labelName() : "label";
      List<Row> rows = preds.getOrDefault(prefix(spec), List.of());
      Map<String, List<Row>> byCell = new TreeMap<>();
      for (Row r : rows) byCell.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
      byCell.values().forEach(l -> l.sort(Comparator.comparingInt(r -> r.getInt(1))));
      int every = SvgCharts.thinningStep(rows.size());
      String thinned = every == 1 ? "all drawn" : "every " + ordinal(every) + " of each cell drawn";
      String title = e.name() + " / " + step + ": " + spec.label();

      List<SvgCharts.Series> points = new ArrayList<>();
      byCell.forEach((cell, l) -> points.add(SvgCharts.thin(series(cell, l, 2, 3), every)));
      Path scatter = dir.resolve(step + "-predicted.svg");
      SvgCharts.write(scatter, SvgCharts.scatter(title, "actual " + what, "predicted " + what, points, true));
      out.add(new Figure(step, "predicted", scatter, "Predicted against actual " + what + " of the test "
          + "predictions of the step's best spec (lowest mean test MAE), " + spec.label() + ", over its "
          + spec.folds().size() + " folds; one colour per cell; dashed: y = x. " + rows.size() + " predictions, "
          + thinned + "."));

      if (rul) {
        List<SvgCharts.Series> truth = new ArrayList<>();
        List<SvgCharts.Series> predicted = new ArrayList<>();
        byCell.forEach((cell, l) -> {
          truth.add(SvgCharts.thin(series(cell + " true", l, 1, 2), every));
          predicted.add(SvgCharts.thin(series(cell + " predicted", l, 1, 3), every));
        });
        Path f = dir.resolve(step + "-rul.svg");
        SvgCharts.write(f, SvgCharts.linesAndPoints(e.name() + " / " + step + ": RUL of the test cells, "
            + spec.label(), "cycle index", "RUL (discharges)", truth, predicted));
        out.add(new Figure(step, "rul", f, "Predicted (squares) and true (line) RUL of each test cell over its "
            + "cycles, " + spec.label() + "; " + rows.size() + " predictions, " + thinned + "."));
      }

      List<ExperimentReport.Spec> top = best(specs, step, BARS);
      List<String> folds = new ArrayList<>();
      top.forEach(s -> s.folds().forEach(f -> {
        if (!folds.contains(f)) folds.add(f);
      }));
      boolean withMean = folds.size() > 1;
      List<String> categories = new ArrayList<>(folds);
      if (withMean) categories.add("mean ± sd");
      List<SvgCharts.Bars> bars = new ArrayList<>();
      for (ExperimentReport.Spec s : top) {
        double[] v = new double[categories.size()];
        double[] err = new double[categories.size()];
        java.util.Arrays.fill(v, Double.NaN);
        java.util.Arrays.fill(err, Double.NaN);
        List<double[]> test = s.byPart().get("test");
        for (int i = 0; i < s.folds().size(); i++) v[folds.indexOf(s.folds().get(i))] = test.get(i)[0];
        if (withMean) {
          v[folds.size()] = s.mean("test", 0);
          err[folds.size()] = s.sd("test", 0);
        }
        bars.add(new SvgCharts.Bars(s.label(), v, err));
      }
      Path f = dir.resolve(step + "-folds.svg");
      SvgCharts.write(f, SvgCharts.bars(e.name() + " / " + step + ": test MAE per fold", "test MAE, " + what,
          categories, bars));
      out.add(new Figure(step, "folds", f, "Test MAE per fold of the step's " + top.size() + " best specs (by "
          + "mean test MAE)" + (withMean ? "; last group: mean over folds, error bar ± 1 sd" : "") + "."));
    }
    return out;
  }

  private static String ordinal(int n) {
    return n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    });
  }

  /** A series of column {@code x} against {@code y} of rows (cell_id, cycle_index, actual, predicted). */
  private static SvgCharts.Series series(String name, List<Row> rows, int x, int y) {
    double[] xs = new double[rows.size()];
    double[] ys = new double[rows.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = ((Number) rows.get(i).get(x)).doubleValue();
      ys[i] = ((Number) rows.get(i).get(y)).doubleValue();
    }
    return new SvgCharts.Series(name, xs, ys);
  }

  private static String prefix(ExperimentReport.Spec s) {
    return s.sweepId() + "-s" + s.index() + "-f";
  }

  /** runs.task of each sweep. */
  private static Map<String, String> tasks(Lake lake, java.util.Collection<ExperimentReport.Spec> specs) {
    Map<String, String> out = new HashMap<>();
    List<Object> ids = specs.stream().map(s -> (Object) s.sweepId()).distinct().toList();
    for (Row r : lake.read(Tables.RUNS, "cyclelake sweep").where(col("sweep_id").isin(ids.toArray()))
        .select("sweep_id", "task").distinct().collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  /** Test predictions (cell_id, cycle_index, actual, predicted) of each spec, by its run-id prefix. */
  private static Map<String, List<Row>> testPredictions(Lake lake,
      java.util.Collection<ExperimentReport.Spec> specs) {
    Column any = null;
    for (ExperimentReport.Spec s : specs) {
      Column c = col("run_id").startsWith(prefix(s));
      any = any == null ? c : any.or(c);
    }
    Map<String, List<Row>> out = new HashMap<>();
    for (Row r : lake.read(Tables.PREDICTIONS, "cyclelake sweep").where(col("part").equalTo("test").and(any))
        .select("run_id", "cell_id", "cycle_index", "actual", "predicted").collectAsList()) {
      String run = r.getString(0);
      String key = run.substring(0, run.lastIndexOf("-f") + 2);
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(org.apache.spark.sql.RowFactory.create(r.getString(1),
          r.getInt(2), r.getDouble(3), r.getDouble(4)));
    }
    return out;
  }
}
