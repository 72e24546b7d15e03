package io.cyclelake.notebook;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.FoldStats;
import io.cyclelake.lake.Lake;
import io.cyclelake.lake.SparkSessions;
import io.cyclelake.report.DatasetReport;
import io.cyclelake.report.card.Comparison;
import io.cyclelake.report.card.ModelCard;
import io.cyclelake.report.plot.SvgCharts;
import io.cyclelake.schema.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the notebooks in {@code notebooks/} call: a lake opened through the project's own {@link Lake}, its tables as
 * {@link Table}s and the usual charts as {@link Figure}s (SVG by {@link SvgCharts}), so that a cell is one line.
 *
 * <p>A "model" in the error methods is either a run id (a {@code train} run, or one fold of a sweep) or a sweep spec
 * {@code SWEEP_ID/sK} (the spec's test predictions over all its folds, as {@code cyclelake compare} names it).
 */
public final class LakeNotebook {
  /** Environment variable naming the lake to open; without it, {@code cyclelake.lake.path} of the configuration. */
  public static final String LAKE_ENV = "CYCLELAKE_LAKE";

  private final Lake lake;
  private final Config config;

  private LakeNotebook(Lake lake, Config config) {
    this.lake = lake;
    this.config = config;
  }

  /** The lake {@code $CYCLELAKE_LAKE} names, else the configured one ({@code conf/cyclelake.conf}, defaults). */
  public static LakeNotebook open() {
    String env = System.getenv(LAKE_ENV);
    return open(env == null || env.isBlank() ? null : env);
  }

  /** The lake at {@code path} (a directory or URI); {@code null} = the configured one. */
  public static LakeNotebook open(String path) {
    Path home = Path.of(System.getProperty("cyclelake.home", ".")).toAbsolutePath().normalize();
    List<String> sets = path == null ? List.of() : List.of("lake.path=" + quote(path));
    Config config = ConfigLoader.load(home, List.of(), sets);
    SparkSession spark = SparkSessions.getOrCreate(config);
    spark.sparkContext().setLogLevel("WARN");
    return new LakeNotebook(new Lake(spark, config.getString("cyclelake.lake.path")), config);
  }

  /** A view of a lake already opened with {@code config} (its Spark session is left as it is). */
  public static LakeNotebook of(Lake lake, Config config) {
    return new LakeNotebook(lake, config);
  }

  public Lake lake() {
    return lake;
  }

  public SparkSession spark() {
    return lake.spark();
  }

  public Config config() {
    return config;
  }

  @Override
  public String toString() {
    return "lake " + lake.root();
  }

  // ---- tables ----

  /** The lake's tables: name, rows, Delta version. */
  public Table tables() {
    List<List<Object>> rows = new ArrayList<>();
    for (Lake.TableInfo t : lake.tables()) rows.add(List.of(t.name(), t.rows(), t.version()));
    return new Table(List.of("table", "rows", "version"), rows);
  }

  /** One table as a Spark frame (a missing table is an error naming the command that writes it). */
  public Dataset<Row> table(String name) {
    return lake.read(name, "ingest, features, train or sweep");
  }

  /**
   * Spark SQL over the lake's tables, each by its name; at most {@code cyclelake.sql.max-rows} rows. Only the tables
   * whose names occur in {@code query} are registered (at their latest version), so a query reads no other table's
   * Delta log.
   */
  public Table sql(String query) {
    java.util.regex.Matcher words = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*").matcher(query);
    java.util.Set<String> named = new java.util.HashSet<>();
    while (words.find()) named.add(words.group().toLowerCase(java.util.Locale.ROOT));
    for (String t : lake.tableNames()) {
      if (named.contains(t)) spark().read().format("delta").load(lake.path(t)).createOrReplaceTempView(t);
    }
    return Table.of(spark().sql(query), config.getInt("cyclelake.sql.max-rows"));
  }

  // ---- cells: fade and ICA ----

  /** Discharge capacity (cycles.capacity_ah) against the discharge number, one line per cell. */
  public Figure capacityFade() {
    return capacityFade(List.of());
  }

  /** As {@link #capacityFade()} for these cells only (none = every cell). */
  public Figure capacityFade(String... cells) {
    return capacityFade(List.of(cells));
  }

  private Figure capacityFade(List<String> cells) {
    Dataset<Row> discharges = table(Tables.CYCLES).where(col("cycle_type").equalTo("discharge"));
    if (!cells.isEmpty()) discharges = discharges.where(col("cell_id").isin(cells.toArray()));
    List<Row> rows = discharges.select("cell_id", "cycle_index", "capacity_ah").orderBy("cell_id", "cycle_index").collectAsList();
    Map<String, List<double[]>> byCell = new LinkedHashMap<>();
    Map<String, Integer> number = new TreeMap<>();
    for (Row r : rows) {
      int n = number.merge(r.getString(0), 1, Integer::sum);
      if (!r.isNullAt(2)) byCell.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new double[] {n,
          r.getDouble(2)});
    }
    if (byCell.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no discharge with a capacity" + (cells.isEmpty() ? ""
          : " for cells " + cells) + " in " + lake.path(Tables.CYCLES) + "; cells: " + cells());
    }
    List<SvgCharts.Series> lines = new ArrayList<>();
    byCell.forEach((cell, pts) -> lines.add(series(cell, pts)));
    return lines("Capacity fade" + (cells.size() == 1 ? ", cell " + cells.get(0) : ""), "discharge number", "capacity (Ah)", lines);
  }

  /**
   * |dQ/dV| curves of {@code cell} (table ica_curves, current feature settings, operation type {@code
   * cyclelake.report.ica-cycle-type}): at most {@code maxCurves}, evenly spaced over life, first and last kept.
   */
  public Figure ica(String cell, int maxCurves) {
    String type = config.getString("cyclelake.report.ica-cycle-type");
    String hash = ConfigRender.hash(config, "cyclelake.features");
    List<Row> rows = table(Tables.ICA_CURVES).where(col("cell_id").equalTo(cell)
            .and(col("cycle_type").equalTo(type)).and(col(Tables.FEATURE_HASH).equalTo(hash)))
        .select("cycle_index", "voltage_v", "dqdv_ah_per_v").orderBy("cycle_index").collectAsList();
    if (rows.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "cell " + cell + " has no " + type + " ICA curves for "
          + "the current feature settings (hash " + hash + ") in " + lake.root() + "; run `cyclelake features`, or "
          + "pick a cell from: " + sql("select distinct cell_id from ica_curves order by cell_id").column("cell_id"));
    }
    List<SvgCharts.Series> lines = new ArrayList<>();
    for (Row r : DatasetReport.evenly(rows, Math.max(2, maxCurves))) {
      List<Double> v = r.getList(1);
      List<Double> q = r.getList(2);
      List<double[]> pts = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        Double x = v.get(i);
        Double y = q.get(i);
        if (x != null && y != null && Double.isFinite(x) && Double.isFinite(y)) pts.add(new double[] {x, y});
      }
      lines.add(series("cycle " + r.getInt(0), pts));
    }
    return lines("ICA, cell " + cell + " (" + type + ")", "voltage (V)", "|dQ/dV| (Ah/V)", lines);
  }

  /** The cell ids of table cycles, sorted. */
  public List<String> cells() {
    return table(Tables.CYCLES).select("cell_id").distinct().orderBy("cell_id").collectAsList().stream()
        .map(r -> r.getString(0)).toList();
  }

  /** As {@link #ica(String, int)} with 6 curves. */
  public Figure ica(String cell) {
    return ica(cell, 6);
  }

  // ---- sweeps ----

  /** Sweep ids of the lake, oldest first. */
  public List<String> sweeps() {
    return table(Tables.RUNS).where(col("sweep_id").isNotNull()).groupBy("sweep_id")
        .agg(org.apache.spark.sql.functions.min("created_at").as("t")).orderBy("t", "sweep_id")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  /** The {@code n} sweeps created last, oldest first; an error naming the sweeps when there are fewer. */
  public List<String> latestSweeps(int n) {
    List<String> all = sweeps();
    if (all.size() < n) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, lake.root() + " holds " + all.size() + " sweeps " + all
          + ", " + n + " wanted; run `cyclelake sweep --conf ...`");
    }
    return all.subList(all.size() - n, all.size());
  }

  /** Per spec of {@code sweepId}: model, params, folds, mean and standard deviation of {@code metric} on test. */
  public Table sweepSummary(String sweepId, String metric) {
    List<List<Object>> rows = new ArrayList<>();
    for (ModelCard.Spec s : ModelCard.specs(lake, sweepId)) {
      List<Double> v = testMetric(s, metric);
      rows.add(List.of(sweepId + "/s" + s.index(), s.model(), s.params(), v.size(), FoldStats.mean(v), FoldStats.sd(v)));
    }
    return new Table(List.of("spec", "model", "params", "folds", metric + "_mean", metric + "_sd"), rows);
  }

  /**
   * Bars of {@code metric} (test part, mean ± sd over folds) per spec (model + params) for two sweeps side by side; a
   * spec only one sweep ran has one bar.
   */
  public Figure compareSweeps(String a, String b, String metric) {
    Map<String, double[]> ma = specMeans(a, metric);
    Map<String, double[]> mb = specMeans(b, metric);
    List<String> cats = new ArrayList<>(ma.keySet());
    mb.keySet().stream().filter(k -> !ma.containsKey(k)).forEach(cats::add);
    List<SvgCharts.Bars> bars = new ArrayList<>();
    int points = 0;
    for (var e : List.of(Map.entry(a, ma), Map.entry(b, mb))) {
      double[] val = new double[cats.size()];
      double[] err = new double[cats.size()];
      for (int i = 0; i < cats.size(); i++) {
        double[] m = e.getValue().get(cats.get(i));
        val[i] = m == null ? Double.NaN : m[0];
        err[i] = m == null ? Double.NaN : m[1];
        if (m != null) points++;
      }
      bars.add(new SvgCharts.Bars(e.getKey(), val, err));
    }
    String title = metric + " on test per spec (mean ± sd over folds)";
    return new Figure(title, SvgCharts.bars(title, metric, cats, bars), points);
  }

  /**
   * The specs both sweeps ran (same model and params), fold by fold on {@code metric} of the test part, with a
   * Wilcoxon signed-rank test at {@code alpha} = 0.05 ({@code cyclelake compare A B}).
   */
  public Table compare(String a, String b, String metric) {
    List<List<Object>> rows = new ArrayList<>();
    for (Comparison.Result r : Comparison.compare(lake, a, b, metric, "test", 0.05)) {
      rows.add(java.util.Arrays.asList(r.a().model() + " " + r.a().params(), r.folds().size(), r.meanDiff(),
          r.test() == null ? null : r.test().p(), r.verdict()));
    }
    return new Table(List.of("spec", "paired folds", "mean " + metric + " B − A", "p", "verdict"), rows);
  }

  /** {@code SWEEP_ID/sK} of the spec of {@code sweepId} with the lowest mean test {@code metric}. */
  public String bestSpec(String sweepId, String metric) {
    String best = null;
    double lowest = Double.POSITIVE_INFINITY;
    for (ModelCard.Spec s : ModelCard.specs(lake, sweepId)) {
      double m = FoldStats.mean(testMetric(s, metric));
      if (m < lowest) {
        lowest = m;
        best = sweepId + "/s" + s.index();
      }
    }
    if (best == null) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "sweep " + sweepId + " has no spec with a test " + metric);
    }
    return best;
  }

  // ---- a model's errors ----

  /**
   * The model the error notebook looks at by default: the spec with the lowest mean test MAE of the latest sweep,
   * else the latest run ({@code train}).
   */
  public String defaultModel() {
    List<String> sweeps = sweeps();
    return sweeps.isEmpty() ? io.cyclelake.report.RunReport.resolve(lake, "latest")
        : bestSpec(sweeps.get(sweeps.size() - 1), "mae");
  }

  /** Test predictions of a run id or a spec {@code SWEEP_ID/sK}: cell_id, cycle_index, actual, predicted, error. */
  public Dataset<Row> predictions(String model) {
    List<String> runs = runIds(model);
    Dataset<Row> p = table(Tables.PREDICTIONS).where(col("run_id").isin(runs.toArray()).and(col("part")
        .equalTo("test")));
    if (p.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no test predictions of " + model + " (runs " + runs
          + ") in " + lake.path(Tables.PREDICTIONS));
    }
    return p.select(col("cell_id"), col("cycle_index"), col("actual"), col("predicted"),
        col("predicted").minus(col("actual")).as("error"));
  }

  /** Per cell: predictions, MAE, RMSE, bias (mean predicted − actual) and the largest |error|. */
  public Table errorsByCell(String model) {
    predictions(model).createOrReplaceTempView("model_predictions");
    return Table.of(spark().sql("select cell_id, count(*) as n, avg(abs(error)) as mae, sqrt(avg(error * error)) as "
        + "rmse, avg(error) as bias, max(abs(error)) as max_abs_error from model_predictions group by cell_id "
        + "order by cell_id"), Integer.MAX_VALUE);
  }

  /** The {@code n} predictions with the largest |error|. */
  public Table worst(String model, int n) {
    return Table.of(predictions(model).orderBy(org.apache.spark.sql.functions.abs(col("error")).desc()), n);
  }

  /** Predicted against actual, one colour per cell, with the line y = x. */
  public Figure predictedVsActual(String model) {
    List<SvgCharts.Series> s = perCell(model, 2, 3);
    return scatter("Predicted vs actual, " + model, "actual", "predicted", s, true);
  }

  /** Error (predicted − actual) against cycle_index, one colour per cell. */
  public Figure residuals(String model) {
    List<SvgCharts.Series> s = perCell(model, 1, 4);
    return scatter("Error by cycle, " + model, "cycle_index", "predicted − actual", s, false);
  }

  // ---- helpers ----

  private List<String> runIds(String model) {
    if (!model.contains("/")) {
      if (table(Tables.RUNS).where(col("run_id").equalTo(model)).isEmpty()) {
        throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no run '" + model + "' in " + lake.path(Tables.RUNS)
            + "; give a run id or a sweep spec SWEEP_ID/sK (sweeps: " + sweeps() + ")");
      }
      return List.of(model);
    }
    return Comparison.spec(lake, model).runIds();
  }

  private List<Double> testMetric(ModelCard.Spec s, String metric) {
    if (!List.of(table(Tables.RUNS).columns()).contains(metric)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "'" + metric + "' is not a column of runs; one of "
          + "mae, rmse, mape_pct, r2, within_3pct, within_5pct");
    }
    return table(Tables.RUNS).where(col("run_id").isin(s.runIds().toArray()).and(col("part").equalTo("test"))
            .and(col(metric).isNotNull())).select(col(metric).cast("double")).collectAsList().stream()
        .map(r -> r.getDouble(0)).toList();
  }

  private Map<String, double[]> specMeans(String sweepId, String metric) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (ModelCard.Spec s : ModelCard.specs(lake, sweepId)) {
      List<Double> v = testMetric(s, metric);
      out.put(s.model() + " " + s.params(), new double[] {FoldStats.mean(v), FoldStats.sd(v)});
    }
    return out;
  }

  /** Series per cell of (column x, column y) of the model's test predictions (columns of {@link #predictions}). */
  private List<SvgCharts.Series> perCell(String model, int x, int y) {
    Map<String, List<double[]>> byCell = new TreeMap<>();
    for (Row r : predictions(model).orderBy("cell_id", "cycle_index").collectAsList()) {
      double xv = ((Number) r.get(x)).doubleValue();
      double yv = ((Number) r.get(y)).doubleValue();
      byCell.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new double[] {xv, yv});
    }
    List<SvgCharts.Series> out = new ArrayList<>();
    byCell.forEach((cell, pts) -> out.add(series(cell, pts)));
    return out;
  }

  private static SvgCharts.Series series(String name, List<double[]> pts) {
    return new SvgCharts.Series(name, pts.stream().mapToDouble(p -> p[0]).toArray(),
        pts.stream().mapToDouble(p -> p[1]).toArray());
  }

  /** Thins all series by one step so that at most {@link SvgCharts#MAX_POINTS} points are drawn in total. */
  private static List<SvgCharts.Series> thinned(List<SvgCharts.Series> s) {
    int step = SvgCharts.thinningStep(s.stream().mapToInt(SvgCharts.Series::size).sum());
    return s.stream().map(x -> SvgCharts.thin(x, step)).toList();
  }

  private static int points(List<SvgCharts.Series> s) {
    return s.stream().mapToInt(SvgCharts.Series::size).sum();
  }

  private static Figure lines(String title, String x, String y, List<SvgCharts.Series> lines) {
    List<SvgCharts.Series> t = thinned(lines);
    return new Figure(title, SvgCharts.linesAndPoints(title, x, y, t, List.of()), points(t));
  }

  private static Figure scatter(String title, String x, String y, List<SvgCharts.Series> s, boolean identity) {
    List<SvgCharts.Series> t = thinned(s);
    return new Figure(title, SvgCharts.scatter(title, x, y, t, identity), points(t));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
