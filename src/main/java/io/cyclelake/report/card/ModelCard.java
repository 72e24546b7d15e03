package io.cyclelake.report.card;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Html;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    return specsOf(lake, rows, sweepId);
  }

  /** The specs among {@code runs} rows of {@link SweepRows} (run_id, ..., model at 3, ..., params at 9). */
  static List<Spec> specs(List<Row> runs, String sweepId) {
    Map<String, Row> distinct = new TreeMap<>();
    for (Row r : runs) distinct.putIfAbsent(r.getString(0), org.apache.spark.sql.RowFactory.create(r.getString(0),
        r.getString(3), r.getString(9)));
    return specsOf(null, new ArrayList<>(distinct.values()), sweepId);
  }

  private static List<Spec> specsOf(Lake lake, List<Row> rows, String sweepId) {
    if (rows.isEmpty()) {
      List<String> known = lake == null ? List.of() : lake.read(Tables.RUNS, "sweep").where(col("sweep_id").isNotNull()).select("sweep_id")
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
   * A sweep's rows, read once (one Delta snapshot per table) and shared by the cards of its specs: runs,
   * fold_metrics, predictions and feature_importance of the sweep; from features_summary at the version the runs
   * read (their feature settings, discharges), each cycle's ambient temperature and timeseries version; the files
   * manifest and its version.
   */
  public record SweepRows(List<Row> runs, List<Row> foldMetrics, List<Row> predictions, List<Row> importance,
      Map<String, Object[]> cycles, List<Row> files, long filesVersion) {

    public static SweepRows read(Lake lake, String sweepId) {
      var runsTable = lake.read(Tables.RUNS, "sweep");
      List<String> have = Arrays.asList(runsTable.columns());
      List<org.apache.spark.sql.Column> cols = new ArrayList<>();
      for (String c : List.of("run_id", "created_at", "task", "model", "split", "part", "features", "config", "fold",
          "params", "status", "error", "features_version", "feature_config_hash_used", "config_hash", "git_commit",
          "input_versions")) {
        // lineage columns are null in runs written before they existed
        cols.add(have.contains(c) ? col(c) : org.apache.spark.sql.functions.lit(null).cast("string").as(c));
      }
      List<Row> runs = runsTable.where(col("sweep_id").equalTo(sweepId)).select(cols.toArray(
          org.apache.spark.sql.Column[]::new)).orderBy("run_id").collectAsList();
      if (runs.isEmpty()) specs(lake, sweepId);
      List<Row> fm = lake.read(Tables.FOLD_METRICS, "sweep").where(col("sweep_id").equalTo(sweepId))
          .select("run_id", "fold", "part", "cell_id", "n", "mae", "rmse", "r2", "max_error", "within_5pct",
              "interval_level", "coverage").collectAsList();
      List<Row> preds = lake.read(Tables.PREDICTIONS, "sweep").where(col("run_id").startsWith(sweepId + "-s"))
          .select("run_id", "cell_id", "cycle_index", "part", "actual", "predicted", "lower", "upper")
          .collectAsList();
      List<Row> imp = lake.exists(Tables.FEATURE_IMPORTANCE) ? lake.read(Tables.FEATURE_IMPORTANCE, "sweep")
          .where(col("sweep_id").equalTo(sweepId)).select("run_id", "feature", "kind", "importance").collectAsList()
          : null;
      Row head = runs.get(0);
      Map<String, Object[]> cycles = new HashMap<>();
      if (!head.isNullAt(12)) {
        TreeSet<String> cells = new TreeSet<>();
        preds.forEach(r -> cells.add(r.getString(1)));
        for (Row r : lake.readVersion(Tables.FEATURES_SUMMARY, head.getLong(12))
            .where(col(Tables.FEATURE_HASH).equalTo(head.getString(13)).and(col("cycle_type").equalTo("discharge"))
                .and(col("cell_id").isin(cells.toArray())))
            .select(col("cell_id"), col("cycle_index"), col("ambient_temperature_c"), col(Tables.INPUT_VERSION))
            .collectAsList()) {
          cycles.put(r.getString(0) + "\u0000" + r.getInt(1), new Object[] {r.get(2), r.get(3)});
        }
      }
      List<Row> files = List.of();
      long filesVersion = -1;
      if (lake.exists(Tables.FILES)) {
        filesVersion = lake.version(Tables.FILES);
        files = lake.readVersion(Tables.FILES, filesVersion).where(col("cells").isNotNull())
            .select("path", "role", "status", "sha256", "cells").orderBy("path").collectAsList();
      }
      return new SweepRows(runs, fm, preds, imp, cycles, files, filesVersion);
    }
  }

  /** Cards of every spec of a sweep from one read of its rows. */
  public static List<Section> buildAll(Lake lake, String sweepId, String reproduceConf) {
    SweepRows rows = SweepRows.read(lake, sweepId);
    List<Section> out = new ArrayList<>();
    for (Spec spec : specs(rows.runs(), sweepId)) out.add(build(rows, spec, reproduceConf));
    return out;
  }

  /**
   * The card of {@code spec}. {@code reproduceConf} is the path of the configuration file written beside the card
   * (the runs' own stored configuration), quoted in the command that reproduces the sweep.
   */
  public static Section build(SweepRows all, Spec spec, String reproduceConf) {
    Set<String> ids = new HashSet<>(spec.runIds());
    List<Row> runs = all.runs().stream().filter(r -> ids.contains(r.getString(0))).toList();
    Row head = runs.get(0);
    Section s = new Section("model-card-" + spec.label().replaceAll("[^a-z0-9-]", "-"), "Model card: "
        + spec.sweepId() + " / " + spec.label());
    // one status row per run: (run_id, fold, status, error)
    Map<String, Row> byRun = new TreeMap<>();
    for (Row r : runs) byRun.putIfAbsent(r.getString(0), r);
    List<Row> status = new ArrayList<>(byRun.values());
    long failed = status.stream().filter(r -> !"ok".equals(r.getString(10))).count();
    s.text("Spec " + spec.index() + " of sweep " + spec.sweepId() + ": model " + spec.model() + " on "
        + status.size() + " folds of split " + head.getString(4) + " (" + failed + " failed), created "
        + head.get(1) + ". Generated from the lake by `cyclelake cards`; regenerate it instead of editing it.");
    JsonNode config = config(head.getString(7));
    task(s, head, config);
    model(s, head, config, spec);
    List<Pred> preds = new ArrayList<>();
    for (Row r : all.predictions()) {
      if (!ids.contains(r.getString(0))) continue;
      Object[] c = all.cycles().get(r.getString(1) + "\u0000" + r.getInt(2));
      preds.add(new Pred(r.getString(0), r.getString(1), r.getInt(2), r.getString(3), r.getDouble(4),
          r.getDouble(5), r.isNullAt(6) ? null : r.getDouble(6), r.isNullAt(7) ? null : r.getDouble(7),
          c == null ? null : (Double) c[0], c == null ? null : (Long) c[1]));
    }
    folds(s, preds, status);
    trainingData(s, all, head, preds);
    List<Row> fm = all.foldMetrics().stream().filter(r -> ids.contains(r.getString(0))).toList();
    metrics(s, fm);
    worst(s, fm, preds);
    importance(s, all.importance(), ids);
    use(s, preds, head);
    reproduce(s, head, spec, reproduceConf);
    return s;
  }

  /** One prediction with the ambient temperature and timeseries version of its cycle (null if unknown). */
  record Pred(String run, String cell, int cycle, String part, double actual, double predicted, Double lower,
      Double upper, Double ambient, Long tsVersion) {
    double absError() {
      return Math.abs(predicted - actual);
    }
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

  private static void task(Section s, Row head, JsonNode config) {
    s.heading("Task and label");
    s.text(taskDescription(head.getString(2), config));
  }

  /**
   * The label task's own description ({@link io.cyclelake.train.LabelTask#description}) under the run's stored
   * configuration; settings a run from an older version did not store take their defaults from reference.conf.
   */
  static String taskDescription(String task, JsonNode config) {
    JsonNode root = config.has("cyclelake") ? config : new ObjectMapper().createObjectNode().set("cyclelake", config);
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString(root.toString())
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference());
    var tasks = io.cyclelake.train.LabelTask.registry();
    if (!tasks.names().contains(task)) return "Task " + task + " (not a label task of this version).";
    return tasks.get(task).description(c);
  }

  private static void model(Section s, Row head, JsonNode config, Spec spec) {
    s.heading("Model and hyperparameters");
    List<List<Object>> t = new ArrayList<>();
    t.add(Arrays.asList("model", spec.model()));
    t.add(Arrays.asList("hyperparameters (model." + spec.model() + ")", spec.params()));
    t.add(Arrays.asList("features", head.get(6)));
    t.add(Arrays.asList("preprocessing", "mean imputer and standard scaler fitted on each fold's training rows"));
    t.add(Arrays.asList("seed (train.seed)", at(config, "train.seed")));
    t.add(Arrays.asList("interval level (sweep.interval-level)", at(config, "sweep.interval-level")));
    t.add(Arrays.asList("config_hash", head.get(14)));
    t.add(Arrays.asList("git commit of the code (runs.git_commit)", head.isNullAt(15) ? "not recorded"
        : head.get(15)));
    s.table("card-model", List.of("setting", "value"), t);
  }

  private static final List<String> PARTS = List.of("train", "validation", "test");

  private static void folds(Section s, List<Pred> preds, List<Row> status) {
    s.heading("Split and fold membership");
    List<List<Object>> t = new ArrayList<>();
    for (Row st : status) {
      String run = st.getString(0);
      List<Object> row = new ArrayList<>(Arrays.asList(st.get(8), run, st.get(10)));
      for (String part : PARTS) {
        TreeSet<String> cells = new TreeSet<>();
        long n = 0;
        for (Pred p : preds) {
          if (p.run().equals(run) && p.part().equals(part)) {
            cells.add(p.cell());
            n++;
          }
        }
        row.add(cells.isEmpty() ? null : String.join(",", cells));
        row.add(n);
      }
      row.add(st.get(11));
      t.add(row);
    }
    s.text("Cells and labelled discharges per part of each fold (table predictions):");
    s.table("card-folds", List.of("fold", "run", "status", "train cells", "train n", "validation cells",
        "validation n", "test cells", "test n", "error"), t);
  }

  /** The run's label task in capitals (SOH, RUL), as the cards name the label. */
  private static String label(Row head) {
    return head.getString(2).toUpperCase(java.util.Locale.ROOT);
  }

  private static void trainingData(Section s, SweepRows all, Row head, List<Pred> preds) {
    s.heading("Training data");
    List<List<Object>> t = new ArrayList<>();
    for (String part : PARTS) {
      List<Pred> in = preds.stream().filter(p -> p.part().equals(part)).toList();
      if (in.isEmpty()) continue;
      TreeSet<String> cells = new TreeSet<>();
      Set<String> cycles = new HashSet<>();
      TreeSet<Double> temps = new TreeSet<>();
      for (Pred p : in) {
        cells.add(p.cell());
        cycles.add(p.cell() + "\u0000" + p.cycle());
        if (p.ambient() != null) temps.add(p.ambient());
      }
      t.add(Arrays.asList(part, (long) cells.size(), (long) cycles.size(), String.join(", ", temps.stream()
              .map(Html::format).toList()), in.stream().mapToDouble(Pred::actual).min().getAsDouble(),
          in.stream().mapToDouble(Pred::actual).max().getAsDouble()));
    }
    s.text("Over all folds, per part (a cell trains in some folds and tests in one): distinct cells, distinct "
        + "labelled discharges, ambient temperatures (features_summary) and the range of the " + label(head)
        + " label.");
    s.table("card-data", List.of("part", "cells", "discharges", "ambient °C", label(head) + " min",
        label(head) + " max"), t);
    TreeSet<Long> ts = new TreeSet<>();
    preds.forEach(p -> {
      if (p.tsVersion() != null) ts.add(p.tsVersion());
    });
    s.text("Table versions: features_summary version " + head.get(12) + ", feature_config_hash " + head.get(13)
        + "; those feature rows were computed from timeseries version(s) " + String.join(", ", ts.stream()
        .map(String::valueOf).toList()) + "." + (head.isNullAt(16) ? "" : " Every input table the runs read, at "
        + "its Delta version (runs.input_versions): " + head.getString(16) + "."));
    TreeSet<String> cells = new TreeSet<>();
    preds.forEach(p -> cells.add(p.cell()));
    if (all.filesVersion() >= 0) {
      List<List<Object>> f = new ArrayList<>();
      for (Row r : all.files()) {
        if (Arrays.stream(r.getString(4).split(",")).anyMatch(cells::contains)) {
          f.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3)));
        }
      }
      s.text("Raw files holding rows of these " + cells.size() + " cells (table files, version "
          + all.filesVersion() + "; a listing file may hold other cells too), with their SHA-256:");
      s.table("card-files", List.of("path", "role", "status", "sha256"), f);
    }
  }

  private static final Comparator<Row> PART_DESC_FOLD = Comparator.<Row, String>comparing(r -> r.getString(2))
      .reversed().thenComparing(r -> r.getString(1));

  private static void metrics(Section s, List<Row> fm) {
    s.heading("Metrics per fold and per cell");
    List<List<Object>> t = new ArrayList<>();
    fm.stream().filter(r -> r.getString(3).equals("*")).sorted(PART_DESC_FOLD).forEach(r -> t.add(Arrays.asList(
        r.get(1), r.get(2), r.get(4), r.get(5), r.get(6), r.get(7), r.get(8), r.get(9), r.get(10), r.get(11))));
    s.text("Every part of every fold (table fold_metrics, all cells of the part). Coverage is the share of actual "
        + "values inside the split-conformal interval of the nominal level (empty without a validation part).");
    s.table("card-fold-metrics", List.of("fold", "part", "n", "MAE", "RMSE", "R²", "max error", "within ±5 %",
        "interval level", "coverage"), t);
    List<Row> test = fm.stream().filter(r -> r.getString(3).equals("*") && r.getString(2).equals("test")).toList();
    s.text("Test part, mean over " + test.size() + " folds: MAE " + Html.format(mean(test, 5)) + " (sd "
        + Html.format(sd(test, 5)) + "), RMSE " + Html.format(mean(test, 6)) + ", R² " + Html.format(mean(test, 7))
        + ", coverage " + Html.format(mean(test, 11)) + ".");
    List<List<Object>> c = new ArrayList<>();
    fm.stream().filter(r -> !r.getString(3).equals("*") && r.getString(2).equals("test"))
        .sorted(Comparator.<Row, String>comparing(r -> r.getString(3)).thenComparing(r -> r.getString(1)))
        .forEach(r -> c.add(Arrays.asList(r.get(3), r.get(1), r.get(4), r.get(5), r.get(6), r.get(8), r.get(10),
            r.get(11))));
    s.text("Test part per cell (table fold_metrics):");
    s.table("card-cell-metrics", List.of("cell", "fold", "n", "MAE", "RMSE", "max error", "interval level",
        "coverage"), c);
  }

  /** Mean of the non-null doubles in column {@code i} (null if none), as Spark's avg. */
  public static Double mean(List<Row> rows, int i) {
    double[] v = rows.stream().filter(r -> !r.isNullAt(i)).mapToDouble(r -> r.getDouble(i)).toArray();
    return v.length == 0 ? null : Arrays.stream(v).sum() / v.length;
  }

  /** Sample standard deviation of the non-null doubles in column {@code i} (null for fewer than two). */
  public static Double sd(List<Row> rows, int i) {
    double[] v = rows.stream().filter(r -> !r.isNullAt(i)).mapToDouble(r -> r.getDouble(i)).toArray();
    if (v.length < 2) return null;
    double m = Arrays.stream(v).sum() / v.length;
    double ss = 0;
    for (double x : v) ss += (x - m) * (x - m);
    return Math.sqrt(ss / (v.length - 1));
  }

  private static void worst(Section s, List<Row> fm, List<Pred> preds) {
    s.heading("Where it does worst");
    List<List<Object>> t = new ArrayList<>();
    fm.stream().filter(r -> !r.getString(3).equals("*") && r.getString(2).equals("test") && !r.isNullAt(5))
        .sorted(Comparator.<Row>comparingDouble(r -> -r.getDouble(5)).thenComparing(r -> r.getString(3))).limit(3)
        .forEach(r -> t.add(Arrays.asList(r.get(3), r.get(1), r.get(5), r.get(8), r.get(11))));
    s.text("Test cells with the largest MAE (table fold_metrics):");
    s.table("card-worst-cells", List.of("cell", "fold", "MAE", "max error", "coverage"), t);
    List<Pred> test = preds.stream().filter(p -> p.part().equals("test")).toList();
    Map<Double, List<Pred>> byTemp = new HashMap<>();
    List<Pred> unknown = new ArrayList<>();
    for (Pred p : test) {
      if (p.ambient() == null) unknown.add(p);
      else byTemp.computeIfAbsent(p.ambient(), k -> new ArrayList<>()).add(p);
    }
    List<List<Object>> tt = new ArrayList<>();
    List<Map.Entry<Double, List<Pred>>> groups = new ArrayList<>(byTemp.entrySet());
    if (!unknown.isEmpty()) groups.add(new java.util.AbstractMap.SimpleEntry<>(null, unknown));
    for (var e : groups) {
      List<Pred> g = e.getValue();
      long with = g.stream().filter(p -> p.lower() != null).count();
      long inside = g.stream().filter(p -> p.lower() != null && p.actual() >= p.lower() && p.actual() <= p.upper())
          .count();
      tt.add(Arrays.asList(e.getKey(), (long) g.size(), g.stream().mapToDouble(Pred::absError).sum() / g.size(),
          g.stream().mapToDouble(Pred::absError).max().getAsDouble(), with == 0 ? null : inside / (double) with));
    }
    tt.sort(Comparator.comparingDouble(r -> -(Double) r.get(2)));
    s.text("Test predictions by ambient temperature (table predictions with features_summary's "
        + "ambient_temperature_c), worst first:");
    s.table("card-worst-temperatures", List.of("ambient °C", "n", "MAE", "max error", "coverage"), tt);
    List<List<Object>> p = new ArrayList<>();
    test.stream().sorted(Comparator.comparingDouble(Pred::absError).reversed().thenComparing(Pred::cell)
            .thenComparingInt(Pred::cycle)).limit(5)
        .forEach(x -> p.add(Arrays.asList(x.cell(), x.cycle(), x.actual(), x.predicted(), x.absError(), x.run())));
    s.text("The 5 test predictions with the largest absolute error:");
    s.table("card-worst-predictions", List.of("cell", "cycle_index", "actual", "predicted", "|error|", "run"), p);
  }

  private static void importance(Section s, List<Row> importance, Set<String> ids) {
    s.heading("Feature importance");
    if (importance == null) {
      s.text("The lake has no feature_importance table.");
      return;
    }
    Map<List<String>, List<Row>> by = new HashMap<>();
    for (Row r : importance) {
      if (ids.contains(r.getString(0))) by.computeIfAbsent(List.of(r.getString(1), r.getString(2)),
          k -> new ArrayList<>()).add(r);
    }
    if (by.isEmpty()) {
      s.text("feature_importance has no rows for these runs.");
      return;
    }
    List<List<Object>> t = new ArrayList<>();
    by.forEach((k, rows) -> t.add(Arrays.asList(k.get(0), k.get(1), mean(rows, 3), sd(rows, 3),
        (long) rows.size())));
    t.sort(Comparator.<List<Object>>comparingDouble(r -> -(Double) r.get(2)).thenComparing(r -> (String) r.get(0)));
    s.text("Mean over folds (table feature_importance; kind " + t.get(0).get(1) + ": mean-abs-shap is "
        + "the mean |SHAP value| of XGBoost's TreeSHAP, abs-coefficient the |coefficient| on standardised inputs, "
        + "impurity the normalised impurity decrease), largest first:");
    s.table("card-importance", List.of("feature", "kind", "mean", "sd", "folds"), t);
  }

  private static void use(Section s, List<Pred> preds, Row head) {
    s.heading("Intended use and out-of-scope use");
    List<Pred> train = preds.stream().filter(p -> p.part().equals("train")).toList();
    double[] temps = train.stream().filter(p -> p.ambient() != null).mapToDouble(Pred::ambient).toArray();
    long cells = train.stream().map(Pred::cell).distinct().count();
    Object tMin = temps.length == 0 ? null : Arrays.stream(temps).min().getAsDouble();
    Object tMax = temps.length == 0 ? null : Arrays.stream(temps).max().getAsDouble();
    Object yMin = train.isEmpty() ? null : train.stream().mapToDouble(Pred::actual).min().getAsDouble();
    Object yMax = train.isEmpty() ? null : train.stream().mapToDouble(Pred::actual).max().getAsDouble();
    String what = switch (head.getString(2)) {
      case "soh" -> "the state of health of a discharge";
      case "rul" -> "the remaining useful life (in discharges) at a discharge";
      default -> "the " + head.getString(2) + " label of a discharge";
    };
    s.text("Intended use: estimating " + what + " of a cell like the " + cells
        + " training cells, from the features listed above computed with feature_config_hash " + head.get(13)
        + ", for comparing models and cells in research.");
    s.text("Out of scope: ambient temperatures outside " + Html.format(tMin) + " – " + Html.format(tMax)
        + " °C (the range seen in training); " + label(head) + " below " + Html.format(yMin) + " or above "
        + Html.format(yMax)
        + " (the labels seen in training); other chemistries, formats, protocols or sources than the training "
        + "cells'; features computed with other settings. The intervals are calibrated on each fold's validation "
        + "cells: where coverage above is below the nominal level they are too narrow. Not validated for "
        + "warranty, safety or second-life decisions on its own.");
  }

  private static void reproduce(Section s, Row head, Spec spec, String conf) {
    s.heading("How to reproduce");
    s.text("The configuration the sweep ran with (runs.config, secrets masked) is written beside this card as "
        + conf + ". On a lake whose features_summary is at version " + head.get(12) + " (feature_config_hash "
        + head.get(13) + "), this reruns the sweep, seeded; spec " + spec.index() + " is this card:");
    s.preformatted("jobs/cyclelake sweep --conf " + conf);
  }

  private static List<Object> values(Row r) {
    Object[] v = new Object[r.length()];
    for (int i = 0; i < v.length; i++) v[i] = r.get(i);
    return Arrays.asList(v);
  }
}
