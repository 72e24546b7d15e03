package io.cyclelake.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.cyclelake.lake.Lake;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Features of a cycle that need the cell's other operations ({@code Tables.CELL_CONTEXT_SCHEMA}): the cycle's number
 * among the cell's operations of its type, efficiencies against the preceding charge, cumulative throughput and
 * equivalent full cycles, time since the cell's first operation, the latest impedance measurement's Re/Rct, the
 * cycler's internal resistance and counter capacity, and the Arrhenius factor. Spark window functions over the
 * cell's rows in cycle order; no samples are read.
 */
public final class CellContext {
  private CellContext() {}

  /** Gas constant, J/(mol·K). */
  static final double GAS_CONSTANT = 8.314462618;

  /**
   * @param nominalCapacityAh reference capacity of equivalent full cycles; 0 = the cell's first discharge (coulomb
   *     count)
   * @param activationEnergyJPerMol Ea of the Arrhenius factor exp(−Ea/RT)
   */
  public record Settings(double nominalCapacityAh, double activationEnergyJPerMol) implements java.io.Serializable {
    public static Settings of(Config summary) {
      return new Settings(summary.getDouble("nominal-capacity-ah"), summary.getDouble("activation-energy-j-per-mol"));
    }
  }

  /**
   * Adds the context columns to {@code perCycle} (all of a cell's charge/discharge rows with {@code
   * Tables.CYCLE_SUMMARY_SCHEMA}); {@code cycles} holds the same cells' rows of the {@code cycles} table, impedance
   * operations included.
   */
  public static Dataset<Row> add(Dataset<Row> perCycle, Dataset<Row> cycles, Settings s) {
    WindowSpec upToHere = Window.partitionBy("cell_id").orderBy("cycle_index")
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec wholeCell = Window.partitionBy("cell_id");
    Column measured = col("re_ohm").isNotNull().or(col("rct_ohm").isNotNull());
    // Over every operation of the cell, so that impedance measurements carry forward to the cycles after them.
    Dataset<Row> ops = cycles
        .select(col("cell_id"), col("cycle_index"), col("ambient_temperature_c"), col("start_time"),
            col("capacity_ah").as("capacity_counter_ah"), col("internal_resistance_ohm"),
            last(col("re_ohm"), true).over(upToHere).as("re_ohm"),
            last(col("rct_ohm"), true).over(upToHere).as("rct_ohm"),
            last(when(measured, col("cycle_index")), true).over(upToHere).as("resistance_cycle_index"),
            col("start_time").cast("double").minus(min(col("start_time")).over(wholeCell).cast("double"))
                .as("time_since_start_s"))
        .drop("start_time");
    Dataset<Row> rows = perCycle.join(ops, Lake.CELL_CYCLE, "left");

    WindowSpec before = Window.partitionBy("cell_id").orderBy("cycle_index")
        .rowsBetween(Window.unboundedPreceding(), -1);
    Column isCharge = col("cycle_type").equalTo("charge");
    Column isDischarge = col("cycle_type").equalTo("discharge");
    Column reference = s.nominalCapacityAh() > 0 ? lit(s.nominalCapacityAh())
        : first(when(isDischarge, col("charge_ah")), true).over(Window.partitionBy("cell_id").orderBy("cycle_index")
            .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing()));
    Column kelvin = coalesce(col("temperature_mean_c"), col("ambient_temperature_c")).plus(273.15);
    return rows
        .withColumn("cycle_number", row_number().over(Window.partitionBy("cell_id", "cycle_type")
            .orderBy("cycle_index")))
        .withColumn("coulombic_efficiency", when(isDischarge,
            col("charge_ah").divide(last(when(isCharge, col("charge_ah")), true).over(before))))
        .withColumn("energy_efficiency", when(isDischarge,
            col("energy_wh").divide(last(when(isCharge, col("energy_wh")), true).over(before))))
        .withColumn("cumulative_throughput_ah", sum(col("throughput_ah")).over(upToHere))
        .withColumn("equivalent_full_cycles", col("cumulative_throughput_ah").divide(reference.multiply(2)))
        .withColumn("arrhenius_factor", exp(lit(-s.activationEnergyJPerMol() / GAS_CONSTANT).divide(kelvin)));
  }
}
