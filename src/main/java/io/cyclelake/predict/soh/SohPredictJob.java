package io.cyclelake.predict.soh;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.RegressionMetrics;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.lineage.BuildInfo;
import io.cyclelake.lineage.InputTables;
import io.cyclelake.lineage.RunLineage;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SavedRun;
import io.cyclelake.train.TrainJob;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code predict --task soh --run ID}: reloads the model a tabular sweep or {@code train} saved for run ID
 * ({@link SavedRun}: feature columns in order, the imputer/scaler fitted on the run's training rows where the run had
 * one, the model) and predicts the SOH of every
 * discharge of the chosen cells in the current lake, labelled or not. The rows are built as the run built its own:
 * the run's feature settings hash ({@code runs.feature_config_hash_used}) and its SOH label settings (the run's stored
 * {@code train.soh}), so a discharge the run predicted gets the same prediction again. Writes {@code soh_predictions}
 * and optionally a CSV; MAE and RMSE over the labelled discharges.
 */
public final class SohPredictJob {
  private SohPredictJob() {}

  /** One scored discharge; {@code actual} null when unlabelled, {@code lower}/{@code upper} null without interval. */
  public record Prediction(String cell, int cycle, Double actual, double predicted, Double lower, Double upper) {}

  /**
   * @param labelled metrics over the labelled discharges (null if none), {@code perCell} the same per cell
   */
  public record Result(String predictId, String runId, String model, List<Prediction> predictions,
      RegressionMetrics labelled, Map<String, RegressionMetrics> perCell, String inputVersions, Path csv) {}

