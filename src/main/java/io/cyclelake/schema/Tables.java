package io.cyclelake.schema;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The canonical schema of every CycleLake table, in one place. Column names carry their units. Sign convention:
 * current is positive while the cell is charged and negative while it is discharged. Readers convert to these
 * schemas at the edge; nothing downstream knows which cycler a row came from.
 */
public final class Tables {
  private Tables() {}

  public static final String TIMESERIES = "timeseries";
  public static final String IMPEDANCE = "impedance";
  public static final String CYCLES = "cycles";
  public static final String QUARANTINE = "quarantine";
  public static final String FILES = "files";
  public static final String FEATURES_SUMMARY = "features_summary";
  public static final String FEATURES_EARLY_LIFE = "features_early_life";
  /** Column of every feature table: which settings computed the row (old settings' rows stay queryable). */
  public static final String FEATURE_HASH = "feature_config_hash";
  /** Column of every feature table: the Delta version of {@code timeseries} the row was computed from. */
  public static final String INPUT_VERSION = "timeseries_version";
  /** Tables derived from a cell's samples: stale when the cell is ingested again. */
  public static final List<String> DERIVED_PER_CELL = List.of("features_summary", "features_ica", "ica_curves",
      "features_early_life");
  public static final String FEATURES_ICA = "features_ica";
  public static final String ICA_CURVES = "ica_curves";
  public static final String RUNS = "runs";
  public static final String PREDICTIONS = "predictions";
  /** Sweep results (issue 5): per run (spec × fold), part and cell. */
  public static final String FOLD_METRICS = "fold_metrics";
  public static final String FEATURE_IMPORTANCE = "feature_importance";
  public static final String LABEL_EXCLUSIONS = "label_exclusions";
  /** Lineage (issue 5): the raw files behind each run. */
  public static final String RUN_FILES = "run_files";
  /** Where each training task of a sequence sweep (or any sweep with gpu.enabled) ran: executor, GPU, ND4J device. */
  public static final String TRAINING_TASKS = "training_tasks";
  /** {@code predict --task soh}: SOH predicted by a saved run's model for the lake's discharges. */
  public static final String SOH_PREDICTIONS = "soh_predictions";

  /** One row per measured sample of a charge or discharge operation. Partitioned by {@code cell_id}. */
  public static final StructType TIMESERIES_SCHEMA = new StructType(new StructField[] {
      f("cell_id", StringType, false, "cell identifier, unique across sources"),
      f("cycle_index", IntegerType, false, "0-based order of the operation within the cell"),
      f("cycle_type", StringType, false, "charge | discharge"),
      f("sample_index", IntegerType, false, "0-based order of the sample within the operation"),
      f("step_index", IntegerType, true, "the cycler's step number of the sample (Arbin Step_Index; null if none)"),
      f("time_s", DoubleType, true, "seconds since the start of the operation"),
      f("voltage_v", DoubleType, true, "terminal voltage, V"),
      f("current_a", DoubleType, true, "cell current, A, positive = charge"),
      f("temperature_c", DoubleType, true, "cell temperature, degC"),
      f("instrument_current_a", DoubleType, true, "current measured at the load or charger, A, as exported"),
      f("instrument_voltage_v", DoubleType, true, "voltage measured at the load or charger, V, as exported"),
      f("source_file", StringType, false, "raw file the sample was read from"),
      f("source_line", LongType, false, "1-based line of the sample in source_file"),
  });

  /** One row per point of an impedance (EIS) operation; complex values as real and imaginary parts. */
  public static final StructType IMPEDANCE_SCHEMA = new StructType(new StructField[] {
      f("cell_id", StringType, false, "cell identifier"),
      f("cycle_index", IntegerType, false, "0-based order of the operation within the cell"),
      f("point_index", IntegerType, false, "0-based order of the point within the sweep"),
      f("sense_current_re_a", DoubleType, true, "sense current, real part, A"),
      f("sense_current_im_a", DoubleType, true, "sense current, imaginary part, A"),
      f("battery_current_re_a", DoubleType, true, "battery current, real part, A"),
      f("battery_current_im_a", DoubleType, true, "battery current, imaginary part, A"),
      f("current_ratio_re", DoubleType, true, "current ratio, real part"),
      f("current_ratio_im", DoubleType, true, "current ratio, imaginary part"),
      f("impedance_re_ohm", DoubleType, true, "battery impedance from raw data, real part, Ohm"),
      f("impedance_im_ohm", DoubleType, true, "battery impedance from raw data, imaginary part, Ohm"),
      f("rectified_impedance_re_ohm", DoubleType, true, "calibrated, smoothed impedance, real part, Ohm"),
      f("rectified_impedance_im_ohm", DoubleType, true, "calibrated, smoothed impedance, imaginary part, Ohm"),
      f("source_file", StringType, false, "raw file the point was read from"),
      f("source_line", LongType, false, "1-based line in source_file"),
  });

