package io.cyclelake.report;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Chart;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The report sections about how a model trained: loss per epoch from {@code training_curves} (a run's, or a sweep's
 * per spec and fold) and the attention heat map from {@code attention_weights}. Used by {@link RunReport} and
 * {@link SweepHtmlReport}.
 */
public final class TrainingSections {
  private TrainingSections() {}

  /** One run's curve as read from {@code training_curves}. */
  record Curve(String runId, String model, String params, String fold, String loss, List<Row> epochs) {
    double[] epoch() {
      return epochs.stream().mapToDouble(r -> r.getInt(0)).toArray();
    }

    double[] train() {
      return epochs.stream().mapToDouble(r -> r.getDouble(1)).toArray();
    }

    double[] validation() {
      return epochs.stream().mapToDouble(r -> r.isNullAt(2) ? Double.NaN : r.getDouble(2)).toArray();
    }

    int kept() {
      return epochs.stream().filter(r -> r.getBoolean(3)).mapToInt(r -> r.getInt(0)).findFirst().orElse(-1);
    }
  }

  /** The curves of the runs that {@code filter} selects, in run id order (empty without the table). */
  static List<Curve> curves(Lake lake, Column filter) {
    if (!lake.exists(Tables.TRAINING_CURVES)) return List.of();
    List<Row> rows = lake.read(Tables.TRAINING_CURVES, "sweep").where(filter)
        .select("run_id", "model", "params", "fold", "loss", "epoch", "train_loss", "val_loss", "kept")
        .orderBy("run_id", "epoch").collectAsList();
    Map<String, List<Row>> byRun = new LinkedHashMap<>();
    Map<String, Row> first = new LinkedHashMap<>();
    for (Row r : rows) {
      byRun.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(org.apache.spark.sql.RowFactory.create(
          r.getInt(5), r.getDouble(6), r.isNullAt(7) ? null : r.getDouble(7), r.getBoolean(8)));
      first.putIfAbsent(r.getString(0), r);
    }
    List<Curve> out = new ArrayList<>();
    byRun.forEach((run, epochs) -> {
      Row f = first.get(run);
      out.add(new Curve(run, f.getString(1), f.getString(2), f.getString(3), f.getString(4), epochs));
    });
    return out;
  }

  /** The run's loss per epoch (training and validation), or a paragraph saying the run recorded none. */
  public static Section runLoss(Lake lake, String runId) {
    Section s = new Section("training-curves", "Training curves");
    List<Curve> c = curves(lake, col("run_id").equalTo(runId));
    if (c.isEmpty()) {
      return s.text("This run recorded no loss per epoch (table training_curves): its model does not train in "
          + "epochs (boosted or random trees, linear models), or the run predates the table.");
    }
    Curve k = c.get(0);
    List<Chart.Series> series = new ArrayList<>();
    series.add(Chart.Series.points("train", k.epoch(), k.train()));
    Chart.Series val = Chart.Series.points("validation", k.epoch(), k.validation());
    if (val.size() > 0) series.add(val);
    return s.text(k.model() + (k.fold() == null ? "" : ", fold " + k.fold()) + ": " + k.epochs().size()
            + " epochs, loss = " + k.loss() + (val.size() > 0 ? "; validation loss at " + val.size() + " epochs"
            : "; no validation rows") + (k.kept() > 0 ? "; the model kept the weights of epoch " + k.kept() : "")
            + " (table training_curves).")
        .chart(Chart.line("chart-loss", "Loss per epoch", "epoch", "loss", series));
  }

  /**
   * One loss chart per spec of a sweep ({@code label} names each spec), a training and a validation line per fold;
   * empty when the sweep recorded no curves.
   */
  static Optional<Section> sweepLoss(Lake lake, String sweepId, Function<Curve, String> label) {
    List<Curve> all = curves(lake, col("sweep_id").equalTo(sweepId));
    if (all.isEmpty()) return Optional.empty();
    Section s = new Section("training-curves", "Training curves").text("Loss per epoch of each run (table "
        + "training_curves): one chart per spec, a training and a validation line per fold.");
    Map<String, List<Curve>> bySpec = new LinkedHashMap<>();
    for (Curve c : all) bySpec.computeIfAbsent(label.apply(c), k -> new ArrayList<>()).add(c);
    int i = 0;
    for (var e : bySpec.entrySet()) {
      List<Chart.Series> series = new ArrayList<>();
      for (Curve c : e.getValue()) {
        series.add(Chart.Series.points(c.fold() + " train", c.epoch(), c.train()));
        Chart.Series v = Chart.Series.points(c.fold() + " validation", c.epoch(), c.validation());
        if (v.size() > 0) series.add(v);
      }
      s.text(e.getKey() + ": " + e.getValue().size() + " folds, loss = " + e.getValue().get(0).loss() + ".")
          .chart(Chart.line("chart-loss-" + i++, "Loss per epoch: " + e.getKey(), "epoch", "loss", series));
    }
    return Optional.of(s);
  }

  /**
   * The attention heat map of an attention model's run: the sampled predictions (rows) × time steps, coloured by the
   * attention the step received. Empty when the run stored no attention sample and its model has no attention.
   */
  public static Optional<Section> attention(Lake lake, String runId, String model) {
    boolean attentionModel = model != null && model.contains("attention");
    List<Row> rows = !lake.exists(Tables.ATTENTION_WEIGHTS) ? List.of()
        : lake.read(Tables.ATTENTION_WEIGHTS, "sweep").where(col("run_id").equalTo(runId))
            .select("cell_id", "cycle_index", "part", "steps", "weight").orderBy("part", "cell_id", "cycle_index")
            .collectAsList();
    if (rows.isEmpty() && !attentionModel) return Optional.empty();
    Section s = new Section("attention", "Attention");
    if (rows.isEmpty()) {
      return Optional.of(s.text("This run stored no attention weights (table attention_weights; "
          + "cyclelake.sequence.attention-sample sets how many predictions per run a sweep keeps)."));
    }
    int width = 0;
    for (Row r : rows) width = Math.max(width, r.getInt(3));
    List<String> steps = new ArrayList<>();
    for (int k = 0; k < width; k++) steps.add(Integer.toString(k));
    List<String> labels = new ArrayList<>();
    List<double[]> cells = new ArrayList<>();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int y = 0; y < rows.size(); y++) {
      Row r = rows.get(y);
      labels.add(r.getString(0) + " #" + r.getInt(1) + " (" + r.getString(2) + ")");
      List<Double> w = r.getList(4);
      for (int k = 0; k < r.getInt(3); k++) {
        cells.add(new double[] {k, y, w.get(k)});
        min = Math.min(min, w.get(k));
        max = Math.max(max, w.get(k));
      }
    }
    return Optional.of(s.text(rows.size() + " sampled predictions (rows: cell #cycle_index (part)) × time steps of "
            + "the input sequence; colour = attention the step received, mean over heads and query steps (each row "
            + "sums to 1 over its valid steps; padded steps are not drawn). Table attention_weights.")
        .chart(Chart.heatmap("chart-attention", "Attention per time step", "time step", "prediction", steps, labels,
            new Chart.ColorScale("attention", min, max), Chart.Series.cells("attention", cells))));
  }
}
