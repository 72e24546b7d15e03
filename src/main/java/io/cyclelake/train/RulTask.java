package io.cyclelake.train;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lineage.InputTables;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * `rul`: remaining useful life, in discharges, at each discharge of a cell (settings {@code cyclelake.train.rul}).
 *
 * <p>A cell's labelled discharges are those with a capacity of at least {@code min-capacity-ah}, numbered 1, 2, ... in
 * cycle order ({@code discharge_number}). The end-of-life threshold is {@code eol-capacity-ah} ({@code eol =
 * absolute}) or {@code eol-fraction} × the median capacity of the cell's first {@code initial-cycles} labelled
 * discharges ({@code fraction-of-initial}). End of life n_EOL is the first discharge that starts a run of
 * {@code eol-consecutive} labelled discharges all below the threshold (1 = the first crossing). The label at discharge
 * n is n_EOL − n: 0 at end of life. Discharges after n_EOL are excluded ({@code after-eol = exclude}) or kept with
 * label 0 ({@code after-eol = zero}). A cell without such a run is <b>censored</b> (its RUL is only a lower bound):
 * none of its discharges is labelled and it is returned in {@link Labels#censored()}.
 *
 * <p>History features, Spark window functions over the cell's labelled discharges up to and including the current
 * one (no look-ahead): {@code discharge_number}, {@code initial_capacity_so_far_ah} (median of the first
 * min(n, initial-cycles) capacities), {@code soh_so_far} (capacity / that), {@code capacity_drop_ah} (that − capacity),
 * {@code capacity_slope_ah_per_cycle} (least-squares slope of capacity over discharge number on the last
 * {@code history-window} discharges; null with fewer than 2), {@code capacity_mean_ah} (mean of the same window).
 */
public final class RulTask implements LabelTask {
  /** The columns {@link #history} adds. */
  public static final List<String> HISTORY_COLUMNS = List.of("discharge_number", "initial_capacity_so_far_ah",
      "soh_so_far", "capacity_drop_ah", "capacity_slope_ah_per_cycle", "capacity_mean_ah");

  @Override
  public String labelName() {
    return "RUL (discharges)";
  }

  @Override
  public String name() {
    return "rul";
  }

  /** The settings of {@code cyclelake.train.rul}, checked. */
  record Settings(boolean absolute, double eolCapacityAh, double eolFraction, int initialCycles, int consecutive,
      boolean excludeAfterEol, double minCapacityAh, int historyWindow) {
    static Settings of(Config rul) {
      String eol = rul.getString("eol");
      if (!eol.equals("absolute") && !eol.equals("fraction-of-initial")) {
        throw bad("eol must be 'absolute' or 'fraction-of-initial', got '" + eol + "'");
      }
      String after = rul.getString("after-eol");
      if (!after.equals("exclude") && !after.equals("zero")) {
        throw bad("after-eol must be 'exclude' or 'zero', got '" + after + "'");
      }
      Settings s = new Settings(eol.equals("absolute"), rul.getDouble("eol-capacity-ah"), rul.getDouble("eol-fraction"),
          rul.getInt("initial-cycles"), rul.getInt("eol-consecutive"), after.equals("exclude"),
          rul.getDouble("min-capacity-ah"), rul.getInt("history-window"));
      if (s.absolute && !(s.eolCapacityAh > 0)) throw bad("eol-capacity-ah must be > 0, got " + s.eolCapacityAh);
      if (!s.absolute && !(s.eolFraction > 0 && s.eolFraction < 1)) {
        throw bad("eol-fraction must be in (0, 1), got " + s.eolFraction);
      }
      if (s.initialCycles < 1) throw bad("initial-cycles must be at least 1, got " + s.initialCycles);
      if (s.consecutive < 1) throw bad("eol-consecutive must be at least 1, got " + s.consecutive);
      if (s.historyWindow < 2) throw bad("history-window must be at least 2, got " + s.historyWindow);
      return s;
    }

    private static CycleLakeException bad(String what) {
      return new CycleLakeException(ErrorCode.CONFIG_INVALID, "train.rul." + what);
    }

    String threshold() {
      return absolute ? fmt(eolCapacityAh) + " Ah (train.rul.eol-capacity-ah)"
          : fmt(eolFraction) + " x the median capacity of the cell's first " + initialCycles
              + " labelled discharges (train.rul.eol-fraction, initial-cycles)";
    }

    String crossing() {
      return consecutive == 1 ? "the first labelled discharge below " + threshold()
          : "the first of " + consecutive + " consecutive labelled discharges below " + threshold()
              + " (train.rul.eol-consecutive)";
    }
  }

  @Override
  public String description(Config config) {
    Settings s = Settings.of(config.getConfig("cyclelake.train.rul"));
    return "Task rul: remaining useful life in discharges = n_EOL - n at the n-th labelled discharge of a cell, "
        + "where n_EOL is " + s.crossing() + ". Discharges with a capacity below " + fmt(s.minCapacityAh)
        + " Ah (train.rul.min-capacity-ah) are not labelled and not counted. Discharges after end of life are "
        + (s.excludeAfterEol ? "excluded" : "labelled 0") + " (train.rul.after-eol). Cells that never reach end of "
        + "life are censored (their RUL is only a lower bound): left out whole and listed in label_exclusions. "
        + "History features look back over at most " + s.historyWindow + " discharges (train.rul.history-window). "
        + "One row per labelled discharge.";
  }

  @Override
  public Labels labels(InputTables inputs, Config config, List<String> cells, String featureHash) {
    Settings s = Settings.of(config.getConfig("cyclelake.train.rul"));
    Dataset<Row> summary = inputs.read(Tables.FEATURES_SUMMARY, "features")
        .where(col(Tables.FEATURE_HASH).equalTo(featureHash));
    Dataset<Row> tooSmall = SohTask.unlabelledDischarges(inputs, cells, featureHash, s.minCapacityAh,
        "train.rul.min-capacity-ah");
    Dataset<Row> rows = endOfLife(summary, s, cells);
    List<Censored> censored = censored(rows, s);
    Column after = col("discharge_number").gt(col("eol_discharge"));
    Dataset<Row> afterEol = s.excludeAfterEol
        ? rows.where(after).select(col("cell_id"), col("cycle_index"), col("capacity_ah"),
            expr("concat('after end of life at discharge ', cast(eol_discharge as string),"
                + " ' (train.rul.after-eol = exclude)')").as("reason"))
        : rows.limit(0).select(col("cell_id"), col("cycle_index"), col("capacity_ah"), lit("").as("reason"));
    Dataset<Row> labelled = rows.where(col("eol_discharge").isNotNull());
    if (s.excludeAfterEol) labelled = labelled.where(after.unary_$bang());
    labelled = labelled.withColumn("label", when(after, lit(0.0))
            .otherwise(col("eol_discharge").minus(col("discharge_number")).cast(DataTypes.DoubleType)))
        .drop("eol_discharge", "eol_threshold_ah");
    return new Labels(TrainJob.withPrecedingCharge(inputs, summary, labelled, featureHash), tooSmall.union(afterEol),
        List.copyOf(censored));
  }

  /**
   * The labelled-capacity discharges of {@code cells} (empty = all) of {@code summary} (features_summary at one
   * settings hash), {@code capacity_counter_ah} renamed {@code capacity_ah}, with {@link #HISTORY_COLUMNS},
   * {@code eol_threshold_ah} and {@code eol_discharge} (null for a cell that never reaches end of life).
   */
  static Dataset<Row> endOfLife(Dataset<Row> summary, Settings s, List<String> cells) {
    Dataset<Row> rows = summary.where(col("cycle_type").equalTo("discharge"))
        .withColumnRenamed("capacity_counter_ah", "capacity_ah")
        .where(col("capacity_ah").geq(s.minCapacityAh));
    if (!cells.isEmpty()) rows = rows.where(col("cell_id").isin(cells.toArray()));
    rows = history(rows, s.initialCycles, s.historyWindow);
    if (s.absolute) {
      rows = rows.withColumn("eol_threshold_ah", lit(s.eolCapacityAh));
    } else {
      rows = TrainJob.withInitialMedian(rows, s.initialCycles)
          .withColumn("eol_threshold_ah", col("reference_ah").multiply(s.eolFraction)).drop("reference_ah");
    }
    return withEndOfLife(rows, s.consecutive);
  }

  /** The cells of {@link #endOfLife} rows that never reach end of life, in cell order. */
  static List<Censored> censored(Dataset<Row> rows, Settings s) {
    List<Censored> censored = new ArrayList<>();
    for (Row r : rows.where(col("eol_discharge").isNull()).groupBy("cell_id")
        .agg(count(lit(1)).as("n"), expr("max_by(capacity_ah, discharge_number)").as("last"),
            min("capacity_ah").as("lowest"), max("eol_threshold_ah").as("threshold"))
        .orderBy("cell_id").collectAsList()) {
      censored.add(new Censored(r.getString(0), (int) r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4),
          "never " + (s.consecutive == 1 ? "" : s.consecutive + " discharges in a row ") + "below "
              + fmt(r.getDouble(4)) + " Ah" + (s.absolute ? "" : " (" + fmt(s.eolFraction) + " x initial)")));
    }
    return censored;
  }

  /**
   * Adds {@link #HISTORY_COLUMNS} to one row per labelled discharge ({@code cell_id, cycle_index, capacity_ah}), each
   * computed from the cell's rows up to and including the current one only.
   */
  static Dataset<Row> history(Dataset<Row> rows, int initialCycles, int window) {
    WindowSpec cell = Window.partitionBy("cell_id").orderBy("cycle_index");
    WindowSpec upTo = cell.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec last = cell.rowsBetween(-(window - 1), Window.currentRow());
    Column x = col("discharge_number").cast(DataTypes.DoubleType);
    Column y = col("capacity_ah");
    Dataset<Row> h = rows.withColumn("discharge_number", row_number().over(cell))
        .withColumn("_first", array_sort(collect_list(when(col("discharge_number").leq(initialCycles), y))
            .over(upTo)))
        // the lower middle of the sorted first min(n, initial-cycles) capacities, as TrainJob.withInitialMedian
        .withColumn("initial_capacity_so_far_ah", element_at(col("_first"),
            size(col("_first")).plus(1).divide(2).cast(DataTypes.IntegerType)))
        .withColumn("soh_so_far", y.divide(col("initial_capacity_so_far_ah")))
        .withColumn("capacity_drop_ah", col("initial_capacity_so_far_ah").minus(y))
        .withColumn("_n", count(lit(1)).over(last).cast(DataTypes.DoubleType))
        .withColumn("_sx", sum(x).over(last))
        .withColumn("_sy", sum(y).over(last))
        .withColumn("_sxy", sum(x.multiply(y)).over(last))
        .withColumn("_sxx", sum(x.multiply(x)).over(last));
    Column n = col("_n");
    Column slope = n.multiply(col("_sxy")).minus(col("_sx").multiply(col("_sy")))
        .divide(n.multiply(col("_sxx")).minus(col("_sx").multiply(col("_sx"))));
    return h.withColumn("capacity_slope_ah_per_cycle", when(n.geq(2), slope))
        .withColumn("capacity_mean_ah", col("_sy").divide(n))
        .drop("_first", "_n", "_sx", "_sy", "_sxy", "_sxx");
  }

  /**
   * Adds {@code eol_discharge}: the first discharge number that starts a run of {@code m} discharges all below
   * {@code eol_threshold_ah} (null when the cell has none).
   */
  static Dataset<Row> withEndOfLife(Dataset<Row> rows, int m) {
    WindowSpec ahead = Window.partitionBy("cell_id").orderBy("cycle_index").rowsBetween(Window.currentRow(), m - 1);
    return rows.withColumn("_below", when(col("capacity_ah").lt(col("eol_threshold_ah")), 1).otherwise(0))
        .withColumn("_run", min("_below").over(ahead))
        .withColumn("_len", count(lit(1)).over(ahead))
        .withColumn("_start", when(col("_run").equalTo(1).and(col("_len").equalTo(m)), col("discharge_number")))
        .withColumn("eol_discharge", min("_start").over(Window.partitionBy("cell_id")))
        .drop("_below", "_run", "_len", "_start");
  }

  static String fmt(double v) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
  }
}
