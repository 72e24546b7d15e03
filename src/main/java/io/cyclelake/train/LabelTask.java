package io.cyclelake.train;

import com.typesafe.config.Config;
import io.cyclelake.internal.Registry;
import io.cyclelake.lake.Lake;
import io.cyclelake.lineage.InputTables;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a model learns: the label of each discharge, chosen by name ({@code cyclelake.train.task},
 * {@code cyclelake.sweep.task}). Plug-ins are listed in {@code META-INF/services/io.cyclelake.train.LabelTask}:
 * {@code soh} ({@link SohTask}), {@code rul} ({@link RulTask}).
 */
public interface LabelTask {
  /** Name in config and in {@code runs.task}. */
  String name();

  /** The label with its unit, for axes and captions, e.g. "SOH (fraction)". */
  String labelName();

  /** One paragraph for reports and model cards: what the label is, in which units, from which settings. */
  String description(Config config);

  /**
   * The labelled discharges of {@code cells} (empty = every cell), with the numeric columns of
   * {@code features_summary} at {@code featureHash}, the {@code charge_*} columns of the charge before each discharge,
   * {@code capacity_ah} and {@code label}, plus whatever the task adds; and every discharge or cell left out, with why.
   *
   * @param config the whole configuration (the task reads its own section, e.g. {@code cyclelake.train.rul})
   */
  Labels labels(InputTables inputs, Config config, List<String> cells, String featureHash);

  /** {@link #labels(InputTables, Config, List, String)} on the latest versions of the lake's tables. */
  default Labels labels(Lake lake, Config config, List<String> cells, String featureHash) {
    return labels(new InputTables(lake), config, cells, featureHash);
  }

  /** The registry of tasks. */
  static Registry<LabelTask> registry() {
    return Registry.load(LabelTask.class, LabelTask::name, "task");
  }

  /**
   * @param rows the labelled rows
   * @param excluded discharges that exist in features_summary but carry no label: {@link #EXCLUDED_COLUMNS}
   * @param censored cells left out whole because their label is unknown (e.g. RUL of a cell that never reaches
   *     end of life), in cell order
   */
  record Labels(Dataset<Row> rows, Dataset<Row> excluded, List<Censored> censored) {}

  /** Columns of {@link Labels#excluded()}: cell, cycle, capacity and the reason, one row per discharge. */
  List<String> EXCLUDED_COLUMNS = List.of("cell_id", "cycle_index", "capacity_ah", "reason");

  /**
   * A cell whose label is unknown: it never met the end-of-life criterion within its data (its RUL at every discharge
   * is only a lower bound), so none of its discharges is labelled.
   *
   * @param discharges its labelled-capacity discharges (all left out)
   * @param lastCapacityAh capacity of its last discharge
   * @param minCapacityAh lowest capacity it reached
   * @param thresholdAh the end-of-life capacity it had to fall below
   * @param reason one line, e.g. "never 1 discharge in a row below 1.4 Ah"
   */
  record Censored(String cellId, int discharges, double lastCapacityAh, double minCapacityAh, double thresholdAh,
      String reason) implements Serializable {
    /** e.g. {@code B0007 (last 1.4325 Ah at discharge 168, lowest 1.4005 Ah, threshold 1.4000 Ah)}. */
    public String brief() {
      return String.format(java.util.Locale.ROOT,
          "%s (last %.4f Ah at discharge %d, lowest %.4f Ah, threshold %.4f Ah)", cellId, lastCapacityAh, discharges,
          minCapacityAh, thresholdAh);
    }
  }
}