  /** One row per operation (charge, discharge or impedance), whether or not its samples are present. */
  public static final StructType CYCLES_SCHEMA = new StructType(new StructField[] {
      f("cell_id", StringType, false, "cell identifier"),
      f("cycle_index", IntegerType, false, "0-based order of the operation within the cell"),
      f("cycle_type", StringType, false, "charge | discharge | impedance"),
      f("ambient_temperature_c", DoubleType, true, "chamber temperature during the operation, degC"),
      f("start_time", TimestampType, true, "start of the operation (UTC as recorded)"),
      f("capacity_ah", DoubleType, true, "capacity counted by the source for the operation (NASA: discharge "
          + "Capacity; Arbin: charge or discharge counter), Ah"),
      f("re_ohm", DoubleType, true, "electrolyte resistance reported by the source (impedance), Ohm"),
      f("rct_ohm", DoubleType, true, "charge-transfer resistance reported by the source (impedance), Ohm"),
      f("internal_resistance_ohm", DoubleType, true, "DC internal resistance the cycler reported, Ohm"),
      f("duration_s", DoubleType, true, "last sample time minus first, s (null without samples)"),
      f("n_samples", LongType, false, "accepted samples (or impedance points) of the operation"),
      f("n_quarantined", LongType, false, "rows of the operation sent to quarantine"),
      f("source", StringType, false, "reader that ingested the operation"),
      f("source_operation_id", StringType, false, "the operation's id in the source (NASA: uid)"),
      f("source_file", StringType, false, "file the operation was listed in"),
  });

  /** Input rows that failed a rule, with the reason. Rows read = rows accepted + rows quarantined. */
  public static final StructType QUARANTINE_SCHEMA = new StructType(new StructField[] {
      f("source", StringType, false, "reader that rejected the row"),
      f("source_file", StringType, false, "file the row came from"),
      f("source_line", LongType, false, "1-based line of the row"),
      f("source_column", IntegerType, true, "1-based column of the offending field (null: whole row)"),
      f("column_name", StringType, true, "header name of the offending field"),
      f("cell_id", StringType, true, "cell the row belongs to, if known"),
      f("cycle_index", IntegerType, true, "operation the row belongs to, if known"),
      f("rule", StringType, false, "the rule that failed, e.g. field-count, number, unknown-operation"),
      f("message", StringType, false, "what is wrong, in words"),
      f("raw", StringType, true, "the raw line, cut to 1000 characters"),
  });

  /** The file manifest: one row per raw file an ingest read, with what became of its rows. */
  public static final StructType FILES_SCHEMA = new StructType(new StructField[] {
      f("source", StringType, false, "reader that read the file"),
      f("path", StringType, false, "absolute path of the file"),
      f("role", StringType, false, "listing (names operations) | data (holds samples)"),
      f("size_bytes", LongType, false, "file size when read"),
      f("modified_at", TimestampType, false, "file modification time when read"),
      f("sha256", StringType, false, "SHA-256 of the file's bytes"),
      f("cells", StringType, true, "comma-separated cells whose rows the file held"),
      f("status", StringType, false, "ok | failed"),
      f("rows_read", LongType, false, "data lines read"),
      f("rows_accepted", LongType, false, "rows written to the lake"),
      f("rows_quarantined", LongType, false, "rows written to quarantine"),
      f("error", StringType, true, "why the file failed, if it did"),
      f("ingested_at", TimestampType, false, "when the ingest that read it ran"),
  });

  /**
   * Summary features computed from one operation's samples alone (the first part of {@link #FEATURES_SUMMARY_SCHEMA}).
   */
  public static final StructType CYCLE_SUMMARY_SCHEMA = new StructType(new StructField[] {
      f("cell_id", StringType, false, "cell identifier"),
      f("cycle_index", IntegerType, false, "0-based order of the operation within the cell"),
      f("cycle_type", StringType, false, "charge | discharge"),
      f("n_samples", IntegerType, false, "samples with time, voltage and current present"),
      f("duration_s", DoubleType, true, "time from the start of the operation to its last sample, s"),
      f("charge_ah", DoubleType, true, "|integral of current dt| (coulomb count), Ah"),
      f("throughput_ah", DoubleType, true, "integral of |current| dt, Ah"),
      f("energy_wh", DoubleType, true, "|integral of voltage*current dt|, Wh"),
      f("voltage_mean_v", DoubleType, true, "time-weighted mean voltage, V"),
      f("voltage_min_v", DoubleType, true, "minimum voltage, V"),
      f("voltage_max_v", DoubleType, true, "maximum voltage, V"),
      f("voltage_end_v", DoubleType, true, "voltage of the last sample, V"),
      f("current_mean_a", DoubleType, true, "time-weighted mean current, A"),
      f("temperature_mean_c", DoubleType, true, "time-weighted mean cell temperature, degC"),
      f("temperature_min_c", DoubleType, true, "minimum cell temperature, degC"),
      f("temperature_max_c", DoubleType, true, "maximum cell temperature, degC"),
      f("temperature_rise_c", DoubleType, true, "maximum minus first cell temperature, degC"),
      f("q_to_cutoff_ah", DoubleType, true, "discharge: integral of |current| dt from the start through the first "
          + "sample below features.summary.capacity-cutoff-v (the whole discharge if none; NASA PCoE's Capacity "
          + "rule), Ah; null for a charge"),
  });

