package io.cyclelake.sweep;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.RegressionMetrics;
import io.cyclelake.gpu.GpuSettings;
import io.cyclelake.internal.Registry;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.lineage.InputTables;
import io.cyclelake.lineage.RunLineage;
import io.cyclelake.model.SparkTabularModel;
import io.cyclelake.model.TabularModel;
import io.cyclelake.schema.Tables;
import io.cyclelake.split.Fold;
import io.cyclelake.split.FoldSplitter;
import io.cyclelake.train.LabelReport;
import io.cyclelake.train.LabelTask;
import io.cyclelake.tracking.MlflowSettings;
import io.cyclelake.tracking.MlflowTracker;
import io.cyclelake.tracking.RunRecords;
import io.cyclelake.tracking.TrackedRun;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import io.cyclelake.eval.FoldStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;

/**
 * A sweep: models × hyperparameter grid × folds of a split. The labelled rows are collected on the driver (one row per
 * discharge), the folds made there, and every (spec, fold) pair of a plain-Java model runs as one task of one Spark
 * job ({@link FoldRunner} on the broadcast rows), so a sweep spreads over the executors' cores. A model that fits with
 * Spark MLlib ({@link TabularModel#fitsWithSpark()}) cannot run inside a task: its (spec, fold) pairs then run from the
 * driver, one after another, each fit a distributed Spark job over the fold's training rows, through the same
 * {@link FoldRunner} (same preprocessing, predictions, intervals, importances and failure recording). The driver
 * collects only predictions, importances and the saved models, and writes {@code runs}, {@code fold_metrics},
 * {@code predictions} and {@code feature_importance}. A task that throws is a failed run, recorded with its error.
 */
public final class SweepJob {
  private SweepJob() {}

  /** Per spec, mean ± sd over folds of the test metrics. */
  public record SpecSummary(int specIndex, String model, String params, int folds, int failed, double maeMean,
      double maeSd, double rmseMean, double r2Mean, double coverageMean) {}

  /**
   * @param task the label task's name
   * @param labels what the task left out (excluded discharges, censored cells), also in {@code label_exclusions}
   */
  public record Result(String sweepId, int tasks, int failed, List<SpecSummary> specs, double seconds, String task,
      LabelReport labels) {}

  public static Result run(Lake lake, Config config, Progress progress) {
    long t0 = System.nanoTime();
    Config sw = config.getConfig("cyclelake.sweep");
    LabelTask task = LabelTask.registry().get(sw.getString("task"));
    String splitName = sw.getString("split");
    FoldSplitter splitter = Registry.load(FoldSplitter.class, FoldSplitter::name, "split").get(splitName);
    List<String> features = sw.getStringList("features").isEmpty()
        ? config.getStringList("cyclelake.train.features") : sw.getStringList("features");
    long seed = config.getLong("cyclelake.train.seed");
    double level = sw.getDouble("interval-level");
    if (!(level > 0 && level < 1)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sweep.interval-level must be in (0, 1), got " + level);
    }
    List<Spec> specs = expand(config, sw);
    MlflowSettings mlflow = MlflowSettings.of(config);
    String sweepId = sw.getString("name") + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(ZoneOffset.UTC).format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 6);

    progress.step("sweep " + sweepId + ": labelled rows and " + splitName + " folds");
    String featureHash = ConfigRender.hash(config, "cyclelake.features");
    InputTables inputs = new InputTables(lake);
    Collected collected = collect(inputs, config, task, sw.getStringList("cells"), features, featureHash);
    SweepData data = collected.data();
    collected.report().lines().forEach(progress::say);
    List<Fold> folds = splitter.folds(data.splitRows(), config.getConfig("cyclelake.split." + splitName), seed);
    progress.done(data.y().length + " labelled rows of " + data.splitRows().distinctCells().size() + " cells, "
        + folds.size() + " folds, " + specs.size() + " specs");

