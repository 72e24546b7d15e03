package io.cyclelake.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.RegressionMetrics;
import io.cyclelake.internal.Registry;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.lineage.InputTables;
import io.cyclelake.lineage.RunLineage;
import io.cyclelake.model.RegressionModel;
import io.cyclelake.schema.Tables;
import io.cyclelake.split.Splitter;
import io.cyclelake.tracking.MlflowSettings;
import io.cyclelake.tracking.MlflowTracker;
import io.cyclelake.tracking.RunRecords;
import io.cyclelake.tracking.TrackedRun;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Trains a model on per-cycle features and evaluates it on each part of a split. Writes one {@code runs} row per part,
 * the predictions to {@code predictions}, {@code <lake>/_runs/<run_id>/run.json} and, where the model can be saved as
 * a {@link io.cyclelake.sweep.SavedRun}, {@code <lake>/_runs/<run_id>/<run_id>.model} (what {@code predict} loads;
 * a Spark MLlib model also {@code <run_id>.mllib/}, written by MLlib).
 */
public final class TrainJob {
  private TrainJob() {}

  /** What to train. {@code cells} empty = every cell with labelled cycles. */
  public record Request(String task, String model, String split, List<String> cells, List<String> features,
      long seed) {}

  public record Result(String runId, Map<String, RegressionMetrics> metrics, String runJson) {}