  public static Result run(Lake lake, Config config, String runId, List<String> cells, Path csv, Progress progress)
      throws IOException {
    progress.step("loading the saved model of run " + runId);
    Row run = runRow(lake, runId);
    SavedRun saved = savedModel(lake, config, run, runId);
    Config stored = storedConfig(run);
    String hash = run.isNullAt(3) ? ConfigRender.hash(config, "cyclelake.features") : run.getString(3);
    Config soh = (stored.hasPath("cyclelake.train.soh") ? stored : config).getConfig("cyclelake.train.soh");
    progress.done(saved.model() + " on " + saved.features().size() + " features, feature settings " + hash);

    progress.step("building the discharges of " + (cells.isEmpty() ? "every cell" : "cells " + cells));
    InputTables inputs = new InputTables(lake);
    var rows = TrainJob.discharges(inputs, soh, cells, hash);
    List<String> have = Arrays.asList(rows.columns());
    List<String> missing = saved.features().stream().filter(f -> !have.contains(f)).toList();
    if (!missing.isEmpty()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "run " + runId + " was trained on features "
          + saved.features() + ", but the discharges of " + lake.root() + " have no column " + missing
          + " (charge_* columns of ICA features need the features_ica table: run `cyclelake features`); available: "
          + have);
    }
    List<Column> cols = new ArrayList<>(List.of(col("cell_id"), col("cycle_index"), col("label")));
    for (String f : saved.features()) cols.add(col(f).cast(DataTypes.DoubleType));
    List<Row> data = rows.select(cols.toArray(Column[]::new)).orderBy("cell_id", "cycle_index").collectAsList();
    TreeSet<String> absent = new TreeSet<>(cells);
    data.forEach(r -> absent.remove(r.getString(0)));
    if (data.isEmpty() || !absent.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, (data.isEmpty() ? "no discharges" : "cells " + absent
          + " have no discharges") + " in " + lake.path(Tables.FEATURES_SUMMARY) + " with run " + runId
          + "'s feature settings " + hash + "; ingest the cells and run `cyclelake features` with the run's "
          + "configuration (runs.config)");
    }
    double[][] x = new double[data.size()][saved.features().size()];
    for (int i = 0; i < x.length; i++) {
      Row r = data.get(i);
      for (int j = 0; j < x[i].length; j++) x[i][j] = r.isNullAt(3 + j) ? Double.NaN : r.getDouble(3 + j);
    }
    double[] p = saved.predict(lake, x);
    double half = saved.conformalHalfWidth();
    boolean interval = Double.isFinite(half);
    List<Prediction> out = new ArrayList<>(p.length);
    for (int i = 0; i < p.length; i++) {
      Row r = data.get(i);
      out.add(new Prediction(r.getString(0), r.getInt(1), r.isNullAt(2) ? null : r.getDouble(2), p[i],
          interval ? p[i] - half : null, interval ? p[i] + half : null));
    }
    progress.done(out.size() + " discharges predicted");

    String predictId = "predict-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
        .format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 6);
    String versions = RunLineage.versionsJson(inputs.versions());
    String commit = BuildInfo.current().label();
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> table = new ArrayList<>(out.size());
    for (Prediction q : out) {
      table.add(RowFactory.create(predictId, now, runId, q.cell(), q.cycle(), q.actual(), q.predicted(), q.lower(),
          q.upper(), hash, versions, commit));
    }
    lake.append(lake.spark().createDataFrame(table, Tables.SOH_PREDICTIONS_SCHEMA), Tables.SOH_PREDICTIONS);
    if (csv != null) writeCsv(csv, predictId, runId, out);
    return new Result(predictId, runId, saved.model(), out, metrics(out, null), perCell(out), versions, csv);
  }

  /** The run's row: sweep_id, status, features, feature_config_hash_used, config, model, error. */
  static Row runRow(Lake lake, String runId) {
    List<Row> rows = lake.read(Tables.RUNS, "sweep").where(col("run_id").equalTo(runId))
        .select("sweep_id", "status", "features", "feature_config_hash_used", "config", "model", "error")
        .limit(1).collectAsList();
    if (rows.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no run '" + runId + "' in " + lake.path(Tables.RUNS)
          + "; `cyclelake sql \"select distinct run_id, sweep_id, model from runs\"` lists the runs");
    }
    return rows.get(0);
  }

  /** The run's saved model, or an error saying why it has none. */
  static SavedRun savedModel(Lake lake, Config config, Row run, String runId) {
    if (run.getString(2).startsWith("sequence:")) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "run " + runId + " is a sequence model ("
          + run.getString(5) + ", inputs " + run.getString(2) + "); predict --task soh scores the tabular runs of a sweep");
    }
    if (!"ok".equals(run.getString(1))) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "run " + runId + " failed (" + run.getString(6)
          + ") and has no saved model");
    }
    String runsDir = config.getString("cyclelake.lake.runs-dir");
    Config stored = storedConfig(run);
    if (stored.hasPath("cyclelake.lake.runs-dir")) runsDir = stored.getString("cyclelake.lake.runs-dir");
    boolean train = run.isNullAt(0);
    String rel = runsDir + "/" + (train ? runId : run.getString(0)) + "/" + runId + ".model";
    byte[] bytes = lake.readBytes(rel).orElseThrow(() -> new CycleLakeException(ErrorCode.INPUT_MISSING, "run "
        + runId + " has no saved model: " + Lake.inside(lake.root(), rel) + " does not exist (" + (train
        ? "a `train` run made before train saved its model, or the file was removed)"
        : "its sweep ran with sweep.save-models = false, or the file was removed)")));
    return SavedRun.read(bytes);
  }

  /** The run's stored configuration (runs.config, JSON of the cyclelake tree), rooted at {@code cyclelake}. */
  static Config storedConfig(Row run) {
    Config c = ConfigFactory.parseString(run.getString(4));
    return c.hasPath("cyclelake") ? c : c.atKey("cyclelake");
  }

  /** Metrics over the labelled predictions of {@code cell} (all cells when null); null when none is labelled. */
  static RegressionMetrics metrics(List<Prediction> ps, String cell) {
    List<Prediction> l = ps.stream().filter(q -> q.actual() != null && (cell == null || q.cell().equals(cell)))
        .toList();
    if (l.isEmpty()) return null;
    return RegressionMetrics.of(l.stream().mapToDouble(Prediction::actual).toArray(),
        l.stream().mapToDouble(Prediction::predicted).toArray());
  }

  private static Map<String, RegressionMetrics> perCell(List<Prediction> ps) {
    Map<String, RegressionMetrics> out = new TreeMap<>();
    for (String c : new TreeSet<>(ps.stream().map(Prediction::cell).toList())) out.put(c, metrics(ps, c));
    return out;
  }

  /** CSV of the predictions; doubles in Java's shortest round-trip form, empty = null. */
  static void writeCsv(Path csv, String predictId, String runId, List<Prediction> ps) throws IOException {
    if (csv.toAbsolutePath().getParent() != null) Files.createDirectories(csv.toAbsolutePath().getParent());
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("predict_id,run_id,cell_id,cycle_index,actual,predicted,lower,upper\n");
      for (Prediction q : ps) {
        w.write(predictId + "," + runId + "," + q.cell() + "," + q.cycle() + "," + str(q.actual()) + ","
            + q.predicted() + "," + str(q.lower()) + "," + str(q.upper()) + "\n");
      }
    }
  }

  private static String str(Double d) {
    return d == null ? "" : d.toString();
  }
}
