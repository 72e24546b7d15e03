package io.cyclelake.features;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Per-cycle summary features for every charge and discharge of the lake, computed in parallel: the samples are
 * partitioned by cycle, sorted by time, and each cycle's arrays go through {@link CycleSummary} and
 * {@link IcaAnalysis}. Writes {@code cycle_features}, {@code features_ica} and {@code ica_curves}.
 */
public final class FeaturesJob {
  private FeaturesJob() {}

  /** {@code cycles}: computed in this run (0 when every cycle already had features for these settings). */
  public record Result(long cycles, long icaCycles, double seconds) {}

  /** Summary columns, then ICA columns, then the curve: one row per cycle from one pass over the samples. */
  private static final StructType COMBINED = combined();

  private static StructType combined() {
    StructType t = new StructType();
    for (StructType s : List.of(Tables.CYCLE_FEATURES_SCHEMA, Tables.FEATURES_ICA_SCHEMA, Tables.ICA_CURVES_SCHEMA)) {
      for (StructField f : s.fields()) {
        if (!f.name().equals(Tables.FEATURE_HASH) && !t.getFieldIndex(f.name()).isDefined()) t = t.add(f);
      }
    }
    return t;
  }

  /**
   * Computes the features of every charge/discharge (of {@code cycleTypes}) that has samples and no features yet
   * under {@code configHash}, and appends them. A rerun with no new data computes nothing; other settings get their
   * own rows. Ingest deletes a cell's feature rows when it replaces the cell's samples.
   */
  public static Result run(Lake lake, List<String> cycleTypes, IcaAnalysis.Settings ica, String configHash,
      Progress progress) {
    long start = System.nanoTime();
    progress.step("finding " + String.join(" and ", cycleTypes) + " cycles without features for settings "
        + configHash);
    Dataset<Row> wanted = lake.read(Tables.CYCLES, "ingest")
        .where(col("cycle_type").isin(cycleTypes.toArray()).and(col("n_samples").gt(0)))
        .select("cell_id", "cycle_index");
    if (lake.exists(Tables.CYCLE_FEATURES)) {
      wanted = wanted.join(lake.read(Tables.CYCLE_FEATURES, "features")
              .where(col(Tables.FEATURE_HASH).equalTo(configHash)).select("cell_id", "cycle_index"),
          Lake.CELL_CYCLE, "left_anti");
    }
    List<Row> todo = wanted.collectAsList();
    if (todo.isEmpty()) {
      progress.done("nothing to compute: every cycle has features for settings " + configHash);
      return new Result(0, 0, (System.nanoTime() - start) / 1e9);
    }
    Dataset<Row> todoKeys = lake.spark().createDataFrame(todo, wanted.schema()).cache();
    progress.done(todo.size() + " cycles to compute");

    progress.step("computing summary and ICA features of " + todo.size() + " cycles in parallel");
    Dataset<Row> samples = lake.read(Tables.TIMESERIES, "ingest")
        .where(col("cycle_type").isin(cycleTypes.toArray())
            .and(col("time_s").isNotNull()).and(col("voltage_v").isNotNull()).and(col("current_a").isNotNull()))
        .join(broadcast(todoKeys), Lake.CELL_CYCLE, "left_semi")
        .select("cell_id", "cycle_index", "cycle_type", "time_s", "voltage_v", "current_a", "temperature_c",
            "sample_index")
        .repartition(col("cell_id"), col("cycle_index"))
        .sortWithinPartitions("cell_id", "cycle_index", "time_s", "sample_index");
    Dataset<Row> all = samples.mapPartitions(
        (MapPartitionsFunction<Row, Row>) rows -> summarise(rows, ica), Encoders.row(COMBINED))
        .withColumn(Tables.FEATURE_HASH, lit(configHash))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // A crash after the ICA tables but before cycle_features leaves rows that this delete clears on the rerun;
      // cycle_features goes last because it decides what is done.
      for (String t : List.of(Tables.FEATURES_ICA, Tables.ICA_CURVES)) {
        if (lake.exists(t)) {
          DeltaTable.forPath(lake.spark(), lake.path(t)).as("t")
              .merge(todoKeys.as("s"), "t.cell_id = s.cell_id AND t.cycle_index = s.cycle_index AND t."
                  + Tables.FEATURE_HASH + " = " + Lake.literal(configHash))
              .whenMatched().delete().execute();
        }
      }
      lake.append(all.select(columns(Tables.FEATURES_ICA_SCHEMA)), Tables.FEATURES_ICA);
      lake.append(all.select(columns(Tables.ICA_CURVES_SCHEMA)), Tables.ICA_CURVES);
      lake.append(all.select(columns(Tables.CYCLE_FEATURES_SCHEMA)), Tables.CYCLE_FEATURES);
      long n = all.count();
      long withPeaks = all.where(col("peak1_voltage_v").isNotNull()).count();
      double seconds = (System.nanoTime() - start) / 1e9;
      progress.done(String.format(java.util.Locale.ROOT, "appended %d cycles (%d with an ICA peak) to cycle_features,"
          + " features_ica and ica_curves: %.1f cycles/s", n, withPeaks, n / seconds));
      return new Result(n, withPeaks, seconds);
    } finally {
      all.unpersist();
      todoKeys.unpersist();
    }
  }

  private static org.apache.spark.sql.Column[] columns(StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  /** Streams one partition's rows, sorted by cycle then time, emitting a feature row at each cycle's end. */
  static Iterator<Row> summarise(Iterator<Row> rows, IcaAnalysis.Settings ica) {
    List<Row> out = new ArrayList<>();
    Buffer b = new Buffer(ica);
    String cell = null;
    int cycle = -1;
    String type = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      String c = r.getString(0);
      int idx = r.getInt(1);
      if (cell != null && (idx != cycle || !c.equals(cell))) {
        out.add(b.emit(cell, cycle, type));
      }
      cell = c;
      cycle = idx;
      type = r.getString(2);
      b.add(r.getDouble(3), r.getDouble(4), r.getDouble(5), r.isNullAt(6) ? Double.NaN : r.getDouble(6));
    }
    if (cell != null) out.add(b.emit(cell, cycle, type));
    return out.iterator();
  }

  /** Growable arrays reused across the cycles of a partition. */
  private static final class Buffer {
    final IcaAnalysis.Settings ica;

    Buffer(IcaAnalysis.Settings ica) {
      this.ica = ica;
    }

    double[] t = new double[1024];
    double[] v = new double[1024];
    double[] i = new double[1024];
    double[] temp = new double[1024];
    int n;

    void add(double tt, double vv, double ii, double te) {
      if (n == t.length) {
        t = java.util.Arrays.copyOf(t, 2 * n);
        v = java.util.Arrays.copyOf(v, 2 * n);
        i = java.util.Arrays.copyOf(i, 2 * n);
        temp = java.util.Arrays.copyOf(temp, 2 * n);
      }
      t[n] = tt;
      v[n] = vv;
      i[n] = ii;
      temp[n] = te;
      n++;
    }

    Row emit(String cell, int cycle, String type) {
      CycleSummary s = CycleSummary.of(t, v, i, temp, n);
      IcaAnalysis.Result r = IcaAnalysis.analyse(t, v, i, n, type.equals("charge"), ica);
      n = 0;
      List<Object> out = new ArrayList<>(List.of(cell, cycle, type, s.nSamples(), s.durationS(), s.chargeAh(),
          s.throughputAh(), s.energyWh(), s.voltageMeanV(), s.voltageMinV(), s.voltageMaxV(), s.currentMeanA()));
      out.add(nullIfNaN(s.temperatureMeanC()));
      out.add(nullIfNaN(s.temperatureMaxC()));
      out.add(nullIfNaN(s.temperatureRiseC()));
      out.add(r.samplesUsed());
      out.add(nullIfNaN(r.areaAh()));
      for (int k = 0; k < Tables.ICA_PEAKS; k++) {
        IcaAnalysis.IcaPeak p = k < r.peaks().size() ? r.peaks().get(k) : null;
        out.add(p == null ? null : p.voltageV());
        out.add(p == null ? null : p.heightAhPerV());
        out.add(p == null ? null : p.prominenceAhPerV());
        out.add(p == null ? null : p.widthV());
      }
      out.add(scala.collection.JavaConverters.asScalaBuffer(boxed(r.voltageV())).toSeq());
      out.add(scala.collection.JavaConverters.asScalaBuffer(boxed(r.dqdv())).toSeq());
      return RowFactory.create(out.toArray());
    }

    private static List<Double> boxed(double[] a) {
      List<Double> l = new ArrayList<>(a.length);
      for (double d : a) l.add(d);
      return l;
    }

    private static Double nullIfNaN(double d) {
      return Double.isNaN(d) ? null : d;
    }
  }
}