  /** Features that need the cell's other operations (the second part of {@link #FEATURES_SUMMARY_SCHEMA}). */
  public static final StructType CELL_CONTEXT_SCHEMA = new StructType(new StructField[] {
      f("cycle_number", IntegerType, false, "1-based number of the operation among the cell's operations of its type"),
      f("capacity_counter_ah", DoubleType, true, "capacity the cycler's own counters give (cycles.capacity_ah), Ah"),
      f("ambient_temperature_c", DoubleType, true, "chamber temperature, degC"),
      f("coulombic_efficiency", DoubleType, true, "discharge: charge_ah / charge_ah of the cell's preceding charge"),
      f("energy_efficiency", DoubleType, true, "discharge: energy_wh / energy_wh of the cell's preceding charge"),
      f("cumulative_throughput_ah", DoubleType, true, "sum of throughput_ah of the cell's operations up to this one"),
      f("equivalent_full_cycles", DoubleType, true, "cumulative_throughput_ah / (2 x reference capacity)"),
      f("time_since_start_s", DoubleType, true, "start of the operation minus start of the cell's first operation, s "
          + "(null when the source gives no start time for the operation)"),
      f("re_ohm", DoubleType, true, "electrolyte resistance of the cell's latest impedance operation before, Ohm"),
      f("rct_ohm", DoubleType, true, "charge-transfer resistance of that impedance operation, Ohm"),
      f("resistance_cycle_index", IntegerType, true, "cycle_index of that impedance operation"),
      f("internal_resistance_ohm", DoubleType, true, "DC internal resistance the cycler reported, Ohm"),
      f("arrhenius_factor", DoubleType, true, "exp(-Ea / (R T)), T = mean cell (else ambient) temperature in K"),
  });

  /**
   * Per-cycle summary features of charge and discharge operations: {@link #CYCLE_SUMMARY_SCHEMA}, then {@link
   * #CELL_CONTEXT_SCHEMA}, then {@link #FEATURE_HASH}.
   */
  public static final StructType FEATURES_SUMMARY_SCHEMA = concat(CYCLE_SUMMARY_SCHEMA, CELL_CONTEXT_SCHEMA,
      new StructType(new StructField[] {
          f(FEATURE_HASH, StringType, false, "hash of the cyclelake.features settings the row was computed with"),
      f(INPUT_VERSION, LongType, false, "Delta version of timeseries the row was computed from")}));

  /** Early-life features per cell and pair of discharges (Severson et al. 2019: ΔQ(V) between discharges 10, 100). */
  public static final StructType FEATURES_EARLY_LIFE_SCHEMA = new StructType(new StructField[] {
      f("cell_id", StringType, false, "cell identifier"),
      f("cycle_a", IntegerType, false, "the earlier discharge, by cycle_number"),
      f("cycle_b", IntegerType, false, "the later discharge, by cycle_number"),
      f("status", StringType, false, "ok | not-enough-discharges | no-overlap"),
      f("n_grid_points", IntegerType, false, "voltage grid points where both Q(V) curves are measured"),
      f("delta_q_variance", DoubleType, true, "variance of Q_b(V) - Q_a(V) over those points, Ah^2"),
      f("delta_q_log10_variance", DoubleType, true, "log10 of that variance"),
      f("delta_q_min_ah", DoubleType, true, "minimum of Q_b(V) - Q_a(V), Ah"),
      f("delta_q_mean_ah", DoubleType, true, "mean of Q_b(V) - Q_a(V), Ah"),
      f("delta_q_skewness", DoubleType, true, "skewness of Q_b(V) - Q_a(V)"),
      f("delta_q_kurtosis", DoubleType, true, "excess kurtosis of Q_b(V) - Q_a(V)"),
      f("fade_slope_ah_per_cycle", DoubleType, true, "least-squares slope of discharge capacity over discharges "
          + "cycle_a..cycle_b, Ah per discharge"),
      f("fade_intercept_ah", DoubleType, true, "its intercept at cycle_number 0, Ah"),
      f("first_capacity_ah", DoubleType, true, "coulomb-counted capacity of the cell's first discharge, Ah"),
      f("qv_voltage_v", DataTypes.createArrayType(DoubleType, false), false, "the voltage grid, V"),
      f("delta_q_ah", DataTypes.createArrayType(DoubleType, false), false, "Q_b(V) - Q_a(V) on it (NaN where either "
          + "is unmeasured), Ah"),
      f(FEATURE_HASH, StringType, false, "hash of the cyclelake.features settings the row was computed with"),
      f(INPUT_VERSION, LongType, false, "Delta version of timeseries the row was computed from"),
  });

  /** Incremental-capacity features of charge and discharge operations: the three most prominent |dQ/dV| peaks. */
  public static final StructType FEATURES_ICA_SCHEMA = icaSchema();

