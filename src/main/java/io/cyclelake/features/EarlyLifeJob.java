package io.cyclelake.features;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.cyclelake.features.kernels.Stats;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Early-life features per cell ({@code features_early_life}) for each configured pair of discharges (by
 * {@code cycle_number}): ΔQ(V) statistics ({@link EarlyLife}), the capacity-fade line over the discharges of the
 * pair, and the first discharge's capacity. Runs after {@link FeaturesJob} for every cell that has summary rows but
 * no early-life rows under the settings' hash. A cell with too few discharges gets a row with its status and nulls:
 * it is reported, not dropped.
 */
public final class EarlyLifeJob {
  private EarlyLifeJob() {}

  /** Settings; see {@code cyclelake.features.early-life} in reference.conf. */
  public record Settings(List<int[]> pairs, EarlyLife.Grid grid) implements java.io.Serializable {
    public static Settings of(Config c) {
      List<int[]> pairs = new ArrayList<>();
      for (List<? extends Object> p : c.getAnyRefList("pairs").stream().map(o -> (List<?>) o).toList()) {
        if (p.size() != 2 || !(p.get(0) instanceof Number a) || !(p.get(1) instanceof Number b)
            || a.intValue() < 1 || b.intValue() <= a.intValue()) {
          throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.CONFIG_INVALID,
              "features.early-life.pairs must be pairs [a, b] of discharge numbers with 1 <= a < b, got " + p);
        }
        pairs.add(new int[] {a.intValue(), b.intValue()});
      }
      return new Settings(pairs, EarlyLife.Grid.between(c.getDouble("grid-start-v"), c.getDouble("grid-end-v"),
          c.getDouble("grid-step-v")));
    }
  }

  private static final StructType CURVE = new StructType()
      .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
      .add("q_ah", DataTypes.createArrayType(DataTypes.DoubleType, false));

  /** Computes and writes the rows of cells that have none yet; returns the number of cells done. */
  public static int run(Lake lake, Settings s, String configHash, Progress progress) {
    if (s.pairs().isEmpty() || !lake.exists(Tables.FEATURES_SUMMARY)) return 0;
    Dataset<Row> summary = lake.read(Tables.FEATURES_SUMMARY, "features")
        .where(col(Tables.FEATURE_HASH).equalTo(configHash));
    Dataset<Row> cells = summary.select("cell_id").distinct();
    if (lake.exists(Tables.FEATURES_EARLY_LIFE)) {
      cells = cells.except(lake.read(Tables.FEATURES_EARLY_LIFE, "features")
          .where(col(Tables.FEATURE_HASH).equalTo(configHash)).select("cell_id"));
    }
    TreeSet<String> todo = new TreeSet<>(cells.as(Encoders.STRING()).collectAsList());
    if (todo.isEmpty()) return 0;
    progress.step("early-life features (ΔQ(V) of discharges " + describe(s.pairs()) + ") of " + todo.size()
        + " cells");
    // cell -> cycle_number -> {cycle_index, charge_ah}: one small row per discharge.
    Map<String, TreeMap<Integer, double[]>> discharges = new HashMap<>();
    for (Row r : summary.where(col("cycle_type").equalTo("discharge").and(col("cell_id").isin(todo.toArray())))
        .select("cell_id", "cycle_number", "cycle_index", "charge_ah").collectAsList()) {
      discharges.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getInt(1),
          new double[] {r.getInt(2), r.isNullAt(3) ? Double.NaN : r.getDouble(3)});
    }
    List<Row> keys = new ArrayList<>();
    for (var e : discharges.entrySet()) {
      for (int[] p : s.pairs()) {
        for (int number : p) {
          double[] d = e.getValue().get(number);
          if (d != null) keys.add(RowFactory.create(e.getKey(), (int) d[0]));
        }
      }
    }
    long inputVersion = lake.version(Tables.TIMESERIES);
    Map<String, double[]> curves = curves(lake, keys, s.grid(), inputVersion);
    List<Row> out = new ArrayList<>();
    double[] grid = s.grid().voltages();
    for (String cell : todo) {
      TreeMap<Integer, double[]> d = discharges.getOrDefault(cell, new TreeMap<>());
      Double first = d.isEmpty() || Double.isNaN(d.firstEntry().getValue()[1]) ? null : d.firstEntry().getValue()[1];
      for (int[] p : s.pairs()) {
        out.add(row(cell, p, d, curves, grid, first, configHash, inputVersion));
      }
    }
    lake.replace(lake.spark().createDataFrame(out, Tables.FEATURES_EARLY_LIFE_SCHEMA), Tables.FEATURES_EARLY_LIFE,
        Lake.in("cell_id", todo) + " AND " + Tables.FEATURE_HASH + " = " + Lake.literal(configHash));
    long ok = out.stream().filter(r -> r.getString(3).equals("ok")).count();
    progress.done(out.size() + " rows (" + ok + " ok) written to features_early_life");
    return todo.size();
  }

  private static Row row(String cell, int[] p, TreeMap<Integer, double[]> d, Map<String, double[]> curves,
      double[] grid, Double first, String hash, long inputVersion) {
    double[] a = d.get(p[0]);
    double[] b = d.get(p[1]);
    double[] qa = a == null ? null : curves.get(cell + "#" + (int) a[0]);
    double[] qb = b == null ? null : curves.get(cell + "#" + (int) b[0]);
    if (qa == null || qb == null) {
      return RowFactory.create(cell, p[0], p[1], "not-enough-discharges", 0, null, null, null, null, null, null,
          null, null, first, FeaturesJob.seq(grid), FeaturesJob.seq(new double[0]), hash, inputVersion);
    }
    EarlyLife.DeltaQ dq = EarlyLife.deltaQ(qa, qb);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (var e : d.subMap(p[0], true, p[1], true).entrySet()) {
      xs.add((double) e.getKey());
      ys.add(e.getValue()[1]);
    }
    Stats.Line fade = Stats.linearFit(xs.stream().mapToDouble(Double::doubleValue).toArray(),
        ys.stream().mapToDouble(Double::doubleValue).toArray());
    String status = dq.points() < 3 ? "no-overlap" : "ok";
    return RowFactory.create(cell, p[0], p[1], status, dq.points(), n(dq.variance()),
        n(dq.variance() > 0 ? Math.log10(dq.variance()) : Double.NaN), n(dq.min()), n(dq.mean()), n(dq.skewness()),
        n(dq.kurtosis()), n(fade.slope()), n(fade.intercept()), first, FeaturesJob.seq(grid),
        FeaturesJob.seq(dq.deltaQ()), hash, inputVersion);
  }

  /** Q(V) of the given discharges, computed in Spark tasks; keyed {@code cell#cycle_index}. */
  private static Map<String, double[]> curves(Lake lake, List<Row> keys, EarlyLife.Grid grid, long inputVersion) {
    Map<String, double[]> out = new HashMap<>();
    if (keys.isEmpty()) return out;
    Dataset<Row> k = lake.spark().createDataFrame(keys, new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType));
    Dataset<Row> samples = lake.readVersion(Tables.TIMESERIES, inputVersion)
        .where(col("time_s").isNotNull().and(col("voltage_v").isNotNull()).and(col("current_a").isNotNull()))
        .join(org.apache.spark.sql.functions.broadcast(k), Lake.CELL_CYCLE, "left_semi")
        .select("cell_id", "cycle_index", "cycle_type", "time_s", "voltage_v", "current_a", "temperature_c",
            "sample_index")
        .repartition(col("cell_id"), col("cycle_index"))
        .sortWithinPartitions("cell_id", "cycle_index", "time_s", "sample_index");
    List<Row> rows = samples.mapPartitions((MapPartitionsFunction<Row, Row>) it -> CycleStream.map(it,
        (cell, cycle, type, t, v, i, temp, step, n) -> RowFactory.create(cell, cycle,
            FeaturesJob.seq(EarlyLife.dischargeCurve(t, v, i, n, grid)))), Encoders.row(CURVE)).collectAsList();
    for (Row r : rows) {
      List<Double> q = r.getList(2);
      out.put(r.getString(0) + "#" + r.getInt(1), q.stream().mapToDouble(Double::doubleValue).toArray());
    }
    return out;
  }

  private static Double n(double d) {
    return Double.isFinite(d) ? d : null;
  }

  private static String describe(List<int[]> pairs) {
    return String.join(", ", pairs.stream().map(p -> p[0] + "→" + p[1]).toList());
  }
}
