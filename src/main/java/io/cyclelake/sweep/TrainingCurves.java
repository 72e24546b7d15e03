package io.cyclelake.sweep;

import io.cyclelake.lake.Lake;
import io.cyclelake.model.TrainingCurve;
import io.cyclelake.schema.Tables;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of {@code training_curves} (and of the other per-sweep result tables that are written whole per sweep, such as
 * {@code attention_weights}): built per run from its {@link TrainingCurve}, written in one transaction that replaces
 * whatever rows the sweep had in the table, so recording a sweep again never duplicates them.
 */
public final class TrainingCurves {
  private TrainingCurves() {}

  /** Adds one row per epoch of {@code curve} for run {@code t} of sweep {@code sweepId}. */
  public static void add(List<Row> out, TaskSpec t, String sweepId, TrainingCurve curve) {
    for (TrainingCurve.Point p : curve.points()) {
      out.add(RowFactory.create(t.runId(), sweepId, t.model(), t.params(), t.foldName(), p.epoch(), p.trainLoss(),
          Double.isNaN(p.validationLoss()) ? null : p.validationLoss(), curve.loss(), p.kept()));
    }
  }

  /** Writes the sweep's {@code training_curves} rows (nothing when there are none: no iterative trainer ran). */
  public static void record(Lake lake, String sweepId, List<Row> rows) {
    recordSweep(lake, Tables.TRAINING_CURVES, Tables.TRAINING_CURVES_SCHEMA, sweepId, rows);
  }

  /** Replaces the rows of {@code sweepId} in {@code table} by {@code rows} (all of that sweep) in one transaction. */
  public static void recordSweep(Lake lake, String table, StructType schema, String sweepId, List<Row> rows) {
    if (rows.isEmpty()) return;
    lake.replace(lake.spark().createDataFrame(rows, schema), table, "sweep_id = " + Lake.literal(sweepId));
  }
}