  private static StructType icaSchema() {
    List<StructField> f = new java.util.ArrayList<>(List.of(
        f("cell_id", StringType, false, "cell identifier"),
        f("cycle_index", IntegerType, false, "0-based order of the operation within the cell"),
        f("cycle_type", StringType, false, "charge | discharge"),
        f("n_cc_samples", IntegerType, false, "constant-current samples the curve was built from"),
        f("ica_area_ah", DoubleType, true, "area under |dQ/dV| over the grid, Ah")));
    for (int k = 1; k <= ICA_PEAKS; k++) {
      f.add(f("peak" + k + "_voltage_v", DoubleType, true, "voltage of the peak of rank " + k + " by prominence, V"));
      f.add(f("peak" + k + "_height_ah_per_v", DoubleType, true, "|dQ/dV| at that peak, Ah/V"));
      f.add(f("peak" + k + "_prominence_ah_per_v", DoubleType, true, "its prominence (scipy find_peaks), Ah/V"));
      f.add(f("peak" + k + "_width_v", DoubleType, true, "its full width at half prominence, V"));
    }
    for (int k = 1; k <= DVA_PEAKS; k++) {
      f.add(f("dva_peak" + k + "_capacity_ah", DoubleType, true, "charge passed at the |dV/dQ| peak of rank " + k
          + " by prominence, Ah from the start of the constant-current part"));
      f.add(f("dva_peak" + k + "_height_v_per_ah", DoubleType, true, "|dV/dQ| at that peak, V/Ah"));
    }
    f.add(f(FEATURE_HASH, StringType, false, "hash of the cyclelake.features settings the row was computed with"));
    f.add(f(INPUT_VERSION, LongType, false, "Delta version of timeseries the row was computed from"));
    return new StructType(f.toArray(new StructField[0]));
  }

  /** ICA peaks per cycle in {@link #FEATURES_ICA_SCHEMA}. */
  public static final int ICA_PEAKS = 3;
  /** DVA peaks per cycle in {@link #FEATURES_ICA_SCHEMA}. */
  public static final int DVA_PEAKS = 2;

  /** The |dQ/dV| curve of each cycle on its voltage grid, for plots. */
  public static final StructType ICA_CURVES_SCHEMA = new StructType(new StructField[] {
      f("cell_id", StringType, false, "cell identifier"),
      f("cycle_index", IntegerType, false, "0-based order of the operation within the cell"),
      f("cycle_type", StringType, false, "charge | discharge"),
      f("voltage_v", DataTypes.createArrayType(DoubleType, false), false, "uniform voltage grid, V"),
      f("dqdv_ah_per_v", DataTypes.createArrayType(DoubleType, false), false, "|dQ/dV| on the grid (NaN outside "
          + "the measured range), Ah/V"),
      f(FEATURE_HASH, StringType, false, "hash of the cyclelake.features settings the row was computed with"),
      f(INPUT_VERSION, LongType, false, "Delta version of timeseries the row was computed from"),
  });

