package io.cyclelake.features;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Per-cycle summary features for every charge and discharge of the lake, computed in parallel: the samples are
 * partitioned by cycle, sorted by time, and each cycle's arrays go through {@link CycleSummary}. Writes
 * {@code cycle_features} in one transaction.
 */
public final class FeaturesJob {
  private FeaturesJob() {}

  public record Result(long cycles) {}

  public static Result run(Lake lake, List<String> cycleTypes, Progress progress) {
    progress.step("summarising " + String.join(" and ", cycleTypes) + " cycles");
    Dataset<Row> samples = lake.read(Tables.TIMESERIES, "ingest")
        .where(col("cycle_type").isin(cycleTypes.toArray())
            .and(col("time_s").isNotNull()).and(col("voltage_v").isNotNull()).and(col("current_a").isNotNull()))
        .select("cell_id", "cycle_index", "cycle_type", "time_s", "voltage_v", "current_a", "temperature_c",
            "sample_index")
        .repartition(col("cell_id"), col("cycle_index"))
        .sortWithinPartitions("cell_id", "cycle_index", "time_s", "sample_index");
    Dataset<Row> features = samples.mapPartitions(
        (MapPartitionsFunction<Row, Row>) FeaturesJob::summarise, Encoders.row(Tables.CYCLE_FEATURES_SCHEMA));
    lake.overwrite(features, Tables.CYCLE_FEATURES);
    long n = lake.read(Tables.CYCLE_FEATURES, "features").count();
    progress.done("wrote cycle_features: " + n + " cycles");
    return new Result(n);
  }

  /** Streams one partition's rows, sorted by cycle then time, emitting a feature row at each cycle's end. */
  static Iterator<Row> summarise(Iterator<Row> rows) {
    List<Row> out = new ArrayList<>();
    Buffer b = new Buffer();
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
      n = 0;
      return RowFactory.create(cell, cycle, type, s.nSamples(), s.durationS(), s.chargeAh(), s.throughputAh(),
          s.energyWh(), s.voltageMeanV(), s.voltageMinV(), s.voltageMaxV(), s.currentMeanA(),
          nullIfNaN(s.temperatureMeanC()), nullIfNaN(s.temperatureMaxC()), nullIfNaN(s.temperatureRiseC()));
    }

    private static Double nullIfNaN(double d) {
      return Double.isNaN(d) ? null : d;
    }
  }
}
