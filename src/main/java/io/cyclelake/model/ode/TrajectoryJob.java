package io.cyclelake.model.ode;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.train.TrainJob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Thin Spark wiring of {@link Trajectories}: the labelled discharges of {@code features_summary} (current feature
 * settings, the label as channel {@code soh}), grouped by cell on the executors, each cell's trajectory built there
 * by the plain-Java builder; only the per-cell trajectories (hundreds of points each) reach the driver.
 */
public final class TrajectoryJob {
  private TrajectoryJob() {}

  /** Name of the SOH channel (capacity over the reference of {@code cyclelake.train.soh}). */
  public static final String SOH = "soh";

  /**
   * @param timeColumn column of features_summary used as time (e.g. {@code cycle_number},
   *     {@code equivalent_full_cycles})
   * @param channels columns of features_summary, or {@link #SOH}
   * @param cells cells to read (empty = all labelled cells)
   */
  public static Trajectories.Built load(Lake lake, Config config, List<String> cells, String timeColumn,
      List<String> channels) {
    Dataset<Row> labelled = TrainJob.sohLabels(lake, config.getConfig("cyclelake.train.soh"), cells,
        ConfigRender.hash(config, "cyclelake.features")).withColumn(SOH, col("label"));
    List<String> have = List.of(labelled.columns());
    List<String> wanted = new ArrayList<>(channels);
    wanted.add(timeColumn);
    List<String> missing = wanted.stream().filter(c -> !have.contains(c)).toList();
    if (channels.isEmpty() || !missing.isEmpty()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "trajectory " + (channels.isEmpty() ? "channels are empty"
          : "columns " + missing + " are not in features_summary") + "; available: " + have);
    }
    List<Column> cols = new ArrayList<>(List.of(col("cell_id"), col("cycle_index"),
        col(timeColumn).cast(DataTypes.DoubleType)));
    for (String c : channels) cols.add(col(c).cast(DataTypes.DoubleType));
    List<String> chans = List.copyOf(channels);
    List<Trajectories.Built> parts = labelled.select(cols.toArray(Column[]::new))
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .mapGroups((MapGroupsFunction<String, Row, Trajectories.Built>) (cell, it) -> buildCell(cell, it, chans),
            Encoders.javaSerialization(Trajectories.Built.class))
        .collectAsList();
    List<CellTrajectory> all = new ArrayList<>();
    List<Trajectories.Rejected> rejected = new ArrayList<>();
    for (Trajectories.Built b : parts) {
      all.addAll(b.cells());
      rejected.addAll(b.rejected());
    }
    all.sort(Comparator.comparing(CellTrajectory::cellId));
    if (all.isEmpty()) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "no labelled discharge cycles"
          + (cells.isEmpty() ? "" : " for cells " + cells) + " with the current feature settings; run `cyclelake "
          + "ingest` and `cyclelake features` first");
    }
    return new Trajectories.Built(all, rejected);
  }

  /** One cell's rows → its trajectory (runs in an executor task). */
  static Trajectories.Built buildCell(String cell, java.util.Iterator<Row> it, List<String> channels) {
    List<Row> rows = new ArrayList<>();
    it.forEachRemaining(rows::add);
    int n = rows.size();
    String[] c = new String[n];
    int[] idx = new int[n];
    double[] t = new double[n];
    double[][] v = new double[n][channels.size()];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      c[i] = cell;
      idx[i] = r.getInt(1);
      t[i] = r.isNullAt(2) ? Double.NaN : r.getDouble(2);
      for (int j = 0; j < channels.size(); j++) v[i][j] = r.isNullAt(3 + j) ? Double.NaN : r.getDouble(3 + j);
    }
    return Trajectories.build(c, idx, t, v, channels);
  }
}
