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

  /** The specs among {@code runs} rows of {@link CardRows} (run_id, ..., model at 3, ..., params at 9). */
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
   * The rows a card is built from, read once (one Delta snapshot per table) and shared by the cards of a sweep's
   * specs: runs, per-part and per-cell metrics, predictions and feature_importance of the runs; from
   * features_summary at the version the runs read (their feature settings, discharges), each cycle's ambient
   * temperature and timeseries version; the files manifest and its version. {@code metricsSource} names where the
   * metrics rows come from (a sweep's fold_metrics, or a train run's runs rows and predictions).
   */
  public record CardRows(List<Row> runs, List<Row> foldMetrics, List<Row> predictions, List<Row> importance,
      Map<String, Object[]> cycles, List<Row> files, long filesVersion, String metricsSource) {

    /** The rows of every spec of sweep {@code sweepId}; an unknown sweep is an error naming the known ones. */
    public static CardRows sweep(Lake lake, String sweepId) {
      List<Row> runs = runsRows(lake, col("sweep_id").equalTo(sweepId));
      if (runs.isEmpty()) specs(lake, sweepId);
      List<Row> fm = lake.read(Tables.FOLD_METRICS, "sweep").where(col("sweep_id").equalTo(sweepId))
          .select("run_id", "fold", "part", "cell_id", "n", "mae", "rmse", "r2", "max_error", "within_5pct",
              "interval_level", "coverage").collectAsList();
      List<Row> preds = predictionRows(lake, col("run_id").startsWith(sweepId + "-s"));
      return read(lake, runs, fm, preds, col("sweep_id").equalTo(sweepId), "table fold_metrics");
    }

    /**
     * The rows of run {@code runId} of {@code cyclelake train} (no sweep): its metrics per part are its runs rows
     * (n, MAE, RMSE, R², within ±5 %) with the largest error and the interval coverage counted from its
     * predictions; per cell they are counted from its predictions. Unknown run = error.
     */
    public static CardRows run(Lake lake, String runId) {
      List<Row> runs = runsRows(lake, col("run_id").equalTo(runId));
      if (runs.isEmpty()) {
        throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no run '" + runId + "' in " + lake.path(Tables.RUNS)
            + "; `cyclelake report` lists the latest runs");
      }
      List<Row> preds = predictionRows(lake, col("run_id").equalTo(runId));
      return read(lake, runs, runMetrics(runs, preds), preds, col("run_id").equalTo(runId),
          "table runs per part; predictions per cell and for max error and coverage");
    }

    private static CardRows read(Lake lake, List<Row> runs, List<Row> fm, List<Row> preds,
        org.apache.spark.sql.Column importanceOf, String metricsSource) {
      List<Row> imp = lake.exists(Tables.FEATURE_IMPORTANCE) ? lake.read(Tables.FEATURE_IMPORTANCE, "sweep")
          .where(importanceOf).select("run_id", "feature", "kind", "importance").collectAsList() : null;
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
      return new CardRows(runs, fm, preds, imp, cycles, files, filesVersion, metricsSource);
    }

    /** Columns of runs a card reads, in this order (lineage columns are null in runs written before they existed). */
    private static final List<String> RUN_COLUMNS = List.of("run_id", "created_at", "task", "model", "split", "part",
        "features", "config", "fold", "params", "status", "error", "features_version", "feature_config_hash_used",
        "config_hash", "git_commit", "input_versions", "sweep_id", "cells", "n", "mae", "rmse", "r2", "within_5pct");

    static List<Row> runsRows(Lake lake, org.apache.spark.sql.Column which) {
      var runsTable = lake.read(Tables.RUNS, "sweep");
      List<String> have = Arrays.asList(runsTable.columns());
      List<org.apache.spark.sql.Column> cols = new ArrayList<>();
      for (String c : RUN_COLUMNS) {
        cols.add(have.contains(c) ? col(c) : org.apache.spark.sql.functions.lit(null).cast("string").as(c));
      }
      return runsTable.where(which).select(cols.toArray(org.apache.spark.sql.Column[]::new)).orderBy("run_id")
          .collectAsList();
    }

    private static List<Row> predictionRows(Lake lake, org.apache.spark.sql.Column which) {
      return lake.readOrEmpty(Tables.PREDICTIONS, Tables.PREDICTIONS_SCHEMA).where(which)
          .select("run_id", "cell_id", "cycle_index", "part", "actual", "predicted", "lower", "upper")
          .collectAsList();
    }
  }

  /**
   * A train run's metrics in fold_metrics' layout (run_id, fold, part, cell_id, n, mae, rmse, r2, max_error,
   * within_5pct, interval_level, coverage), the fold being the split's name: per part ({@code cell_id '*'}) the
   * runs row's metrics with the largest error and coverage of its predictions, per part and cell counted from the
   * predictions. Coverage is null where the predictions carry no interval; the interval level is not recorded.
   */
  static List<Row> runMetrics(List<Row> runs, List<Row> preds) {
    Map<String, Map<String, List<Row>>> byPartCell = new TreeMap<>();
    for (Row p : preds) {
      byPartCell.computeIfAbsent(p.getString(3), k -> new TreeMap<>()).computeIfAbsent(p.getString(1),
          k -> new ArrayList<>()).add(p);
    }
    List<Row> out = new ArrayList<>();
    for (Row r : runs) {
      String part = r.getString(5);
      String runId = r.getString(0);
      String fold = foldName(r);
      Map<String, List<Row>> cells = byPartCell.getOrDefault(part, Map.of());
      List<Row> all = cells.values().stream().flatMap(List::stream).toList();
      Double[] counted = counted(all);
      out.add(org.apache.spark.sql.RowFactory.create(runId, fold, part, "*", r.getAs("n"), r.getAs("mae"),
          r.getAs("rmse"), r.getAs("r2"), counted[0], r.getAs("within_5pct"), null, counted[1]));
      cells.forEach((cell, rows) -> {
        double[] a = rows.stream().mapToDouble(x -> x.getDouble(4)).toArray();
        double[] p = rows.stream().mapToDouble(x -> x.getDouble(5)).toArray();
        io.cyclelake.eval.RegressionMetrics m = io.cyclelake.eval.RegressionMetrics.of(a, p);
        Double[] c = counted(rows);
        out.add(org.apache.spark.sql.RowFactory.create(runId, fold, part, cell, m.n(), m.mae(), m.rmse(), m.r2(),
            c[0], m.within5pct(), null, c[1]));
      });
    }
    return out;
  }

  /**
   * Largest |predicted − actual| (null without rows) and the share of actual values inside [lower, upper] (null
   * without intervals).
   */
  private static Double[] counted(List<Row> preds) {
    Double max = null;
    long with = 0;
    long inside = 0;
    for (Row p : preds) {
      double e = Math.abs(p.getDouble(5) - p.getDouble(4));
      max = max == null ? e : Math.max(max, e);
      if (!p.isNullAt(6) && !p.isNullAt(7)) {
        with++;
        if (p.getDouble(4) >= p.getDouble(6) && p.getDouble(4) <= p.getDouble(7)) inside++;
      }
    }
    return new Double[] {max, with == 0 ? null : inside / (double) with};
  }

  /** The fold of a runs row: runs.fold for a sweep's run, the split's name for a train run (one split, no folds). */
  private static String foldName(Row run) {
    return run.isNullAt(8) ? run.getString(4) : run.getString(8);
  }

  /** Cards of every spec of a sweep from one read of its rows. */
  public static List<Section> buildAll(Lake lake, String sweepId, String reproduceConf) {
    CardRows rows = CardRows.sweep(lake, sweepId);
    List<Section> out = new ArrayList<>();
    for (Spec spec : specs(rows.runs(), sweepId)) out.add(build(rows, spec, reproduceConf));
    return out;
  }

  /**
   * The card of run {@code runId}, e.g. for its run report: a {@code cyclelake train} run's own card, or for a run of
   * a sweep the card of its spec over all the spec's folds. {@code reproduceConf} as in {@link #build}.
   */
  public static Section forRun(Lake lake, String runId, String reproduceConf) {
    List<Row> runs = CardRows.runsRows(lake, col("run_id").equalTo(runId));
    String sweepId = runs.isEmpty() ? null : runs.get(0).getString(17);
    if (sweepId == null) return buildRun(CardRows.run(lake, runId), reproduceConf);
    CardRows sweep = CardRows.sweep(lake, sweepId);
    Spec spec = specs(sweep.runs(), sweepId).stream().filter(x -> x.runIds().contains(runId)).findFirst()
        .orElseThrow(() -> new CycleLakeException(ErrorCode.INPUT_MALFORMED, "run id " + runId + " of sweep "
            + sweepId + " is not <sweep>-s<spec>-f<fold>"));
    return build(sweep, spec, reproduceConf);
  }

  /**
   * The card of {@code spec}. {@code reproduceConf} is the path of the configuration file written beside the card
   * (the runs' own stored configuration), quoted in the command that reproduces the sweep; null when the caller
   * writes none (the card then names the file and the command that writes it).
   */
  public static Section build(CardRows all, Spec spec, String reproduceConf) {
    Set<String> ids = new HashSet<>(spec.runIds());
    List<Row> runs = all.runs().stream().filter(r -> ids.contains(r.getString(0))).toList();
    Row head = runs.get(0);
    long folds = runs.stream().map(r -> r.getString(0)).distinct().count();
    long failed = runs.stream().filter(r -> "failed".equals(r.getString(10))).map(r -> r.getString(0)).distinct()
        .count();
    return build(all, new Subject("model-card-" + spec.label().replaceAll("[^a-z0-9-]", "-"), "Model card: "
        + spec.sweepId() + " / " + spec.label(), "Spec " + spec.index() + " of sweep " + spec.sweepId() + ": model "
        + spec.model() + " on " + folds + " folds of split " + head.getString(4) + " (" + failed + " failed), "
        + "created " + head.get(1) + ".", true, ids, spec.model(), spec.params(),
        "mean imputer and standard scaler fitted on each fold's training rows", "sweep.interval-level",
        confText("sweep", reproduceConf, spec.sweepId() + ".conf", "--sweep " + spec.sweepId())
        + " On a lake whose features_summary is at version " + head.get(12)
        + " (feature_config_hash " + head.get(13) + "), this reruns the sweep, seeded; spec " + spec.index()
        + " is this card:", "jobs/cyclelake sweep --conf " + (reproduceConf != null ? reproduceConf
        : spec.sweepId() + ".conf")));
  }

  /**
   * The card of the {@code cyclelake train} run in {@code all} ({@link CardRows#run}). {@code reproduceConf} is the
   * path of the run's stored configuration written beside the card, quoted in the command that reruns it.
   */
  public static Section buildRun(CardRows all, String reproduceConf) {
    Row head = all.runs().get(0);
    String runId = head.getString(0);
    String model = head.getString(3);
    JsonNode config = config(head.getString(7));
    String params = at(config, "model." + model);
    String cells = head.getString(18);
    return build(all, new Subject("model-card-run", "Model card: run " + runId, "Run " + runId + " of "
        + "`cyclelake train`: model " + model + ", task " + head.getString(2) + ", split " + head.getString(4)
        + " (one split, no folds) over " + (cells == null ? "?" : cells.split(",").length) + " cells, created "
        + head.get(1) + ".", false, Set.of(runId), model, params == null ? "not recorded" : params,
        model.startsWith("mllib-") ? "mean imputer and standard scaler fitted on the training rows"
            : "none: the model takes the raw features (missing = NaN)", null,
        confText("run", reproduceConf, runConf(runId), "--run " + runId)
        + " On a lake whose features_summary is at version " + head.get(12)
        + " (feature_config_hash " + head.get(13) + "), this reruns it, seeded, as a new run:",
        "jobs/cyclelake train --conf " + (reproduceConf != null ? reproduceConf : runConf(runId)) + " --task "
            + head.getString(2) + " --model " + model
            + " --split " + head.getString(4) + (cells == null ? "" : " --cells " + cells)));
  }

  /** The file name of a train run's stored configuration, written beside its card. */
  public static String runConf(String runId) {
    return "run-" + runId + ".conf";
  }

  private static String confText(String what, String conf, String defaultName, String cardsOption) {
    return conf != null ? "The configuration the " + what + " ran with (runs.config, secrets masked) is written "
        + "beside this card as " + conf + "."
        : "The configuration the " + what + " ran with is stored in runs.config (secrets masked); `jobs/cyclelake "
        + "cards " + cardsOption + "` writes it as " + defaultName + " beside the card (in "
        + "cyclelake.report.cards.dir).";
  }

  /**
   * What a card describes: a section id and title, the opening sentence, whether the runs are a spec's folds
   * ({@code folds}) or one train run, model, hyperparameters and preprocessing, the setting that holds the interval
   * level (null: the runs record none), and how to reproduce it.
   */
  private record Subject(String id, String title, String intro, boolean folds, Set<String> runIds, String model,
      String params, String preprocessing, String intervalKey, String reproduceText, String command) {}

  private static Section build(CardRows all, Subject subject) {
    Set<String> ids = subject.runIds();
    List<Row> runs = all.runs().stream().filter(r -> ids.contains(r.getString(0))).toList();
    Row head = runs.get(0);
    Section s = new Section(subject.id(), subject.title());
    // one status row per run: (run_id, fold, status, error)
    Map<String, Row> byRun = new TreeMap<>();
    for (Row r : runs) byRun.putIfAbsent(r.getString(0), r);
    List<Row> status = new ArrayList<>(byRun.values());
    s.text(subject.intro() + " Generated from the lake by `cyclelake cards`; regenerate it instead of editing it.");
    JsonNode config = config(head.getString(7));
    task(s, head, config);
    model(s, head, config, subject);
    List<Pred> preds = new ArrayList<>();
    for (Row r : all.predictions()) {
      if (!ids.contains(r.getString(0))) continue;
      Object[] c = all.cycles().get(r.getString(1) + "\u0000" + r.getInt(2));
      preds.add(new Pred(r.getString(0), r.getString(1), r.getInt(2), r.getString(3), r.getDouble(4),
          r.getDouble(5), r.isNullAt(6) ? null : r.getDouble(6), r.isNullAt(7) ? null : r.getDouble(7),
          c == null ? null : (Double) c[0], c == null ? null : (Long) c[1]));
    }
    folds(s, preds, status);
    trainingData(s, all, head, preds, subject.folds());
    List<Row> fm = all.foldMetrics().stream().filter(r -> ids.contains(r.getString(0))).toList();
    metrics(s, fm, all.metricsSource(), subject.folds());
    worst(s, fm, preds, all.metricsSource());
    importance(s, all.importance(), ids);
    use(s, preds, head);
    s.heading("How to reproduce");
    s.text(subject.reproduceText());
    s.preformatted(subject.command());
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

  private static void model(Section s, Row head, JsonNode config, Subject subject) {
    s.heading("Model and hyperparameters");
    List<List<Object>> t = new ArrayList<>();
    t.add(Arrays.asList("model", subject.model()));
    t.add(Arrays.asList("hyperparameters (model." + subject.model() + ")", subject.params()));
    t.add(Arrays.asList("features", head.get(6)));
    t.add(Arrays.asList("preprocessing", subject.preprocessing()));
    t.add(Arrays.asList("seed (train.seed)", at(config, "train.seed")));
    t.add(subject.intervalKey() == null ? Arrays.asList("interval level", "none: the run records no intervals")
        : Arrays.asList("interval level (" + subject.intervalKey() + ")", at(config, subject.intervalKey())));
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
      List<Object> row = new ArrayList<>(Arrays.asList(foldName(st), run, st.get(10)));
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

  private static void trainingData(Section s, CardRows all, Row head, List<Pred> preds, boolean folds) {
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
    s.text((folds ? "Over all folds, per part (a cell trains in some folds and tests in one)" : "Per part of the "
        + "split") + ": distinct cells, distinct "
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

  private static void metrics(Section s, List<Row> fm, String source, boolean folds) {
    s.heading("Metrics per fold and per cell");
    List<List<Object>> t = new ArrayList<>();
    fm.stream().filter(r -> r.getString(3).equals("*")).sorted(PART_DESC_FOLD).forEach(r -> t.add(Arrays.asList(
        r.get(1), r.get(2), r.get(4), r.get(5), r.get(6), r.get(7), r.get(8), r.get(9), r.get(10), r.get(11))));
    s.text((folds ? "Every part of every fold" : "Every part of the split (the fold column names the split)")
        + " (" + source + ", all cells of the part). Coverage is the share of actual values inside the "
        + "split-conformal interval of the nominal level (" + (folds ? "empty without a validation part"
        : "empty where the run records no intervals") + ").");
    s.table("card-fold-metrics", List.of("fold", "part", "n", "MAE", "RMSE", "R²", "max error", "within ±5 %",
        "interval level", "coverage"), t);
    List<Row> test = fm.stream().filter(r -> r.getString(3).equals("*") && r.getString(2).equals("test")).toList();
    if (folds) {
      s.text("Test part, mean over " + test.size() + " folds: MAE " + Html.format(mean(test, 5)) + " (sd "
          + Html.format(sd(test, 5)) + "), RMSE " + Html.format(mean(test, 6)) + ", R² "
          + Html.format(mean(test, 7)) + ", coverage " + Html.format(mean(test, 11)) + ".");
    }
    List<List<Object>> c = new ArrayList<>();
    fm.stream().filter(r -> !r.getString(3).equals("*") && r.getString(2).equals("test"))
        .sorted(Comparator.<Row, String>comparing(r -> r.getString(3)).thenComparing(r -> r.getString(1)))
        .forEach(r -> c.add(Arrays.asList(r.get(3), r.get(1), r.get(4), r.get(5), r.get(6), r.get(8), r.get(10),
            r.get(11))));
    s.text("Test part per cell (" + source + "):");
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

  private static void worst(Section s, List<Row> fm, List<Pred> preds, String source) {
    s.heading("Where it does worst");
    List<List<Object>> t = new ArrayList<>();
    fm.stream().filter(r -> !r.getString(3).equals("*") && r.getString(2).equals("test") && !r.isNullAt(5))
        .sorted(Comparator.<Row>comparingDouble(r -> -r.getDouble(5)).thenComparing(r -> r.getString(3))).limit(3)
        .forEach(r -> t.add(Arrays.asList(r.get(3), r.get(1), r.get(5), r.get(8), r.get(11))));
    s.text("Test cells with the largest MAE (" + source + "):");
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
      s.text("feature_importance has no rows for these runs (`cyclelake train` records none; a sweep of the same "
          + "model records it per fold).");
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
        + "cells'; features computed with other settings. " + (preds.stream().anyMatch(p -> p.lower() != null)
        ? "The intervals are calibrated on each fold's validation cells: where coverage above is below the nominal "
        + "level they are too narrow. " : "The run records no prediction intervals, so its uncertainty is not "
        + "quantified (a sweep of the same model records split-conformal intervals). ") + "Not validated for "
        + "warranty, safety or second-life decisions on its own.");
  }

  private static List<Object> values(Row r) {
    Object[] v = new Object[r.length()];
    for (int i = 0; i < v.length; i++) v[i] = r.get(i);
    return Arrays.asList(v);
  }
}