  /** One row per run and evaluated part (train, validation, test). */
  public static final StructType RUNS_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "unique run id"),
      f("created_at", TimestampType, false, "when the run finished"),
      f("task", StringType, false, "label task: soh | rul"),
      f("model", StringType, false, "model name"),
      f("split", StringType, false, "split name"),
      f("cells", StringType, false, "comma-separated cells in the run"),
      f("part", StringType, false, "train | validation | test"),
      f("n", LongType, false, "rows evaluated"),
      f("mae", DoubleType, true, "mean absolute error, label units"),
      f("rmse", DoubleType, true, "root mean squared error, label units"),
      f("mape_pct", DoubleType, true, "mean absolute percentage error, %"),
      f("r2", DoubleType, true, "coefficient of determination"),
      f("within_3pct", DoubleType, true, "share of predictions within +-3 % of the actual value"),
      f("within_5pct", DoubleType, true, "share of predictions within +-5 % of the actual value"),
      f("features", StringType, false, "comma-separated feature columns"),
      f("config", StringType, false, "effective configuration (JSON, secrets masked)"),
      f("sweep_id", StringType, true, "sweep the run belongs to (null for `train`)"),
      f("fold", StringType, true, "fold of the split, e.g. test=B0005 (null for `train`)"),
      f("params", StringType, true, "the model's hyperparameters of this run (HOCON)"),
      f("status", StringType, true, "ok | failed (sweeps; a failed run has one row, part = 'none', n = 0)"),
      f("error", StringType, true, "why the run failed (null when ok)"),
      f("fit_seconds", DoubleType, true, "wall time of preprocessing, fit and prediction inside the task, s"),
      f("features_version", LongType, true, "Delta version of features_summary the run read"),
      f("feature_config_hash_used", StringType, true, "feature_config_hash of the rows the run read"),
      f("config_hash", StringType, true, "hash of the effective cyclelake configuration"),
      f("git_commit", StringType, true, "git commit of the code that ran (from the build; '-dirty' appended when the "
          + "build's working tree had changes; 'unknown' when not built from a git checkout)"),
      f("input_versions", StringType, true, "Delta version of every lake table the run read, JSON {table: version}"),
      f("raw_files_digest", StringType, true, "SHA-256 over '<sha256> <path>' lines of the raw files of the run's "
          + "cells (table run_files lists them); null without a files manifest"),
  });

  /** Lineage: one row per run and raw file of its cells (from the files manifest at the version the run read). */
  public static final StructType RUN_FILES_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run id (runs.run_id)"),
      f("sweep_id", StringType, true, "sweep of the run (null for `train`)"),
      f("source", StringType, false, "reader that read the file (files.source)"),
      f("path", StringType, false, "absolute path of the raw file (files.path)"),
      f("role", StringType, false, "listing | data (files.role)"),
      f("status", StringType, false, "ok | failed (files.status when the run read the manifest)"),
      f("sha256", StringType, false, "SHA-256 of the file's bytes when it was ingested (files.sha256)"),
  });

  /** One row per training task (run) of a sequence sweep, or of any sweep with gpu.enabled: where it ran. */
  public static final StructType TRAINING_TASKS_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run the task trained (runs.run_id)"),
      f("sweep_id", StringType, false, "sweep of the run"),
      f("executor_id", StringType, false, "Spark executor that ran the task ('driver' in local mode)"),
      f("host", StringType, false, "host of the executor"),
      f("task_attempt_id", LongType, false, "Spark task attempt id (-1 outside a Spark task)"),
      f("gpu_address", StringType, true, "GPU address(es) Spark gave the task (TaskContext.resources(), "
          + "comma-separated); null when gpu.enabled is off"),
      f("nd4j_backend", StringType, false, "ND4J backend the task trained on: CpuBackend | JCublasBackend"),
      f("nd4j_device", IntegerType, true, "CUDA device the task's thread was bound to (null on the CPU backend)"),
      f("started_at", TimestampType, false, "when the task started (executor clock)"),
      f("finished_at", TimestampType, false, "when the task finished training and predicting (executor clock)"),
  });

  /** One row per predicted cycle of a run. */
  public static final StructType PREDICTIONS_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run id"),
      f("cell_id", StringType, false, "cell identifier"),
      f("cycle_index", IntegerType, false, "operation index"),
      f("part", StringType, false, "train | validation | test"),
      f("actual", DoubleType, false, "label"),
      f("predicted", DoubleType, false, "model output"),
      f("lower", DoubleType, true, "lower bound of the split-conformal interval (null without a validation part)"),
      f("upper", DoubleType, true, "upper bound of the split-conformal interval (null without a validation part)"),
  });

  /** One row per discharge scored by {@code predict --task soh} (one invocation = one predict_id). */
  public static final StructType SOH_PREDICTIONS_SCHEMA = new StructType(new StructField[] {
      f("predict_id", StringType, false, "id of the predict invocation"),
      f("created_at", TimestampType, false, "when it ran"),
      f("run_id", StringType, false, "run whose saved model predicted (runs.run_id)"),
      f("cell_id", StringType, false, "cell identifier"),
      f("cycle_index", IntegerType, false, "the discharge's operation index"),
      f("actual", DoubleType, true, "SOH label under the run's train.soh settings (null: the discharge is unlabelled)"),
      f("predicted", DoubleType, false, "predicted SOH"),
      f("lower", DoubleType, true, "lower bound of the run's split-conformal interval (null without one)"),
      f("upper", DoubleType, true, "upper bound of the run's split-conformal interval (null without one)"),
      f("feature_config_hash", StringType, false, "feature settings of the rows scored (the run's)"),
      f("input_versions", StringType, false, "Delta version of every lake table read, JSON {table: version}"),
      f("git_commit", StringType, false, "git commit of the code that predicted (see runs.git_commit)"),
  });

  /** One row per sweep run × part × cell (cell_id '*' = all cells of the part). */
  public static final StructType FOLD_METRICS_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run id (one spec on one fold)"),
      f("sweep_id", StringType, false, "sweep id"),
      f("model", StringType, false, "model name"),
      f("params", StringType, false, "hyperparameters (HOCON)"),
      f("fold", StringType, false, "fold name"),
      f("part", StringType, false, "train | validation | test; the further outputs of a several-output model "
          + "(acla) have rows of their own, part = <part>:label+h (the label h labelled discharges ahead)"),
      f("cell_id", StringType, false, "cell, or '*' for every cell of the part"),
      f("n", LongType, false, "rows evaluated"),
      f("mae", DoubleType, true, "mean absolute error, label units"),
      f("rmse", DoubleType, true, "root mean squared error, label units"),
      f("mape_pct", DoubleType, true, "mean absolute percentage error, %"),
      f("r2", DoubleType, true, "coefficient of determination"),
      f("max_error", DoubleType, true, "largest absolute error, label units"),
      f("within_3pct", DoubleType, true, "share of predictions within +-3 % of the actual value"),
      f("within_5pct", DoubleType, true, "share of predictions within +-5 % of the actual value"),
      f("interval_level", DoubleType, true, "nominal level of the conformal interval"),
      f("coverage", DoubleType, true, "share of actual values inside the conformal interval (null without one)"),
  });

  /** One row per sweep run × feature. */
  public static final StructType FEATURE_IMPORTANCE_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run id"),
      f("sweep_id", StringType, false, "sweep id"),
      f("model", StringType, false, "model name"),
      f("feature", StringType, false, "feature column"),
      f("kind", StringType, false, "abs-coefficient (standardised inputs) | impurity (normalised) | mean-abs-shap"),
      f("importance", DoubleType, false, "importance of the feature"),
  });

  /** Loss per epoch (or iteration) of the iterative trainers (mlp, neural-ode, lstm, lstm-attention) of a run. */
  public static final String TRAINING_CURVES = "training_curves";

  /**
   * One row per run × epoch of an iterative trainer: the training loss and, where the run had validation rows, the
   * validation loss. Written with the run's other results and replaced by run_id (never duplicated).
   */
  public static final StructType TRAINING_CURVES_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run id (runs.run_id)"),
      f("sweep_id", StringType, true, "sweep of the run (null for a run of `train`)"),
      f("model", StringType, false, "model name"),
      f("params", StringType, true, "the spec's settings (HOCON), as in fold_metrics"),
      f("fold", StringType, true, "fold name, as in fold_metrics"),
      f("epoch", IntegerType, false, "1-based epoch (neural-ode: full-batch iteration)"),
      f("train_loss", DoubleType, false, "training loss after the epoch; what it measures is in `loss`"),
      f("val_loss", DoubleType, true, "validation loss after the epoch (null without validation rows, or when the "
          + "epoch was not evaluated)"),
      f("loss", StringType, false, "what train_loss and val_loss measure, e.g. 'mse (label units)'"),
      f("kept", DataTypes.BooleanType, false, "true for the epoch whose weights the fitted model kept"),
  });

  /** A bounded sample of the attention weights behind an attention model's predictions. */
  public static final String ATTENTION_WEIGHTS = "attention_weights";

  /**
   * One row per run × sampled prediction of an attention model ({@code lstm-attention}): the attention each time step
   * of the input sequence received, averaged over heads and over the valid query steps (sums to 1 over the valid
   * steps). {@code sequence.attention-sample} predictions of the test part (else all used rows) per run, evenly spaced.
   */
  public static final StructType ATTENTION_WEIGHTS_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run id (runs.run_id)"),
      f("sweep_id", StringType, false, "sweep of the run"),
      f("model", StringType, false, "model name"),
      f("fold", StringType, false, "fold name"),
      f("cell_id", StringType, false, "cell of the predicted discharge"),
      f("cycle_index", IntegerType, false, "operation index of the predicted discharge"),
      f("part", StringType, false, "train | validation | test"),
      f("steps", IntegerType, false, "valid (unpadded) time steps of the sequence"),
      f("weight", DataTypes.createArrayType(DoubleType, false), false, "attention received per time step (index = "
          + "step), mean over heads and valid query steps; padded steps 0"),
  });

  public static final String EXPERIMENTS = "experiments";

  /** One row per step (sweep) of a run of a named experiment ({@code cyclelake experiment NAME}). */
  public static final StructType EXPERIMENTS_SCHEMA = new StructType(new StructField[] {
      f("experiment_run_id", StringType, false, "one run of the experiment: <name>-<UTC time>-<random>"),
      f("experiment", StringType, false, "experiment name (conf/experiments/<name>.conf)"),
      f("step", StringType, false, "step name within the experiment"),
      f("sweep_id", StringType, true, "the sweep the step ran (its rows in runs, fold_metrics, predictions)"),
      f("status", StringType, false, "ok | failed"),
      f("error", StringType, true, "why the step failed"),
      f("tasks", IntegerType, false, "Spark tasks of the sweep (spec x fold)"),
      f("failed_tasks", IntegerType, false, "tasks recorded as failed"),
      f("seconds", DoubleType, false, "wall time of the step"),
      f("started_at", TimestampType, false, "when the experiment run started"),
      f("git_commit", StringType, false, "commit of the code that ran, '-dirty' when the tree had changes, or "
          + "'unknown'"),
      f("config", StringType, false, "effective configuration of the step (JSON, secrets masked)"),
  });

  /**
   * One row per discharge a label task left out of a sweep or train run, and one per censored cell (cycle_index
   * null): nothing is dropped without a record.
   */
  public static final StructType LABEL_EXCLUSIONS_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "the sweep id (cyclelake sweep) or run id (cyclelake train)"),
      f("created_at", TimestampType, false, "when the run recorded it"),
      f("task", StringType, false, "label task: soh | rul"),
      f("cell_id", StringType, false, "cell"),
      f("cycle_index", IntegerType, true, "the discharge left out; null = the whole cell (censored)"),
      f("capacity_ah", DoubleType, true, "the discharge's capacity; for a censored cell its last discharge's"),
      f("reason", StringType, false, "why, e.g. 'capacity below train.rul.min-capacity-ah = 0.1 Ah', "
          + "'after end of life at discharge 125 ...', 'censored: never below 1.4 Ah ...'"),
  });

  // ---- Inverter telemetry (issue 8) ----

  public static final String TELEMETRY_RAW = "telemetry_raw";
  public static final String TELEMETRY_1HZ = "telemetry_1hz";
  public static final String TELEMETRY_LABELS = "telemetry_labels";
  public static final String TELEMETRY_RUNS = "telemetry_runs";
  public static final String TELEMETRY_PREDICTIONS = "telemetry_predictions";
  /** What {@code telemetry aggregate} last read from telemetry_raw, per device-day (incremental aggregation). */
  public static final String TELEMETRY_1HZ_INPUTS = "telemetry_1hz_inputs";

  /**
   * One row per device-day of an input table as it was when an output was last written from it: a change of the rows,
   * their fingerprint or the settings marks the device-day for recomputation.
   */
  public static final StructType DEVICE_DAY_INPUTS_SCHEMA = new StructType(new StructField[] {
      f("device_id", StringType, false, "inverter identifier"),
      f("day", DataTypes.DateType, false, "UTC day"),
      f("input_rows", LongType, false, "rows of the input table in the device-day"),
      f("input_hash", DataTypes.createDecimalType(38, 0), false, "sum over those rows of xxhash64 of all columns"),
      f("settings", StringType, false, "the settings the output was computed with, e.g. max-gap-s=60"),
      f("written_at", TimestampType, false, "when this state was recorded")});

  /**
   * The canonical telemetry channels, in this order everywhere (raw table, 1 Hz table, kernels' channel index).
   * Temperatures in degC, voltages in V, currents in A, torque in N m, speed in rpm.
   */
  public static final List<String> TELEMETRY_CHANNELS = List.of("heatsink_temp_c", "igbt_temp_c", "coolant_temp_c",
      "ambient_temp_c", "dc_bus_voltage_v", "dc_bus_current_a", "phase_a_current_a", "phase_b_current_a",
      "phase_c_current_a", "torque_nm", "speed_rpm");

  private static final List<String> TELEMETRY_CHANNEL_TEXT = List.of("heat-sink temperature, degC",
      "IGBT (junction or module) temperature, degC", "coolant temperature, degC", "ambient air temperature, degC",
      "DC bus voltage, V", "DC bus current, A (positive = drawn by the inverter)", "phase A current (RMS), A",
      "phase B current (RMS), A", "phase C current (RMS), A", "motor torque, N m (optional)",
      "motor speed, rpm (optional)");

  /** One row per accepted logger row; rows of overlapping files are all kept (deduplicated at 1 Hz). */
  public static final StructType TELEMETRY_RAW_SCHEMA = telemetryRaw();

  private static StructType telemetryRaw() {
    List<StructField> f = new java.util.ArrayList<>(List.of(
        f("device_id", StringType, false, "inverter identifier (from the file name pattern)"),
        f("day", DataTypes.DateType, false, "UTC day of ts (partition column)"),
        f("ts", TimestampType, false, "sample time, UTC, microseconds")));
    for (int k = 0; k < TELEMETRY_CHANNELS.size(); k++) {
      f.add(f(TELEMETRY_CHANNELS.get(k), DoubleType, true, TELEMETRY_CHANNEL_TEXT.get(k) + "; null = not logged"));
    }
    f.add(f("source_file", StringType, false, "raw file the row was read from"));
    f.add(f("source_line", LongType, false, "1-based line of the row in source_file"));
    return new StructType(f.toArray(new StructField[0]));
  }

  /**
   * One row per device and second of a segment (a run of data with no hole longer than the aggregation's
   * max-gap): mean/min/max of each channel over the raw samples of that second. A second without samples is a row
   * with n_samples = 0, gap = true and null values (never filled).
   */
  public static final StructType TELEMETRY_1HZ_SCHEMA = telemetry1hz();

  private static StructType telemetry1hz() {
    List<StructField> f = new java.util.ArrayList<>(List.of(
        f("device_id", StringType, false, "inverter identifier"),
        f("day", DataTypes.DateType, false, "UTC day of ts (partition column)"),
        f("ts", TimestampType, false, "start of the second, UTC"),
        f("segment", IntegerType, false, "0-based run of data within the device and day; a hole longer than "
            + "telemetry.aggregate.max-gap-s starts a new one"),
        f("n_samples", IntegerType, false, "distinct raw samples in the second (0 = gap)"),
        f("gap", DataTypes.BooleanType, false, "no sample in this second (values null)")));
    for (int k = 0; k < TELEMETRY_CHANNELS.size(); k++) {
      String c = TELEMETRY_CHANNELS.get(k);
      String t = TELEMETRY_CHANNEL_TEXT.get(k);
      f.add(f(c, DoubleType, true, "mean " + t + " over the second"));
      f.add(f(c.replaceFirst("_([a-z]+)$", "_min_$1"), DoubleType, true, "minimum " + t));
      f.add(f(c.replaceFirst("_([a-z]+)$", "_max_$1"), DoubleType, true, "maximum " + t));
    }
    return new StructType(f.toArray(new StructField[0]));
  }

  /** The column of a per-second statistic: {@code heatsink_temp_c, "max"} gives {@code heatsink_temp_max_c}. */
  public static String telemetryStat(String channel, String stat) {
    int u = channel.lastIndexOf('_');
    return channel.substring(0, u) + "_" + stat + channel.substring(u);
  }

  /** Trailing windows of the telemetry features, seconds (the row's own second included, nothing after it). */
  public static final int[] TELEMETRY_WINDOWS_S = {10, 60, 300};

  /** Feature columns of {@link #TELEMETRY_LABELS_SCHEMA}, in the order the models take them. */
  public static final List<String> TELEMETRY_FEATURES = telemetryFeatures();

  private static List<String> telemetryFeatures() {
    List<String> f = new java.util.ArrayList<>(List.of("temp_hottest_c", "heatsink_temp_c", "igbt_temp_c",
        "coolant_temp_c", "ambient_temp_c", "heatsink_over_coolant_c", "coolant_over_ambient_c", "dc_power_kw",
        "phase_current_rms_a"));
    for (int w : TELEMETRY_WINDOWS_S) {
      f.add("temp_mean_" + w + "s_c");
      f.add("temp_max_" + w + "s_c");
      f.add("temp_slope_" + w + "s_c_per_s");
      f.add("coolant_slope_" + w + "s_c_per_s");
      f.add("current_sq_mean_" + w + "s_a2");
      f.add("power_mean_" + w + "s_kw");
      f.add("power_max_" + w + "s_kw");
    }
    f.add("valid_fraction_" + TELEMETRY_WINDOWS_S[TELEMETRY_WINDOWS_S.length - 1] + "s");
    return List.copyOf(f);
  }

  /**
   * One row per device and second of {@code telemetry_1hz} that has data: labels looking ahead and features looking
   * back (windows {@link #TELEMETRY_WINDOWS_S}, computed from that second and earlier seconds of the same segment
   * only).
   */
  public static final StructType TELEMETRY_LABELS_SCHEMA = telemetryLabels();

  private static StructType telemetryLabels() {
    List<StructField> f = new java.util.ArrayList<>(List.of(
        f("device_id", StringType, false, "inverter identifier"),
        f("day", DataTypes.DateType, false, "UTC day of ts"),
        f("ts", TimestampType, false, "start of the second, UTC"),
        f("segment", IntegerType, false, "0-based run of consecutive seconds of the device, over all days"),
        f("overheat", DataTypes.BooleanType, true, "the hottest temperature exceeds telemetry.labels.threshold-c "
            + "within the next horizon_s seconds (null: the horizon runs past the data or over a gap)"),
        f("overheat_now", DataTypes.BooleanType, false, "the hottest temperature exceeds the threshold in this "
            + "second"),
        f("delta_t_30s_c", DoubleType, true, "hottest temperature 30 s later minus now, degC (null if unknown)"),
        f("horizon_s", IntegerType, false, "look-ahead H of the overheat label, s"),
        f("threshold_c", DoubleType, false, "overheat threshold of the label, degC")));
    for (String name : TELEMETRY_FEATURES) f.add(f(name, DoubleType, true, "feature (see TelemetryFeatures)"));
    return new StructType(f.toArray(new StructField[0]));
  }

  /** One row per telemetry run × task × model (the chosen one and its baseline) × part. */
  public static final StructType TELEMETRY_RUNS_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run identifier (model files under <lake>/<runs-dir>/<run_id>/)"),
      f("created_at", TimestampType, false, "when the run finished"),
      f("task", StringType, false, "overheat (classifier) | delta_t (30 s temperature change regressor)"),
      f("role", StringType, false, "model (used by predict) | baseline | compare (telemetry.train.compare-*)"),
      f("model", StringType, false, "plug-in name"),
      f("part", StringType, false, "train | validation | test"),
      f("t_from", TimestampType, true, "first second of the part"),
      f("t_to", TimestampType, true, "last second of the part"),
      f("n", LongType, false, "rows evaluated"),
      f("positives", LongType, true, "rows labelled overheat (classifier)"),
      f("roc_auc", DoubleType, true, "area under the ROC curve"),
      f("pr_auc", DoubleType, true, "average precision (area under the precision-recall curve)"),
      f("threshold", DoubleType, true, "alarm threshold on the probability (chosen on validation, max F-beta)"),
      f("precision", DoubleType, true, "precision at the threshold"),
      f("recall", DoubleType, true, "recall at the threshold"),
      f("events", IntegerType, true, "overheating events (onsets) in the part"),
      f("events_warned", IntegerType, true, "events with an alarm in the max-lead window before the onset"),
      f("mean_lead_s", DoubleType, true, "mean warning lead time of the warned events, s"),
      f("false_alarms_per_h", DoubleType, true, "alarm episodes followed by no event, per hour of data"),
      f("mae_c", DoubleType, true, "mean absolute error of delta_t_30s_c, degC"),
      f("rmse_c", DoubleType, true, "root mean squared error of delta_t_30s_c, degC"),
      f("config", StringType, false, "the cyclelake.telemetry settings of the run (HOCON)"),
  });

  /** One row per scored second of {@code predict --task overheat}. */
  public static final StructType TELEMETRY_PREDICTIONS_SCHEMA = new StructType(new StructField[] {
      f("run_id", StringType, false, "run whose models scored the row"),
      f("device_id", StringType, false, "inverter identifier"),
      f("ts", TimestampType, false, "start of the second, UTC"),
      f("temp_hottest_c", DoubleType, true, "hottest device temperature in the second, degC"),
      f("overheat_probability", DoubleType, true, "probability of exceeding the threshold within the horizon"),
      f("warning", DataTypes.BooleanType, true, "probability >= the run's alarm threshold"),
      f("delta_t_30s_pred_c", DoubleType, true, "forecast temperature change over the next 30 s, degC"),
      f("recommended_power_limit_pct", IntegerType, true, "derating advice: power limit, % of rated"),
      f("advice", StringType, true, "the advice in words"),
      f("source", StringType, false, "input file(s) or folder scored"),
  });

  private static StructType concat(StructType... parts) {
    List<StructField> all = new java.util.ArrayList<>();
    for (StructType p : parts) all.addAll(List.of(p.fields()));
    return new StructType(all.toArray(new StructField[0]));
  }

  private static StructField f(String name, DataType type, boolean nullable, String comment) {
    Metadata m = new MetadataBuilder().putString("comment", comment).build();
    return DataTypes.createStructField(name, type, nullable, m);
  }
}
