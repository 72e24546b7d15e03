package io.cyclelake.report.card;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Html;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The model card of one spec (model × hyperparameters) of a sweep, over all its folds, built from the lake alone:
 * {@code runs} (task, split, params, features, configuration, the features version and settings hash read),
 * {@code fold_metrics} (per fold and per cell, intervals and coverage), {@code predictions} (fold membership, worst
 * predictions, error by ambient temperature), {@code features_summary} at the version the runs read (temperatures),
 * {@code feature_importance} and {@code files} (checksums of the raw files of the cells). One report {@link Section},
 * rendered as Markdown and HTML from the same blocks.
 */
public final class ModelCard {
  private ModelCard() {}

  private static final Pattern SPEC = Pattern.compile("^(.*)-s(\\d+)-f(\\d+)$");

  /** A spec of a sweep: its index, model, params and the run ids of its folds (in fold order). */
  public record Spec(String sweepId, int index, String model, String params, List<String> runIds) {
    public String label() {
      return "s" + index + "-" + model;
    }
  }

  /** The specs of {@code sweepId}, by index, from {@code runs}; unknown sweep = error naming the known ones. */
  public static List<Spec> specs(Lake lake, String sweepId) {
    List<Row> rows = lake.read(Tables.RUNS, "sweep").where(col("sweep_id").equalTo(sweepId))
        .select("run_id", "model", "params").distinct().orderBy("run_id").collectAsList();
    if (rows.isEmpty()) {
      List<String> known = lake.read(Tables.RUNS, "sweep").where(col("sweep_id").isNotNull()).select("sweep_id")
          .distinct().orderBy("sweep_id").collectAsList().stream().map(r -> r.getString(0)).toList();
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no sweep '" + sweepId + "' in " + lake.root()
          + " (table runs); sweeps: " + known);
    }
    java.util.Map<Integer, List<Row>> bySpec = new java.util.TreeMap<>();
    for (Row r : rows) {
      Matcher m = SPEC.matcher(r.getString(0));
      if (!m.matches()) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "run id " + r.getString(0) + " of sweep " + sweepId
            + " is not <sweep>-s<spec>-f<fold>");
      }
      bySpec.computeIfAbsent(Integer.parseInt(m.group(2)), k -> new ArrayList<>()).add(r);
    }
    List<Spec> out = new ArrayList<>();
    bySpec.forEach((k, list) -> {
      List<Row> sorted = new ArrayList<>(list);
      sorted.sort(java.util.Comparator.comparingInt(r -> fold(r.getString(0))));
      out.add(new Spec(sweepId, k, list.get(0).getString(1), list.get(0).getString(2),
          sorted.stream().map(r -> r.getString(0)).toList()));
    });
    return out;
  }

  private static int fold(String runId) {
    Matcher m = SPEC.matcher(runId);
    return m.matches() ? Integer.parseInt(m.group(3)) : -1;
  }

  /**
   * The card of {@code spec}. {@code reproduceConf} is the path of the configuration file written beside the card
   * (the runs' own stored configuration), quoted in the command that reproduces the sweep.
   */
  public static Section build(Lake lake, Spec spec, String reproduceConf) {
    Dataset<Row> runs = lake.read(Tables.RUNS, "sweep").where(col("run_id").isin(spec.runIds().toArray())).cache();
    Row head = runs.orderBy("run_id").first();
    Section s = new Section("model-card-" + spec.label().replaceAll("[^a-z0-9-]", "-"), "Model card: "
        + spec.sweepId() + " / " + spec.label());
    List<Row> status = runs.groupBy("run_id", "fold", "status").agg(max("error").as("error"))
        .orderBy("run_id").collectAsList();
    long failed = status.stream().filter(r -> !"ok".equals(r.getString(2))).count();
    s.text("Spec " + spec.index() + " of sweep " + spec.sweepId() + ": model " + spec.model() + " on "
        + status.size() + " folds of split " + head.getAs("split") + " (" + failed + " failed), created "
        + head.getAs("created_at") + ". Generated from the lake by `cyclelake cards`; regenerate it instead of "
        + "editing it.");
    JsonNode config = config(head.getAs("config"));
    task(s, lake, head, config, spec);
    model(s, head, config, spec);
    Dataset<Row> preds = lake.read(Tables.PREDICTIONS, "sweep").where(col("run_id").isin(spec.runIds().toArray()))
        .cache();
    folds(s, runs, preds, status);
    Dataset<Row> withTemp = trainingData(s, lake, head, preds);
    Dataset<Row> fm = lake.read(Tables.FOLD_METRICS, "sweep").where(col("run_id").isin(spec.runIds().toArray()))
        .cache();
    metrics(s, fm);
    worst(s, fm, withTemp);
    importance(s, lake, spec);
    use(s, withTemp, head);
    reproduce(s, head, spec, reproduceConf);
    withTemp.unpersist();
    fm.unpersist();
    preds.unpersist();
    runs.unpersist();
    return s;
  }

  private static JsonNode config(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "runs.config is not JSON: " + e.getMessage(), null, e);
    }
  }

  /** A setting of the stored configuration (runs.config holds the {@code cyclelake} subtree), or null. */
  private static String at(JsonNode config, String path) {
    JsonNode n = config.has("cyclelake") ? config.get("cyclelake") : config;
    for (String p : path.split("\\.")) n = n == null ? null : n.get(p);
    return n == null || n.isNull() ? null : n.isValueNode() ? n.asText() : n.toString();
  }

  private static void task(Section s, Lake lake, Row head, JsonNode config, Spec spec) {
    s.heading("Task and label");
    String ref = at(config, "train.soh.reference");
    String label = "nominal".equals(ref) ? "the nominal capacity " + at(config, "train.soh.nominal-capacity-ah")
        + " Ah (train.soh.nominal-capacity-ah)" : "the capacity of the cell's first labelled discharge";
    s.text("Task " + head.getAs("task") + ": state of health of a discharge = its capacity (features_summary."
        + "capacity_counter_ah, the cycler's own count) divided by " + label + " (train.soh.reference = " + ref
        + "). Discharges with a capacity below " + at(config, "train.soh.min-capacity-ah")
        + " Ah (train.soh.min-capacity-ah) are not labelled. One row per labelled discharge.");
  }

  private static void model(Section s, Row head, JsonNode config, Spec spec) {
    s.heading("Model and hyperparameters");
    List<List<Object>> t = new ArrayList<>();
    t.add(Arrays.asList("model", spec.model()));
    t.add(Arrays.asList("hyperparameters (model." + spec.model() + ")", spec.params()));
    t.add(Arrays.asList("features", head.getAs("features")));
    t.add(Arrays.asList("preprocessing", "mean imputer and standard scaler fitted on each fold's training rows"));
    t.add(Arrays.asList("seed (train.seed)", at(config, "train.seed")));
    t.add(Arrays.asList("interval level (sweep.interval-level)", at(config, "sweep.interval-level")));
    t.add(Arrays.asList("config_hash", head.getAs("config_hash")));
    s.table("card-model", List.of("setting", "value"), t);
  }

  private static void folds(Section s, Dataset<Row> runs, Dataset<Row> preds, List<Row> status) {
    s.heading("Split and fold membership");
    List<Row> m = preds.groupBy("run_id", "part").agg(count(lit(1)).as("n"),
            org.apache.spark.sql.functions.concat_ws(",", org.apache.spark.sql.functions.array_sort(
                collect_set("cell_id"))).as("cells"))
        .collectAsList();
    List<List<Object>> t = new ArrayList<>();
    for (Row st : status) {
      String run = st.getString(0);
      List<Object> row = new ArrayList<>(Arrays.asList(st.getString(1), run, st.getString(2)));
      for (String part : List.of("train", "validation", "test")) {
        Row r = m.stream().filter(x -> x.getString(0).equals(run) && x.getString(1).equals(part)).findFirst()
            .orElse(null);
        row.add(r == null ? null : r.getString(3));
        row.add(r == null ? 0L : r.getLong(2));
      }
      row.add(st.getString(3));
      t.add(row);
    }
    s.text("Cells and labelled discharges per part of each fold (table predictions; the split never puts one cell "
        + "in two parts of a fold unless the split is per operation):");
    s.table("card-folds", List.of("fold", "run", "status", "train cells", "train n", "validation cells",
        "validation n", "test cells", "test n", "error"), t);
  }

  /** Predictions joined with their ambient temperature from features_summary at the version the runs read. */
  private static Dataset<Row> trainingData(Section s, Lake lake, Row head, Dataset<Row> preds) {
    s.heading("Training data");
    Long version = head.getAs("features_version");
    String hash = head.getAs("feature_config_hash_used");
    Dataset<Row> fs = lake.readVersion(Tables.FEATURES_SUMMARY, version)
        .where(col(Tables.FEATURE_HASH).equalTo(hash).and(col("cycle_type").equalTo("discharge")))
        .select(col("cell_id"), col("cycle_index"), col("ambient_temperature_c"), col(Tables.INPUT_VERSION));
    Dataset<Row> joined = preds.join(fs, Lake.CELL_CYCLE, "left").cache();
    List<Row> byPart = joined.groupBy("part").agg(countDistinct("cell_id").as("cells"),
            countDistinct("cell_id", "cycle_index").as("discharges"),
            min("ambient_temperature_c").as("t_min"), max("ambient_temperature_c").as("t_max"),
            org.apache.spark.sql.functions.concat_ws(", ", org.apache.spark.sql.functions.array_sort(
                collect_set(col("ambient_temperature_c"))).cast("array<string>")).as("temps"),
            min("actual").as("soh_min"), max("actual").as("soh_max"))
        .orderBy(org.apache.spark.sql.functions.expr(
            "CASE part WHEN 'train' THEN 0 WHEN 'validation' THEN 1 ELSE 2 END")).collectAsList();
    List<List<Object>> t = new ArrayList<>();
    for (Row r : byPart) t.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(5), r.get(6), r.get(7)));
    s.text("Over all folds, per part (a cell trains in some folds and tests in one): distinct cells, distinct "
        + "labelled discharges, ambient temperatures (features_summary) and the range of the SOH label.");
    s.table("card-data", List.of("part", "cells", "discharges", "ambient °C", "SOH min", "SOH max"), t);
    List<Row> ts = joined.select(Tables.INPUT_VERSION).distinct().orderBy(Tables.INPUT_VERSION).collectAsList();
    s.text("Table versions: features_summary version " + version + ", feature_config_hash " + hash
        + "; those feature rows were computed from timeseries version(s) " + String.join(", ", ts.stream()
        .map(r -> String.valueOf(r.get(0))).toList()) + ".");
    TreeSet<String> cells = new TreeSet<>();
    for (Row r : preds.select("cell_id").distinct().collectAsList()) cells.add(r.getString(0));
    if (lake.exists(Tables.FILES)) {
      long filesVersion = lake.version(Tables.FILES);
      Dataset<Row> files = lake.readVersion(Tables.FILES, filesVersion);
      List<Row> fr = files.where(col("cells").isNotNull()).select("path", "role", "status", "sha256", "cells")
          .orderBy("path").collectAsList().stream().filter(r -> {
            for (String c : r.getString(4).split(",")) if (cells.contains(c)) return true;
            return false;
          }).toList();
      List<List<Object>> f = new ArrayList<>();
      for (Row r : fr) f.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3)));
      s.text("Raw files holding rows of these " + cells.size() + " cells (table files, version " + filesVersion
          + "; a listing file may hold other cells too), with their SHA-256:");
      s.table("card-files", List.of("path", "role", "status", "sha256"), f);
    }
    return joined;
  }

  private static void metrics(Section s, Dataset<Row> fm) {
    s.heading("Metrics per fold and per cell");
    List<Row> folds = fm.where(col("cell_id").equalTo("*")).select("fold", "part", "n", "mae", "rmse", "r2",
            "max_error", "within_5pct", "interval_level", "coverage")
        .orderBy(col("part").desc(), col("fold")).collectAsList();
    List<List<Object>> t = new ArrayList<>();
    for (Row r : folds) t.add(values(r));
    s.text("Every part of every fold (table fold_metrics, all cells of the part). Coverage is the share of actual "
        + "values inside the split-conformal interval of the nominal level (empty without a validation part).");
    s.table("card-fold-metrics", List.of("fold", "part", "n", "MAE", "RMSE", "R²", "max error", "within ±5 %",
        "interval level", "coverage"), t);
    Row agg = fm.where(col("cell_id").equalTo("*").and(col("part").equalTo("test"))).agg(count(lit(1)),
        avg("mae"), stddev_samp("mae"), avg("rmse"), avg("r2"), avg("coverage")).first();
    s.text("Test part, mean over " + agg.getLong(0) + " folds: MAE " + Html.format(agg.get(1)) + " (sd "
        + Html.format(agg.get(2)) + "), RMSE " + Html.format(agg.get(3)) + ", R² " + Html.format(agg.get(4))
        + ", coverage " + Html.format(agg.get(5)) + ".");
    List<Row> cells = fm.where(col("cell_id").notEqual("*").and(col("part").equalTo("test")))
        .select("cell_id", "fold", "n", "mae", "rmse", "max_error", "interval_level", "coverage")
        .orderBy("cell_id", "fold").collectAsList();
    List<List<Object>> c = new ArrayList<>();
    for (Row r : cells) c.add(values(r));
    s.text("Test part per cell (table fold_metrics):");
    s.table("card-cell-metrics", List.of("cell", "fold", "n", "MAE", "RMSE", "max error", "interval level",
        "coverage"), c);
  }

  private static void worst(Section s, Dataset<Row> fm, Dataset<Row> withTemp) {
    s.heading("Where it does worst");
    List<Row> cells = fm.where(col("cell_id").notEqual("*").and(col("part").equalTo("test")))
        .orderBy(col("mae").desc(), col("cell_id")).limit(3).select("cell_id", "fold", "mae", "max_error", "coverage")
        .collectAsList();
    List<List<Object>> t = new ArrayList<>();
    for (Row r : cells) t.add(values(r));
    s.text("Test cells with the largest MAE (table fold_metrics):");
    s.table("card-worst-cells", List.of("cell", "fold", "MAE", "max error", "coverage"), t);
    Dataset<Row> test = withTemp.where(col("part").equalTo("test"))
        .withColumn("abs_error", abs(col("predicted").minus(col("actual"))));
    List<Row> temps = test.groupBy("ambient_temperature_c").agg(count(lit(1)).as("n"), avg("abs_error").as("mae"),
            max("abs_error").as("max_error"),
            sum(when(col("lower").isNotNull().and(col("actual").geq(col("lower"))).and(col("actual").leq(col("upper"))),
                1).otherwise(0)).as("inside"),
            count(col("lower")).as("with_interval"))
        .orderBy(col("mae").desc()).collectAsList();
    List<List<Object>> tt = new ArrayList<>();
    for (Row r : temps) {
      long with = r.getLong(5);
      tt.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), with == 0 ? null : r.getLong(4) / (double) with));
    }
    s.text("Test predictions by ambient temperature (table predictions with features_summary's "
        + "ambient_temperature_c), worst first:");
    s.table("card-worst-temperatures", List.of("ambient °C", "n", "MAE", "max error", "coverage"), tt);
    List<Row> preds = test.orderBy(col("abs_error").desc(), col("cell_id"), col("cycle_index")).limit(5)
        .select("cell_id", "cycle_index", "actual", "predicted", "abs_error", "run_id").collectAsList();
    List<List<Object>> p = new ArrayList<>();
    for (Row r : preds) p.add(values(r));
    s.text("The 5 test predictions with the largest absolute error:");
    s.table("card-worst-predictions", List.of("cell", "cycle_index", "actual", "predicted", "|error|", "run"), p);
  }

  private static void importance(Section s, Lake lake, Spec spec) {
    s.heading("Feature importance");
    if (!lake.exists(Tables.FEATURE_IMPORTANCE)) {
      s.text("The lake has no feature_importance table.");
      return;
    }
    List<Row> rows = lake.read(Tables.FEATURE_IMPORTANCE, "sweep").where(col("run_id").isin(spec.runIds().toArray()))
        .groupBy("feature", "kind").agg(avg("importance").as("mean"), stddev_samp("importance").as("sd"),
            count(lit(1)).as("folds"))
        .orderBy(col("mean").desc(), col("feature")).collectAsList();
    if (rows.isEmpty()) {
      s.text("feature_importance has no rows for these runs.");
      return;
    }
    List<List<Object>> t = new ArrayList<>();
    for (Row r : rows) t.add(values(r));
    s.text("Mean over folds (table feature_importance; kind " + rows.get(0).getString(1) + ": mean-abs-shap is "
        + "the mean |SHAP value| of XGBoost's TreeSHAP, abs-coefficient the |coefficient| on standardised inputs, "
        + "impurity the normalised impurity decrease), largest first:");
    s.table("card-importance", List.of("feature", "kind", "mean", "sd", "folds"), t);
  }

  private static void use(Section s, Dataset<Row> withTemp, Row head) {
    s.heading("Intended use and out-of-scope use");
    Row tr = withTemp.where(col("part").equalTo("train")).agg(min("ambient_temperature_c"),
        max("ambient_temperature_c"), min("actual"), max("actual"), countDistinct("cell_id")).first();
    s.text("Intended use: estimating the state of health of a discharge of a cell like the " + tr.get(4)
        + " training cells, from the features listed above computed with feature_config_hash "
        + head.getAs("feature_config_hash_used") + ", for comparing models and cells in research.");
    s.text("Out of scope: ambient temperatures outside " + Html.format(tr.get(0)) + " – " + Html.format(tr.get(1))
        + " °C (the range seen in training); SOH below " + Html.format(tr.get(2)) + " or above "
        + Html.format(tr.get(3)) + " (the labels seen in training); other chemistries, formats, protocols or "
        + "sources than the training cells'; features computed with other settings. The intervals are calibrated "
        + "on each fold's validation cells: where coverage above is below the nominal level they are too narrow. "
        + "Not validated for warranty, safety or second-life decisions on its own.");
  }

  private static void reproduce(Section s, Row head, Spec spec, String conf) {
    s.heading("How to reproduce");
    s.text("The configuration the sweep ran with (runs.config, secrets masked) is written beside this card as "
        + conf + ". On a lake whose features_summary is at version " + head.getAs("features_version")
        + " (feature_config_hash " + head.getAs("feature_config_hash_used") + "), this reruns the sweep, seeded; "
        + "spec " + spec.index() + " is this card:");
    s.preformatted("jobs/cyclelake sweep --conf " + conf);
  }

  private static List<Object> values(Row r) {
    Object[] v = new Object[r.length()];
    for (int i = 0; i < v.length; i++) v[i] = r.get(i);
    return Arrays.asList(v);
  }
}
