package io.cyclelake.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.cyclelake.lineage.InputTables;
import io.cyclelake.schema.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * `soh`: state of health of each discharge = its capacity over a reference ({@link TrainJob#sohLabels}, settings
 * {@code cyclelake.train.soh}). Discharges without a capacity or below {@code min-capacity-ah} are reported as
 * excluded; no cell is censored.
 */
public final class SohTask implements LabelTask {
  @Override
  public String labelName() {
    return "SOH (fraction)";
  }

  @Override
  public String name() {
    return "soh";
  }

  @Override
  public String description(Config config) {
    Config soh = config.getConfig("cyclelake.train.soh");
    String ref = soh.getString("reference");
    String label = switch (ref) {
      case "nominal" -> "the nominal capacity " + soh.getDouble("nominal-capacity-ah")
          + " Ah (train.soh.nominal-capacity-ah)";
      case "initial-median" -> "the median capacity of the cell's first " + soh.getInt("initial-cycles")
          + " labelled discharges (train.soh.initial-cycles)";
      default -> "the capacity of the cell's first labelled discharge";
    };
    return "Task soh: state of health of a discharge = its capacity (features_summary.capacity_counter_ah, the "
        + "cycler's own count) divided by " + label + " (train.soh.reference = " + ref + "). Discharges with a "
        + "capacity below " + soh.getDouble("min-capacity-ah") + " Ah (train.soh.min-capacity-ah) are not labelled. "
        + "One row per labelled discharge.";
  }

  @Override
  public Labels labels(InputTables inputs, Config config, List<String> cells, String featureHash) {
    Config soh = config.getConfig("cyclelake.train.soh");
    Dataset<Row> rows = TrainJob.sohLabels(inputs, soh, cells, featureHash);
    double min = soh.getDouble("min-capacity-ah");
    Dataset<Row> excluded = unlabelledDischarges(inputs, cells, featureHash, min, "train.soh.min-capacity-ah");
    return new Labels(rows, excluded, List.of());
  }

  /**
   * Discharges of features_summary at {@code featureHash} (of {@code cells}, empty = all) with no capacity or a
   * capacity below {@code minCapacityAh}, as {@link LabelTask#EXCLUDED_COLUMNS}; {@code key} names the setting.
   */
  static Dataset<Row> unlabelledDischarges(InputTables inputs, List<String> cells, String featureHash, double minCapacityAh,
      String key) {
    Dataset<Row> d = inputs.read(Tables.FEATURES_SUMMARY, "features")
        .where(col(Tables.FEATURE_HASH).equalTo(featureHash).and(col("cycle_type").equalTo("discharge")));
    if (!cells.isEmpty()) d = d.where(col("cell_id").isin(cells.toArray()));
    return d.where(col("capacity_counter_ah").isNull().or(col("capacity_counter_ah").lt(minCapacityAh)))
        .select(col("cell_id"), col("cycle_index"), col("capacity_counter_ah").as("capacity_ah"),
            when(col("capacity_counter_ah").isNull(), lit("no capacity"))
                .otherwise(lit("capacity below " + key + " = " + minCapacityAh + " Ah")).as("reason"));
  }
}