  public static Result run(Lake lake, Config config, Request req, Progress progress) {
    LabelTask task = LabelTask.registry().get(req.task());
    RegressionModel model = Registry.load(RegressionModel.class, RegressionModel::name, "model").get(req.model());
    Splitter splitter = Registry.load(Splitter.class, Splitter::name, "split").get(req.split());
    MlflowSettings mlflow = MlflowSettings.of(config);
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
        + "-" + UUID.randomUUID().toString().substring(0, 6);

    progress.step("building " + task.name() + " labels and " + req.split() + " split");
    InputTables inputs = new InputTables(lake);
    String featureHash = ConfigRender.hash(config, "cyclelake.features");
    LabelTask.Labels labels = task.labels(inputs, config, req.cells(), featureHash);
    LabelReport labelReport = LabelReport.of(task.name(), labels);
    labelReport.lines().forEach(progress::say);
    Dataset<Row> labelled = labels.rows();
    checkFeatures(labelled, req.features());
    Dataset<Row> parts = splitter.assign(labelled, config.getConfig("cyclelake.split." + req.split()));
    // Inputs are copied under f_<name>, so a feature may also be an id column (cycle_index).
    Column[] asDouble = req.features().stream().map(f -> col(f).cast(DataTypes.DoubleType).as("f_" + f))
        .toArray(Column[]::new);
    Dataset<Row> table = parts.select(concat(new Column[] {col("cell_id"), col("cycle_index"), col("part"),
        col("label")}, asDouble));
    Dataset<Row> assembled = new VectorAssembler()
        .setInputCols(req.features().stream().map(f -> "f_" + f).toArray(String[]::new))
        .setOutputCol("features").setHandleInvalid("keep").transform(table).cache();
    Dataset<Row> train = assembled.where(col("part").equalTo(Splitter.TRAIN));
    long nTrain = train.count();
    if (nTrain == 0) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "no labelled discharge cycles to train on"
          + (req.cells().isEmpty() ? "" : " for cells " + req.cells())
          + " with the current feature settings; run `cyclelake ingest` and `cyclelake features` first, and check"
          + " --cells");
    }
    progress.done(nTrain + " training rows of " + assembled.count() + " labelled cycles");

    progress.step("training " + req.model());
    RegressionModel.Fitted fitted = model.fit(train, config.getConfig("cyclelake.model." + req.model()), req.seed());
    List<Row> predicted = fitted.predict(assembled)
        .select("cell_id", "cycle_index", "part", "label", "prediction")
        .orderBy("cell_id", "cycle_index").collectAsList();
    assembled.unpersist();
    progress.done("trained and predicted " + predicted.size() + " cycles");

    Map<String, RegressionMetrics> metrics = metricsByPart(predicted);
    List<String> cellList = predicted.stream().map(r -> r.getString(0)).distinct().sorted().toList();
    String cells = String.join(",", cellList);
    String configJson = ConfigRender.json(config);
    String configHash = ConfigRender.hash(config, "cyclelake");
    RunLineage lineage = RunLineage.of(inputs);
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> runRows = new ArrayList<>();
    for (var e : metrics.entrySet()) {
      RegressionMetrics m = e.getValue();
      runRows.add(lineage.runsRow(cellList, runId, now, req.task(), req.model(), req.split(), cells, e.getKey(),
          m.n(), m.mae(), m.rmse(), m.mapePct(), m.r2(), m.within3pct(), m.within5pct(),
          String.join(",", req.features()), configJson, null, null, null, "ok", null, null,
          lineage.versions().get(Tables.FEATURES_SUMMARY), featureHash, configHash));
    }
    List<Row> predRows = new ArrayList<>(predicted.size());
    for (Row r : predicted) {
      predRows.add(RowFactory.create(runId, r.getString(0), r.getInt(1), r.getString(2), r.getDouble(3),
          r.getDouble(4), null, null));
    }
    progress.step("recording run " + runId);
    byte[] saved = fitted.save();
    if (saved != null || fitted.sparkFitted() != null) {
      io.cyclelake.sweep.SavedRun.write(lake, config.getString("cyclelake.lake.runs-dir") + "/" + runId + "/" + runId,
          runId, fitted.tabularModel(), req.features(), fitted.preprocessor(), saved, fitted.sparkFitted(),
          Double.NaN);
    }
    String json = runJson(runId, req, cells, metrics, config, lineage.json(cellList));
    String jsonPath = lake.writeText(config.getString("cyclelake.lake.runs-dir") + "/" + runId + "/run.json", json);
    lake.append(lake.spark().createDataFrame(predRows, Tables.PREDICTIONS_SCHEMA), Tables.PREDICTIONS);
    labelReport.record(lake, runId, now);
    RunLineage.append(lake, lineage.runFileRows(runId, null, cellList));
    // The runs row goes last: a run listed in `runs` has its predictions and JSON in place.
    lake.append(lake.spark().createDataFrame(runRows, Tables.RUNS_SCHEMA), Tables.RUNS);
    progress.done("wrote runs, predictions and " + jsonPath);
    if (mlflow.enabled()) {
      MlflowTracker.log(mlflow, RunRecords.of(runRows, List.of(), config, req.seed(), lake.root(), Map.of(runId,
          List.of(new TrackedRun.Artifact("run.json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8))))),
          progress);
    }
    return new Result(runId, metrics, jsonPath);
  }

  /**
   * Discharge cycles with a capacity of at least {@code min-capacity-ah}, labelled with SOH = capacity / reference:
   * the cell's first labelled discharge ({@code initial}), the median of its first {@code initial-cycles} labelled
   * discharges ({@code initial-median}) or {@code nominal-capacity-ah} ({@code nominal}).
   */
  public static Dataset<Row> sohLabels(Lake lake, Config soh, List<String> cells, String featureHash) {
    return sohLabels(new InputTables(lake), soh, cells, featureHash);
  }

  /** {@link #sohLabels(Lake, Config, List, String)}, reading through {@code inputs} (pinned versions, lineage). */
  public static Dataset<Row> sohLabels(InputTables inputs, Config soh, List<String> cells, String featureHash) {
    Dataset<Row> summary = summary(inputs, featureHash);
    Dataset<Row> rows = dischargesOf(summary, cells).where(col("capacity_ah").geq(soh.getDouble("min-capacity-ah")));
    Column reference = switch (soh.getString("reference")) {
      case "initial" -> first(col("capacity_ah")).over(Window.partitionBy("cell_id").orderBy("cycle_index")
          .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing()));
      case "initial-median" -> col("reference_ah");
      case "nominal" -> lit(soh.getDouble("nominal-capacity-ah"));
      default -> throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "train.soh.reference must be 'initial', "
          + "'initial-median' or 'nominal', got '" + soh.getString("reference") + "'");
    };
    if (soh.getString("reference").equals("initial-median")) rows = withInitialMedian(rows, initialCycles(soh));
    return withPrecedingCharge(inputs, summary, rows.withColumn("label", col("capacity_ah").divide(reference))
        .drop("reference_ah"), featureHash);
  }

  /**
   * Every discharge of {@code cells} (all cells when empty) with the columns of {@link #sohLabels}: {@code label} is
   * the SOH label where the discharge is labelled under {@code soh}, null where it is not (no or too small capacity).
   * What {@code predict --task soh} scores.
   */
  public static Dataset<Row> discharges(InputTables inputs, Config soh, List<String> cells, String featureHash) {
    Dataset<Row> labels = sohLabels(inputs, soh, cells, featureHash).select("cell_id", "cycle_index", "label");
    Dataset<Row> summary = summary(inputs, featureHash);
    return withPrecedingCharge(inputs, summary, dischargesOf(summary, cells), featureHash)
        .join(labels, Lake.CELL_CYCLE, "left");
  }

  private static Dataset<Row> summary(InputTables inputs, String featureHash) {
    return inputs.read(Tables.FEATURES_SUMMARY, "features").where(col(Tables.FEATURE_HASH).equalTo(featureHash));
  }

  private static Dataset<Row> dischargesOf(Dataset<Row> summary, List<String> cells) {
    Dataset<Row> rows = summary.where(col("cycle_type").equalTo("discharge"))
        .withColumnRenamed("capacity_counter_ah", "capacity_ah");
    return cells.isEmpty() ? rows : rows.where(col("cell_id").isin(cells.toArray()));
  }

  private static int initialCycles(Config soh) {
    int k = soh.getInt("initial-cycles");
    if (k < 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "train.soh.initial-cycles must be at least 1, got " + k);
    }
    return k;
  }

  /**
   * Adds {@code reference_ah}: the median capacity of the cell's first {@code k} labelled discharges. Cells whose
   * first discharge is a partial or aborted one (NASA B0033, B0039: 0.07 and 0.12 Ah before ~1.8 Ah) would
   * otherwise get SOH labels of 10 and more.
   */
  static Dataset<Row> withInitialMedian(Dataset<Row> rows, int k) {
    Dataset<Row> reference = rows.withColumn("rank_in_cell", org.apache.spark.sql.functions.row_number()
            .over(Window.partitionBy("cell_id").orderBy("cycle_index")))
        .where(col("rank_in_cell").leq(k))
        .groupBy("cell_id")
        .agg(org.apache.spark.sql.functions.percentile_approx(col("capacity_ah"), lit(0.5), lit(10_000))
            .as("reference_ah"));
    return rows.join(reference, "cell_id");
  }

  private static final List<String> KEYS = List.of("cell_id", "cycle_index");

  /** Prefix of the columns that {@link #withPrecedingCharge} adds. */
  public static final String CHARGE_PREFIX = "charge_";

  /**
   * Adds to each discharge the features of the cell's latest charge before it: every numeric column of
   * {@code features_summary} and {@code features_ica} of that charge, named {@code charge_<column>} (null where the
   * cell has no charge before the discharge); {@code summary} is features_summary at {@code featureHash}. A
   * discharge's own capacity is the label; the charge before it is
   * what a model may see before the discharge happens.
   */
  static Dataset<Row> withPrecedingCharge(InputTables inputs, Dataset<Row> summary, Dataset<Row> discharges,
      String featureHash) {
    Dataset<Row> charges = numericCharge(summary);
    if (inputs.exists(Tables.FEATURES_ICA)) {
      Dataset<Row> ica = numericCharge(inputs.read(Tables.FEATURES_ICA, "features")
          .where(col(Tables.FEATURE_HASH).equalTo(featureHash)));
      List<String> have = Arrays.asList(charges.columns());
      ica = ica.drop(Arrays.stream(ica.columns()).filter(c -> have.contains(c) && !KEYS.contains(c))
          .toArray(String[]::new));
      charges = charges.join(ica, Lake.CELL_CYCLE, "left");
    }
    for (String c : charges.columns()) {
      if (!KEYS.contains(c)) charges = charges.withColumnRenamed(c, CHARGE_PREFIX + c);
    }
    charges = charges.withColumnRenamed("cycle_index", "preceding_charge_index");
    Column chargeIndex = org.apache.spark.sql.functions.when(col("cycle_type").equalTo("charge"), col("cycle_index"));
    Dataset<Row> preceding = summary.select("cell_id", "cycle_index", "cycle_type")
        .withColumn("preceding_charge_index", org.apache.spark.sql.functions.last(chargeIndex, true).over(
            Window.partitionBy("cell_id").orderBy("cycle_index").rowsBetween(Window.unboundedPreceding(), -1)))
        .where(col("cycle_type").equalTo("discharge")).drop("cycle_type");
    return discharges.join(preceding, Lake.CELL_CYCLE, "left")
        .join(charges, Lake.keys("cell_id", "preceding_charge_index"), "left");
  }

  /** Charge rows: cell, cycle and the numeric columns. */
  private static Dataset<Row> numericCharge(Dataset<Row> table) {
    List<Column> cols = new ArrayList<>(List.of(col("cell_id"), col("cycle_index")));
    for (var f : table.schema().fields()) {
      if (KEYS.contains(f.name()) || f.name().equals(Tables.FEATURE_HASH)) continue;
      if (f.dataType() instanceof org.apache.spark.sql.types.NumericType) {
        cols.add(col(f.name()).cast(DataTypes.DoubleType).as(f.name()));
      }
    }
    return table.where(col("cycle_type").equalTo("charge")).select(cols.toArray(Column[]::new));
  }

  private static void checkFeatures(Dataset<Row> rows, List<String> features) {
    List<String> have = Arrays.asList(rows.columns());
    List<String> missing = features.stream().filter(f -> !have.contains(f)).toList();
    if (features.isEmpty() || !missing.isEmpty()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "train.features " + (features.isEmpty()
          ? "is empty" : "names unknown columns " + missing) + "; available: " + have);
    }
  }

  static Map<String, RegressionMetrics> metricsByPart(List<Row> predicted) {
    Map<String, List<double[]>> byPart = new LinkedHashMap<>();
    for (String p : List.of(Splitter.TRAIN, Splitter.VALIDATION, Splitter.TEST)) byPart.put(p, new ArrayList<>());
    for (Row r : predicted) {
      byPart.computeIfAbsent(r.getString(2), k -> new ArrayList<>()).add(new double[] {r.getDouble(3), r.getDouble(4)});
    }
    Map<String, RegressionMetrics> out = new LinkedHashMap<>();
    byPart.forEach((part, pairs) -> {
      double[] a = pairs.stream().mapToDouble(p -> p[0]).toArray();
      double[] p = pairs.stream().mapToDouble(q -> q[1]).toArray();
      out.put(part, RegressionMetrics.of(a, p));
    });
    return out;
  }

  private static String runJson(String runId, Request req, String cells, Map<String, RegressionMetrics> metrics,
      Config config, ObjectNode lineage) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode root = om.createObjectNode();
    root.put("run_id", runId);
    root.put("created_at", Instant.now().toString());
    root.put("task", req.task());
    root.put("model", req.model());
    root.put("split", req.split());
    root.put("cells", cells);
    root.put("seed", req.seed());
    ArrayNode feats = root.putArray("features");
    req.features().forEach(feats::add);
    ObjectNode m = root.putObject("metrics");
    metrics.forEach((part, x) -> {
      ObjectNode p = m.putObject(part);
      p.put("n", x.n());
      p.put("mae", x.mae());
      p.put("rmse", x.rmse());
      p.put("mape_pct", x.mapePct());
      p.put("r2", x.r2());
      p.put("within_3pct", x.within3pct());
      p.put("within_5pct", x.within5pct());
    });
    root.set("lineage", lineage);
    try {
      root.set("config", om.readTree(ConfigRender.json(config)));
      return om.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Column[] concat(Column[] a, Column[] b) {
    Column[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
