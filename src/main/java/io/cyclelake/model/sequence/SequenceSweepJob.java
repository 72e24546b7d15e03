package io.cyclelake.model.sequence;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.RegressionMetrics;
import io.cyclelake.gpu.GpuScheduling;
import io.cyclelake.gpu.GpuSettings;
import io.cyclelake.gpu.TaskPlacement;
import io.cyclelake.internal.Registry;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.lineage.InputTables;
import io.cyclelake.lineage.RunLineage;
import io.cyclelake.model.Serialized;
import io.cyclelake.schema.Tables;
import io.cyclelake.split.Fold;
import io.cyclelake.split.FoldSplitter;
import io.cyclelake.sweep.SweepJob;
import io.cyclelake.sweep.SweepJob.Spec;
import io.cyclelake.sweep.TaskSpec;
import io.cyclelake.sweep.TrainingCurves;
import io.cyclelake.sweep.TrainingStage;
import io.cyclelake.tracking.MlflowSettings;
import io.cyclelake.tracking.MlflowTracker;
import io.cyclelake.tracking.RunRecords;
import io.cyclelake.tracking.TrackedRun;
import io.cyclelake.train.LabelReport;
import io.cyclelake.train.LabelTask;
import java.io.Serializable;
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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A sweep of sequence models ({@code cyclelake.sweep} whose models are all {@link SequenceModel}s): sequences of the
 * discharges labelled by {@code sweep.task} ({@code soh}, {@code rul}) built by {@link SequenceJob}, folds of
 * {@code sweep.split}, and every (spec, fold) pair trained as one task of one Spark job ({@link SequenceTask} on the
 * broadcast sequences, label scaling fitted per fold on its training labels, checkpoints per training). What the
 * label task left out is printed and written to {@code label_exclusions}, as by the tabular sweep. The driver writes
 * {@code runs}, {@code fold_metrics} and
 * {@code predictions} exactly like the tabular sweep, plus {@code <runs-dir>/<sweep id>/<run id>.model} (network,
 * scaler, channels, epoch history) when {@code sweep.save-models} is set, and {@code training_tasks} (executor, GPU
 * address, ND4J backend and device of every task). With {@code gpu.enabled} the training RDD alone asks for GPUs
 * ({@link GpuScheduling}) and each task binds its address ({@link TaskPlacement#bind}).
 */
public final class SequenceSweepJob {
  private SequenceSweepJob() {}

  /** Metrics of one run on one part. */
  public record PartMetrics(int specIndex, String model, String params, String fold, String part, String cell,
      RegressionMetrics metrics, String description) {}

  /** Per spec, mean ± sd over folds of the test metrics. */
  public record SpecSummary(int specIndex, String model, String params, int folds, int failed, double maeMean,
      double maeSd, double rmseMean, double r2Mean) {}

  /**
   * @param task the label task's name
   * @param labels what the label task left out (excluded discharges, censored cells), also in {@code label_exclusions}
   */
  public record Result(String sweepId, int tasks, int failed, List<String> errors, List<PartMetrics> parts,
      List<SpecSummary> specs, int sequences, int skipped, double seconds, String task, LabelReport labels) {}

  /**
   * What a saved run holds.
   *
   * @param labels the label scaling the network was trained with (predictions = mean + scale × network output);
   *     null in runs saved before label scaling existed (identity)
   */
  public record SavedRun(String runId, String model, List<String> channels, String mode, int maxLength,
      SequenceScaler scaler, byte[] network, List<SequenceModel.EpochStats> history, LabelScaler labels)
      implements Serializable {}

  /** True when every model named in {@code sweep.models} is a sequence model. */
  public static boolean handles(Config config) {
    Registry<SequenceModel> models = registry();
    List<? extends Config> entries = config.getConfigList("cyclelake.sweep.models");
    return !entries.isEmpty() && entries.stream().allMatch(e -> e.hasPath("model")
        && models.names().contains(e.getString("model")));
  }

  static Registry<SequenceModel> registry() {
    return Registry.load(SequenceModel.class, SequenceModel::name, "sequence model");
  }

  public static Result run(Lake lake, Config config, Progress progress) {
    long t0 = System.nanoTime();
    Config sw = config.getConfig("cyclelake.sweep");
    LabelTask task = LabelTask.registry().get(sw.getString("task"));
    String labelScaling = config.getString("cyclelake.sequence.label-scaling");
    LabelScaler.fit(labelScaling, task.name(), new double[0], new int[0]);  // an unknown mode fails here
    String splitName = sw.getString("split");
    FoldSplitter splitter = Registry.load(FoldSplitter.class, FoldSplitter::name, "split").get(splitName);
    long seed = config.getLong("cyclelake.train.seed");
    double level = sw.getDouble("interval-level");
    if (!(level > 0 && level < 1)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sweep.interval-level must be in (0, 1), got " + level);
    }
    List<Spec> specs = SweepJob.expand(config, sw, registry());
    MlflowSettings mlflow = MlflowSettings.of(config);
    SequenceJob.Settings settings = SequenceJob.Settings.of(config);
    String sweepId = sw.getString("name") + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(ZoneOffset.UTC).format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 6);

    progress.step("sweep " + sweepId + ": " + settings.mode().name().toLowerCase()
        + (settings.precedingCharge() ? " preceding-charge" : " discharge") + " sequences ("
        + settings.channels() + ", " + settings.maxLength() + " steps) and " + splitName + " folds");
    InputTables inputs = new InputTables(lake);
    SequenceJob.Result built = SequenceJob.collect(inputs, config, task, sw.getStringList("cells"));
    SequenceSet data = built.set();
    built.labels().lines().forEach(progress::say);
    List<Fold> folds = splitter.folds(data.splitRows(), config.getConfig("cyclelake.split." + splitName), seed);
    progress.done(data.size() + " sequences of " + data.splitRows().distinctCells().size() + " cells, "
        + folds.size() + " folds, " + specs.size() + " specs");
    if (!built.skipped().isEmpty()) {
      progress.say("  " + built.skipped().size() + " labelled discharges gave no sequence, e.g. "
          + built.skipped().subList(0, Math.min(5, built.skipped().size())));
    }

    List<TaskSpec> tasks = new ArrayList<>();
    for (Spec s : specs) {
      for (int f = 0; f < folds.size(); f++) {
        tasks.add(new TaskSpec(sweepId + "-s" + s.index() + "-f" + f, s.index(), s.model(), s.params(), f,
            folds.get(f).name(), seed, level));
      }
    }
    String runsDir = config.getString("cyclelake.lake.runs-dir") + "/" + sweepId;
    Config ck = config.getConfig("cyclelake.sequence.checkpoint");
    Checkpoints.Settings checkpoints = Checkpoints.Settings.of(ck.getString("dir"), ck.getInt("every"),
        Lake.inside(lake.root(), runsDir), lake.spark().sparkContext().hadoopConfiguration());
    SequenceTask.Settings taskSettings = new SequenceTask.Settings(task.name(), labelScaling, checkpoints,
        config.getInt("cyclelake.sequence.attention-sample"));
    progress.step("training " + tasks.size() + " tasks (one per spec and fold) as one Spark job"
        + (checkpoints.enabled() ? ", checkpoints every " + checkpoints.every() + " epochs in " + checkpoints.dir()
            : ", no checkpoints"));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
    Broadcast<SequenceSet> bData = jsc.broadcast(data);
    Broadcast<List<Fold>> bFolds = jsc.broadcast(folds);
    Broadcast<SequenceTask.Settings> bSettings = jsc.broadcast(taskSettings);
    List<TrainingStage.Placed<SequenceTask.Result>> placed;
    try {
      jsc.setJobDescription("cyclelake sequence sweep " + sweepId);
      // Every task records where it ran (the sequence models load ND4J anyway).
      placed = TrainingStage.run(jsc, tasks, GpuSettings.of(config), true, progress,
          t -> SequenceTask.run(bData.value(), bFolds.value().get(t.foldIndex()), t, bSettings.value(), true));
    } finally {
      bData.unpersist();
      bFolds.unpersist();
      bSettings.unpersist();
    }
    List<SequenceTask.Result> results = placed.stream().map(TrainingStage.Placed::result).toList();
    List<String> errors = new ArrayList<>();
    for (SequenceTask.Result r : results) {
      if (!r.status().equals("ok")) errors.add(r.spec().runId() + ": " + r.error());
    }
    progress.done(results.size() + " tasks, " + errors.size() + " failed");

    progress.step("recording sweep " + sweepId);
    String configJson = ConfigRender.json(config);
    String configHash = ConfigRender.hash(config, "cyclelake");
    String featureHash = ConfigRender.hash(config, "cyclelake.features");
    RunLineage lineage = RunLineage.of(inputs);
    Map<String, TreeSet<String>> cellsByRun = new LinkedHashMap<>();
    String sequenceInputs = "sequence:" + settings.mode().name().toLowerCase() + ":" + settings.maxLength() + ":"
        + String.join("+", settings.channels()) + (settings.precedingCharge() ? ":preceding-charge" : "");
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> runRows = new ArrayList<>();
    List<Row> metricRows = new ArrayList<>();
    List<Row> predRows = new ArrayList<>();
    List<Row> curveRows = new ArrayList<>();
    List<Row> attentionRows = new ArrayList<>();
    List<PartMetrics> parts = new ArrayList<>();
    Map<String, List<TrackedRun.Artifact>> artifacts = new LinkedHashMap<>();
    for (SequenceTask.Result r : results) {
      TaskSpec t = r.spec();
      Fold fold = folds.get(t.foldIndex());
      TreeSet<String> used = SweepJob.usedCells(data.cell(), fold);
      cellsByRun.put(t.runId(), used);
      SweepJob.RunInfo info = new SweepJob.RunInfo(task.name(), t, now, splitName, used, sequenceInputs, configJson, sweepId,
          r.status(), r.error(), r.fitSeconds(), featureHash, configHash, lineage);
      if (!r.status().equals("ok")) {
        runRows.add(SweepJob.runRow(info, "none", null));
        continue;
      }
      boolean hasInterval = !Double.isNaN(r.halfWidth());
      for (int k = 0; k < r.rows().length; k++) {
        int i = r.rows()[k];
        Double lo = hasInterval ? r.predicted()[k] - r.halfWidth() : null;
        Double hi = hasInterval ? r.predicted()[k] + r.halfWidth() : null;
        predRows.add(RowFactory.create(t.runId(), data.cell()[i], data.cycle()[i], Fold.partName(fold.part()[i]),
            data.y()[i], r.predicted()[k], lo, hi));
      }
      double[] actual = new double[r.rows().length];
      for (int k = 0; k < actual.length; k++) actual[k] = data.y()[r.rows()[k]];
      for (Map.Entry<String, RegressionMetrics> e : metrics(r, data, fold, "", actual, r.predicted(), r.halfWidth(),
          level, sweepId, metricRows, parts).entrySet()) {
        runRows.add(SweepJob.runRow(info, e.getKey(), e.getValue()));
      }
      // further outputs of a several-output model (acla): the label horizons[j] labelled discharges ahead, own rows
      int[] h = r.horizons();
      if (h.length > 1) {
        double[][] ahead = Horizons.targets(data.cell(), data.cycle(), data.y(), h);
        for (int j = 1; j < h.length; j++) {
          double[] a = new double[r.rows().length];
          for (int k = 0; k < a.length; k++) a[k] = ahead[j][r.rows()[k]];
          metrics(r, data, fold, ":" + Horizons.name(h[j]), a, r.extraPredicted()[j - 1], Double.NaN, level, sweepId,
              metricRows, parts);
        }
      }
      TrainingCurves.add(curveRows, t, sweepId, r.curve());
      for (SequenceTask.AttentionRow a : r.attention()) {
        int i = a.row();
        attentionRows.add(RowFactory.create(t.runId(), sweepId, t.model(), t.foldName(), data.cell()[i],
            data.cycle()[i], Fold.partName(fold.part()[i]), a.steps(), java.util.Arrays.stream(a.weight()).boxed()
                .toList()));
      }
      if (sw.getBoolean("save-models")) {
        byte[] saved = Serialized.bytes(new SavedRun(t.runId(), t.model(), settings.channels(),
            settings.mode().name().toLowerCase(), settings.maxLength(), r.scaler(), r.model(), r.history(), r.labels()));
        lake.writeBytes(runsDir + "/" + t.runId() + ".model", saved);
        if (mlflow.enabled()) artifacts.put(t.runId(), List.of(new TrackedRun.Artifact(t.runId() + ".model", saved)));
      }
    }
    var spark = lake.spark();
    TrainingStage.record(lake, sweepId, tasks, placed);
    lake.append(spark.createDataFrame(predRows, Tables.PREDICTIONS_SCHEMA), Tables.PREDICTIONS);
    lake.append(spark.createDataFrame(metricRows, Tables.FOLD_METRICS_SCHEMA), Tables.FOLD_METRICS);
    TrainingCurves.record(lake, sweepId, curveRows);
    TrainingCurves.recordSweep(lake, Tables.ATTENTION_WEIGHTS, Tables.ATTENTION_WEIGHTS_SCHEMA, sweepId,
        attentionRows);
    built.labels().record(lake, sweepId, now);
    lineage.recordSweep(lake, runsDir, sweepId, cellsByRun);
    // The runs rows go last: a run listed in `runs` has its predictions and metrics in place.
    lake.append(spark.createDataFrame(runRows, Tables.RUNS_SCHEMA), Tables.RUNS);
    progress.done(runRows.size() + " runs rows, " + metricRows.size() + " fold_metrics rows, " + predRows.size()
        + " predictions");
    if (mlflow.enabled()) {
      MlflowTracker.log(mlflow, RunRecords.of(runRows, metricRows, curveRows, config, seed, lake.root(), artifacts),
          progress);
    }
    return new Result(sweepId, tasks.size(), errors.size(), errors, parts, summarise(specs, parts, results),
        data.size(), built.skipped().size(), (System.nanoTime() - t0) / 1e9, task.name(), built.labels());
  }

  /**
   * {@code fold_metrics} rows (and printed {@link PartMetrics}) of one output of a run: per part and per cell and for
   * all cells of the part ({@code *}), over the rows whose actual value is known (not NaN).
   *
   * @param partSuffix appended to the part's name ({@code ""} for the primary output, {@code ":label+h"} for another)
   * @return the metrics of each part over all its cells
   */
  private static Map<String, RegressionMetrics> metrics(SequenceTask.Result r, SequenceSet data, Fold fold,
      String partSuffix, double[] actual, double[] predicted, double halfWidth, double level, String sweepId,
      List<Row> metricRows, List<PartMetrics> parts) {
    TaskSpec t = r.spec();
    boolean hasInterval = !Double.isNaN(halfWidth);
    Map<String, Map<String, List<Integer>>> byPartCell = new LinkedHashMap<>();
    for (int k = 0; k < r.rows().length; k++) {
      if (Double.isNaN(actual[k])) continue;
      int i = r.rows()[k];
      String part = Fold.partName(fold.part()[i]) + partSuffix;
      byPartCell.computeIfAbsent(part, p -> new TreeMap<>()).computeIfAbsent("*", c -> new ArrayList<>()).add(k);
      byPartCell.get(part).computeIfAbsent(data.cell()[i], c -> new ArrayList<>()).add(k);
    }
    Map<String, RegressionMetrics> overall = new LinkedHashMap<>();
    for (var pe : byPartCell.entrySet()) {
      for (var ce : pe.getValue().entrySet()) {
        List<Integer> ks = ce.getValue();
        double[] a = new double[ks.size()];
        double[] p = new double[ks.size()];
        double maxErr = 0;
        int covered = 0;
        for (int j = 0; j < a.length; j++) {
          a[j] = actual[ks.get(j)];
          p[j] = predicted[ks.get(j)];
          maxErr = Math.max(maxErr, Math.abs(a[j] - p[j]));
          if (hasInterval && Math.abs(a[j] - p[j]) <= halfWidth) covered++;
        }
        RegressionMetrics m = RegressionMetrics.of(a, p);
        metricRows.add(RowFactory.create(t.runId(), sweepId, t.model(), t.params(), t.foldName(), pe.getKey(),
            ce.getKey(), m.n(), m.mae(), m.rmse(), m.mapePct(), m.r2(), maxErr, m.within3pct(), m.within5pct(),
            level, hasInterval ? (double) covered / a.length : null));
        if (ce.getKey().equals("*")) overall.put(pe.getKey(), m);
        // per cell only where the part holds several cells (the "*" row is that cell's otherwise)
        if (ce.getKey().equals("*") || pe.getValue().size() > 2) {
          parts.add(new PartMetrics(t.specIndex(), t.model(), t.params(), t.foldName(), pe.getKey(), ce.getKey(),
              m, r.description()));
        }
      }
    }
    return overall;
  }

  static List<SpecSummary> summarise(List<Spec> specs, List<PartMetrics> parts, List<SequenceTask.Result> results) {
    List<SpecSummary> out = new ArrayList<>();
    for (Spec s : specs) {
      List<Double> mae = new ArrayList<>();
      List<Double> rmse = new ArrayList<>();
      List<Double> r2 = new ArrayList<>();
      for (PartMetrics p : parts) {
        if (p.specIndex() != s.index() || !p.part().equals(Fold.partName(Fold.TEST)) || !p.cell().equals("*")) {
          continue;
        }
        mae.add(p.metrics().mae());
        rmse.add(p.metrics().rmse());
        r2.add(p.metrics().r2());
      }
      int n = 0;
      int failed = 0;
      for (SequenceTask.Result r : results) {
        if (r.spec().specIndex() != s.index()) continue;
        n++;
        if (!r.status().equals("ok")) failed++;
      }
      out.add(new SpecSummary(s.index(), s.model(), s.params(), n, failed, FoldStats.mean(mae), FoldStats.sd(mae), FoldStats.mean(rmse), FoldStats.mean(r2)));
    }
    return out;
  }



}