    List<TaskSpec> tasks = new ArrayList<>();
    for (Spec s : specs) {
      for (int f = 0; f < folds.size(); f++) {
        tasks.add(new TaskSpec(sweepId + "-s" + s.index + "-f" + f, s.index, s.model, s.params, f,
            folds.get(f).name(), seed, level));
      }
    }
    Registry<TabularModel> models = Registry.load(TabularModel.class, TabularModel::name, "model");
    List<TaskSpec> inTasks = tasks.stream().filter(t -> !models.get(t.model()).fitsWithSpark()).toList();
    List<TaskSpec> onDriver = tasks.stream().filter(t -> models.get(t.model()).fitsWithSpark()).toList();
    progress.step((inTasks.isEmpty() ? "" : "running " + inTasks.size() + " tasks (one per spec and fold) as one Spark "
        + "job") + (inTasks.isEmpty() || onDriver.isEmpty() ? "" : ", then ") + (onDriver.isEmpty() ? ""
        : onDriver.size() + " Spark MLlib fits (one per spec and fold) from the driver, each a Spark job over the "
        + "fold's training rows"));
    List<TaskResult> results = new ArrayList<>(tasks.size());
    List<TrainingStage.Placed<TaskResult>> placed = inTasks.isEmpty() ? List.of()
        : runTasks(lake, config, sweepId, data, folds, inTasks, progress);
    placed.forEach(p -> results.add(p.result()));
    Map<String, SparkTabularModel.SparkFitted> sparkModels = new LinkedHashMap<>();
    if (!onDriver.isEmpty()) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
      for (TaskSpec t : onDriver) {
        jsc.setJobDescription("cyclelake sweep " + sweepId + ": " + t.runId() + " (" + t.model() + ")");
        TaskResult r = FoldRunner.run(data, folds.get(t.foldIndex()), t, sparkModels::put);
        results.add(r);
        progress.say("  " + t.runId() + " " + t.model() + " " + r.status() + String.format(java.util.Locale.ROOT,
            " in %.1f s", r.fitSeconds()));
      }
      jsc.setJobDescription(null);
    }
    // Results in spec and fold order, whichever way they ran.
    results.sort(java.util.Comparator.comparingInt((TaskResult r) -> r.spec().specIndex())
        .thenComparingInt(r -> r.spec().foldIndex()));
    int failed = (int) results.stream().filter(r -> !r.status().equals("ok")).count();
    progress.done(results.size() + " tasks, " + failed + " failed");

    progress.step("recording sweep " + sweepId);
    String configJson = ConfigRender.json(config);
    String configHash = ConfigRender.hash(config, "cyclelake");
    RunLineage lineage = RunLineage.of(inputs);
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> runRows = new ArrayList<>();
    List<Row> metricRows = new ArrayList<>();
    List<Row> predRows = new ArrayList<>();
    List<Row> impRows = new ArrayList<>();
    List<Row> curveRows = new ArrayList<>();
    Map<String, TreeSet<String>> cellsByRun = new LinkedHashMap<>();
    String runsDir = config.getString("cyclelake.lake.runs-dir") + "/" + sweepId;
    Map<String, List<TrackedRun.Artifact>> artifacts = new LinkedHashMap<>();
    String featureList = String.join(",", features);
    for (TaskResult r : results) {
      TaskSpec t = r.spec();
      Fold fold = folds.get(t.foldIndex());
      TreeSet<String> cells = usedCells(data.cell(), fold);
      cellsByRun.put(t.runId(), cells);
      RunInfo info = new RunInfo(task.name(), t, now, splitName, cells, featureList, configJson, sweepId, r.status(),
          r.error(), r.fitSeconds(), featureHash, configHash, lineage);
      if (!r.status().equals("ok")) {
        runRows.add(runRow(info, "none", null));
        continue;
      }
      boolean hasInterval = !Double.isNaN(r.halfWidth());
      Map<String, Map<String, List<Integer>>> byPartCell = new LinkedHashMap<>();
      for (int k = 0; k < r.rows().length; k++) {
        int i = r.rows()[k];
        String part = Fold.partName(fold.part()[i]);
        byPartCell.computeIfAbsent(part, p -> new TreeMap<>()).computeIfAbsent("*", c -> new ArrayList<>()).add(k);
        byPartCell.get(part).computeIfAbsent(data.cell()[i], c -> new ArrayList<>()).add(k);
        Double lo = hasInterval ? r.predicted()[k] - r.halfWidth() : null;
        Double hi = hasInterval ? r.predicted()[k] + r.halfWidth() : null;
        predRows.add(RowFactory.create(t.runId(), data.cell()[i], data.cycle()[i], part, data.y()[i],
            r.predicted()[k], lo, hi));
      }
      for (var pe : byPartCell.entrySet()) {
        for (var ce : pe.getValue().entrySet()) {
          List<Integer> ks = ce.getValue();
          double[] a = new double[ks.size()];
          double[] p = new double[ks.size()];
          double maxErr = 0;
          int covered = 0;
          for (int j = 0; j < a.length; j++) {
            a[j] = data.y()[r.rows()[ks.get(j)]];
            p[j] = r.predicted()[ks.get(j)];
            maxErr = Math.max(maxErr, Math.abs(a[j] - p[j]));
            if (hasInterval && Math.abs(a[j] - p[j]) <= r.halfWidth()) covered++;
          }
          RegressionMetrics m = RegressionMetrics.of(a, p);
          metricRows.add(RowFactory.create(t.runId(), sweepId, t.model(), t.params(), t.foldName(), pe.getKey(),
              ce.getKey(), m.n(), m.mae(), m.rmse(), m.mapePct(), m.r2(), maxErr, m.within3pct(), m.within5pct(),
              level, hasInterval ? (double) covered / a.length : null));
          if (ce.getKey().equals("*")) runRows.add(runRow(info, pe.getKey(), m));
        }
      }
      TrainingCurves.add(curveRows, t, sweepId, r.curve());
      for (int j = 0; j < features.size(); j++) {
        impRows.add(RowFactory.create(t.runId(), sweepId, t.model(), features.get(j), r.importanceKind(),
            r.importance()[j]));
      }
      if (sw.getBoolean("save-models")) {
        byte[] saved = SavedRun.write(lake, runsDir + "/" + t.runId(), t.runId(), t.model(), features,
            r.preprocessor(), r.model(), sparkModels.get(t.runId()), r.halfWidth());
        if (mlflow.enabled()) artifacts.put(t.runId(), List.of(new TrackedRun.Artifact(t.runId() + ".model", saved)));
      }
    }
    var spark = lake.spark();
    lake.append(spark.createDataFrame(predRows, Tables.PREDICTIONS_SCHEMA), Tables.PREDICTIONS);
    lake.append(spark.createDataFrame(metricRows, Tables.FOLD_METRICS_SCHEMA), Tables.FOLD_METRICS);
    if (!impRows.isEmpty()) {
      lake.append(spark.createDataFrame(impRows, Tables.FEATURE_IMPORTANCE_SCHEMA), Tables.FEATURE_IMPORTANCE);
    }
    TrainingCurves.record(lake, sweepId, curveRows);
    collected.report().record(lake, sweepId, now);
    TrainingStage.record(lake, sweepId, inTasks, placed);
    lineage.recordSweep(lake, runsDir, sweepId, cellsByRun);
    // The runs rows go last: a run listed in `runs` has its predictions and metrics in place.
    lake.append(spark.createDataFrame(runRows, Tables.RUNS_SCHEMA), Tables.RUNS);
    progress.done(runRows.size() + " runs rows, " + metricRows.size() + " fold_metrics rows, " + predRows.size()
        + " predictions");
    if (mlflow.enabled()) {
      MlflowTracker.log(mlflow, RunRecords.of(runRows, metricRows, curveRows, config, seed, lake.root(), artifacts),
          progress);
    }
    return new Result(sweepId, tasks.size(), failed, summarise(specs, results, data, folds),
        (System.nanoTime() - t0) / 1e9, task.name(), collected.report());
  }

  /**
   * The specs of plain-Java models as one Spark job, one task per (spec, fold) ({@link FoldRunner} on the broadcast
   * rows); only the results come back to the driver.
   */
  private static List<TrainingStage.Placed<TaskResult>> runTasks(Lake lake, Config config, String sweepId,
      SweepData data, List<Fold> folds, List<TaskSpec> tasks, Progress progress) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
    Broadcast<SweepData> bData = jsc.broadcast(data);
    Broadcast<List<Fold>> bFolds = jsc.broadcast(folds);
    AtomicInteger finished = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        int k = finished.incrementAndGet();
        if (k % Math.max(1, tasks.size() / 10) == 0 || k == tasks.size()) {
          progress.say("  " + k + "/" + tasks.size() + " tasks finished");
        }
      }
    };
    lake.spark().sparkContext().addSparkListener(listener);
    try {
      jsc.setJobDescription("cyclelake sweep " + sweepId);
      // With gpu.enabled the stage asks for GPUs (neural-ode, mlp train on ND4J) and tasks record where they ran.
      return TrainingStage.run(jsc, tasks, GpuSettings.of(config), false, progress,
          t -> FoldRunner.run(bData.value(), bFolds.value().get(t.foldIndex()), t));
    } finally {
      jsc.setJobDescription(null);
      lake.spark().sparkContext().removeSparkListener(listener);
      bData.unpersist();
      bFolds.unpersist();
    }
  }

  /**
   * What the {@code runs} rows of one sweep run (tabular or sequence) share; {@code task} is the label task's name.
   *
   * @param cells the cells of the fold's used rows
   * @param features the feature columns, or the sequence inputs, as stored in {@code runs.features}
   */
  public record RunInfo(String task, TaskSpec spec, Timestamp createdAt, String split, TreeSet<String> cells,
      String features, String configJson, String sweepId, String status, String error, double fitSeconds,
      String featureHash, String configHash, RunLineage lineage) {}

  /** The {@code runs} row of a sweep run's part; {@code m} null for a failed run (part 'none', n = 0). */
  public static Row runRow(RunInfo i, String part, RegressionMetrics m) {
    TaskSpec t = i.spec();
    return i.lineage().runsRow(i.cells(), t.runId(), i.createdAt(), i.task(), t.model(), i.split(),
        String.join(",", i.cells()), part, m == null ? 0L : m.n(), m == null ? null : m.mae(),
        m == null ? null : m.rmse(), m == null ? null : m.mapePct(), m == null ? null : m.r2(),
        m == null ? null : m.within3pct(), m == null ? null : m.within5pct(), i.features(), i.configJson(),
        i.sweepId(), t.foldName(), t.params(), i.status(), i.error(), i.fitSeconds(),
        i.lineage().versions().getOrDefault(Tables.FEATURES_SUMMARY, -1L), i.featureHash(), i.configHash());
  }

  /** The cells of a fold's used (train, validation or test) rows; {@code cell} is the cell of each row. */
  public static TreeSet<String> usedCells(String[] cell, Fold fold) {
    TreeSet<String> out = new TreeSet<>();
    for (int i = 0; i < fold.part().length; i++) if (fold.part()[i] != Fold.UNUSED) out.add(cell[i]);
    return out;
  }

  static List<SpecSummary> summarise(List<Spec> specs, List<TaskResult> results, SweepData data, List<Fold> folds) {
    List<SpecSummary> out = new ArrayList<>();
    for (Spec s : specs) {
      List<Double> mae = new ArrayList<>();
      List<Double> rmse = new ArrayList<>();
      List<Double> r2 = new ArrayList<>();
      List<Double> cov = new ArrayList<>();
      int failed = 0;
      int n = 0;
      for (TaskResult r : results) {
        if (r.spec().specIndex() != s.index) continue;
        n++;
        if (!r.status().equals("ok")) {
          failed++;
          continue;
        }
        Fold fold = folds.get(r.spec().foldIndex());
        List<double[]> ap = new ArrayList<>();
        int covered = 0;
        for (int k = 0; k < r.rows().length; k++) {
          int i = r.rows()[k];
          if (fold.part()[i] != Fold.TEST) continue;
          ap.add(new double[] {data.y()[i], r.predicted()[k]});
          if (Math.abs(data.y()[i] - r.predicted()[k]) <= r.halfWidth()) covered++;
        }
        RegressionMetrics m = RegressionMetrics.of(ap.stream().mapToDouble(v -> v[0]).toArray(),
            ap.stream().mapToDouble(v -> v[1]).toArray());
        mae.add(m.mae());
        rmse.add(m.rmse());
        r2.add(m.r2());
        if (!Double.isNaN(r.halfWidth())) cov.add((double) covered / ap.size());
      }
      out.add(new SpecSummary(s.index, s.model, s.params, n, failed, FoldStats.mean(mae), FoldStats.sd(mae), FoldStats.mean(rmse), FoldStats.mean(r2),
          FoldStats.mean(cov)));
    }
    return out;
  }



  /** One model with one grid point. */
  public record Spec(int index, String model, String params) {}

  /** {@link #expand(Config, Config, Registry)} over the tabular models. */
  static List<Spec> expand(Config config, Config sw) {
    return expand(config, sw, Registry.load(TabularModel.class, TabularModel::name, "model"));
  }

  /**
   * Every {@code sweep.models} entry × the cartesian product of its grid, checked against the model's settings;
   * {@code models} are the models a sweep of this kind may name.
   */
  public static List<Spec> expand(Config config, Config sw, Registry<?> models) {
    List<Spec> out = new ArrayList<>();
    List<? extends Config> entries = sw.getConfigList("models");
    if (entries.isEmpty()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sweep.models is empty; list at least one "
          + "{ model = NAME, grid { ... } } (models: " + String.join(", ", models.names()) + ")");
    }
    for (Config e : entries) {
      if (!e.hasPath("model")) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "an entry of sweep.models has no 'model' ("
            + e.origin().description() + ")");
      }
      String name = e.getString("model");
      models.get(name);
      Config defaults = config.getConfig("cyclelake.model." + name);
      List<Map<String, Object>> points = new ArrayList<>();
      points.add(new LinkedHashMap<>());
      if (e.hasPath("grid")) {
        for (Map.Entry<String, ConfigValue> g : new TreeMap<>(e.getObject("grid")).entrySet()) {
          if (!defaults.hasPath(g.getKey())) {
            throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sweep grid of " + name + " names '" + g.getKey()
                + "', which is not a setting of model." + name + " (" + g.getValue().origin().description()
                + "); its settings: " + defaults.root().keySet());
          }
          Object raw = g.getValue().unwrapped();
          List<?> values = raw instanceof List<?> l ? l : List.of(raw);
          List<Map<String, Object>> next = new ArrayList<>();
          for (Map<String, Object> p : points) {
            for (Object v : values) {
              Map<String, Object> q = new LinkedHashMap<>(p);
              q.put(g.getKey(), v);
              next.add(q);
            }
          }
          points = next;
        }
      }
      for (Map<String, Object> p : points) {
        Config full = ConfigFactory.parseMap(quoteKeys(p)).withFallback(defaults).resolve();
        out.add(new Spec(out.size(), name, full.root().render(ConfigRenderOptions.concise())));
      }
    }
    return out;
  }

  private static Map<String, Object> quoteKeys(Map<String, Object> p) {
    Map<String, Object> out = new LinkedHashMap<>();
    p.forEach((k, v) -> out.put("\"" + k + "\"", v));
    return out;
  }

  /** The labelled rows of a sweep and what the label task left out. */
  record Collected(SweepData data, LabelReport report) {}

  /**
   * The labelled rows of the cells, features cast to double (null → NaN), ordered by cell and cycle, with the
   * report of excluded discharges and censored cells. A cell of {@code cells} without labelled rows is an error
   * unless the task censored it or left it out whole with a reason.
   */
  static Collected collect(InputTables inputs, Config config, LabelTask task, List<String> cells,
      List<String> features, String hash) {
    LabelTask.Labels labels = task.labels(inputs, config, cells, hash);
    LabelReport report = LabelReport.of(task.name(), labels);
    var labelled = labels.rows();
    List<String> have = List.of(labelled.columns());
    List<String> missing = features.stream().filter(f -> !have.contains(f)).toList();
    if (features.isEmpty() || !missing.isEmpty()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sweep features " + (features.isEmpty() ? "are empty"
          : "name unknown columns " + missing) + "; available: " + have);
    }
    List<Column> cols = new ArrayList<>(List.of(col("cell_id"), col("cycle_index"),
        col("ambient_temperature_c").cast(DataTypes.DoubleType), col("label")));
    for (String f : features) cols.add(col(f).cast(DataTypes.DoubleType));
    List<Row> rows = labelled.select(cols.toArray(Column[]::new)).orderBy("cell_id", "cycle_index").collectAsList();
    if (rows.isEmpty()) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "no labelled discharge cycles"
          + (cells.isEmpty() ? "" : " for cells " + cells) + " with the current feature settings ("
          + task.name() + " task" + (report.lines().isEmpty() ? "" : "; " + String.join("; ", report.lines()))
          + "); run `cyclelake ingest` and `cyclelake features` first, and check sweep.cells");
    }
    if (!cells.isEmpty()) {
      TreeSet<String> absent = new TreeSet<>(cells);
      rows.forEach(r -> absent.remove(r.getString(0)));
      absent.removeAll(report.censoredCells());
      // cells the task left out whole, with a reason (cycle null), are reported, not an error
      report.excluded().stream().filter(r -> r.isNullAt(1)).forEach(r -> absent.remove(r.getString(0)));
      if (!absent.isEmpty()) {
        throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "sweep.cells " + absent + " have no labelled "
            + "discharge cycles in features_summary");
      }
    }
    int n = rows.size();
    String[] cell = new String[n];
    int[] cycle = new int[n];
    double[] amb = new double[n];
    double[] y = new double[n];
    double[][] x = new double[n][features.size()];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      cell[i] = r.getString(0);
      cycle[i] = r.getInt(1);
      amb[i] = r.isNullAt(2) ? Double.NaN : r.getDouble(2);
      y[i] = r.getDouble(3);
      for (int j = 0; j < features.size(); j++) x[i][j] = r.isNullAt(4 + j) ? Double.NaN : r.getDouble(4 + j);
    }
    return new Collected(new SweepData(List.copyOf(features), cell, cycle, amb, y, x), report);
  }
}
