package io.cyclelake.sweep;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.stddev_samp;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A sweep's test metrics from {@code fold_metrics} (all cells of each fold's test part) and {@code runs}. */
public final class SweepReport {
  private SweepReport() {}

  /** Per run (spec × fold): model, params, fold, n, mae, rmse, r2, max_error, coverage; ordered by model and fold. */
  public static List<Row> perFold(Lake lake, String sweepId) {
    return testRows(lake, sweepId).select("model", "params", "fold", "n", "mae", "rmse", "r2", "max_error",
        "coverage").orderBy("model", "params", "fold").collectAsList();
  }

  /**
   * Per spec (model, params): folds, mae_mean, mae_sd (sample), rmse_mean, r2_mean, coverage_mean, interval_level;
   * best (lowest mean MAE) first. Failed runs are counted from {@code runs}.
   */
  public static List<Row> aggregate(Lake lake, String sweepId) {
    Dataset<Row> failed = lake.read(Tables.RUNS, "sweep").where(col("sweep_id").equalTo(sweepId)
        .and(col("status").equalTo("failed"))).groupBy("model", "params").agg(count("*").as("failed"));
    Dataset<Row> agg = testRows(lake, sweepId).groupBy("model", "params").agg(count("*").as("folds"),
        avg("mae").as("mae_mean"), stddev_samp("mae").as("mae_sd"), avg("rmse").as("rmse_mean"),
        avg("r2").as("r2_mean"), avg("coverage").as("coverage_mean"), first("interval_level").as("interval_level"));
    return agg.join(failed, Lake.keys("model", "params"), "full_outer")
        .na().fill(0L, new String[] {"folds", "failed"})
        .select("model", "params", "folds", "failed", "mae_mean", "mae_sd", "rmse_mean", "r2_mean", "coverage_mean",
            "interval_level")
        .orderBy(col("mae_mean").asc_nulls_last()).collectAsList();
  }

  /**
   * The sweep's test rows of all cells. Only a sweep with {@code runs} rows has results: its runs rows are written last,
   * in one commit, so a sweep killed before them may have left rows in {@code fold_metrics} that are not results.
   */
  private static Dataset<Row> testRows(Lake lake, String sweepId) {
    if (!lake.exists(Tables.RUNS) || lake.read(Tables.RUNS, "sweep").where(col("sweep_id").equalTo(sweepId))
        .isEmpty()) {
      boolean partial = lake.exists(Tables.FOLD_METRICS)
          && !lake.read(Tables.FOLD_METRICS, "sweep").where(col("sweep_id").equalTo(sweepId)).isEmpty();
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, (partial ? "sweep '" + sweepId + "' did not finish: it "
          + "has fold_metrics rows but no runs rows (it stopped before recording its runs), so it has no results; "
          + "run it again, and see `cyclelake doctor`" : "no sweep '" + sweepId + "' in " + lake.root())
          + "; `cyclelake sql \"select distinct sweep_id from runs\"` lists the sweeps");
    }
    return lake.read(Tables.FOLD_METRICS, "sweep").where(col("sweep_id").equalTo(sweepId)
        .and(col("part").equalTo("test")).and(col("cell_id").equalTo("*")));
  }
}
