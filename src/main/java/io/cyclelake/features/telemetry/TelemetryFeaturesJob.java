package io.cyclelake.features.telemetry;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code telemetry_1hz} → {@code telemetry_labels}: each device's seconds in one Spark task, ordered by time, through
 * {@link TelemetryFeatures}. Gap seconds get no row (they have no values to describe "now"), but they stay in the
 * windows as missing seconds and make labels that look over them unknown (null).
 */
public final class TelemetryFeaturesJob {
  private TelemetryFeaturesJob() {}

  /** Label settings. */
  public record Settings(List<String> temperatureChannels, double thresholdC, int horizonS) implements Serializable {}

  public record Result(long rows, long positives, long unknownLabels, long overheatingNow) {}

  public static Result run(Lake lake, Settings s) {
    Dataset<Row> hz = lake.read(Tables.TELEMETRY_1HZ, "telemetry aggregate");
    compute(hz, s).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .partitionBy("device_id", "day").save(lake.path(Tables.TELEMETRY_LABELS));
    Dataset<Row> t = lake.read(Tables.TELEMETRY_LABELS, "telemetry features");
    Row c = t.agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
        org.apache.spark.sql.functions.sum(col("overheat").cast("long")),
        org.apache.spark.sql.functions.sum(col("overheat").isNull().cast("long")),
        org.apache.spark.sql.functions.sum(col("overheat_now").cast("long"))).first();
    return new Result(c.getLong(0), c.isNullAt(1) ? 0 : c.getLong(1), c.isNullAt(2) ? 0 : c.getLong(2),
        c.isNullAt(3) ? 0 : c.getLong(3));
  }

  /** The label rows of a {@code telemetry_1hz} frame. */
  public static Dataset<Row> compute(Dataset<Row> hz, Settings s) {
    int nCh = Tables.TELEMETRY_CHANNELS.size();
    List<String> cols = new ArrayList<>(List.of("ts", "gap"));
    for (String c : Tables.TELEMETRY_CHANNELS) {
      cols.add(c);
      cols.add(Tables.telemetryStat(c, "max"));
    }
    return hz.select("device_id", cols.toArray(new String[0]))
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (device, it) -> {
          List<Row> rows = new ArrayList<>();
          it.forEachRemaining(rows::add);
          rows.sort(Comparator.comparing(r -> r.getTimestamp(1)));
          int n = rows.size();
          long[] second = new long[n];
          boolean[] gap = new boolean[n];
          double[][] mean = new double[nCh][n];
          double[][] max = new double[nCh][n];
          for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            second[i] = Math.floorDiv(r.getTimestamp(1).getTime(), 1000L);
            gap[i] = r.getBoolean(2);
            for (int c = 0; c < nCh; c++) {
              mean[c][i] = r.isNullAt(3 + 2 * c) ? Double.NaN : r.getDouble(3 + 2 * c);
              max[c][i] = r.isNullAt(4 + 2 * c) ? Double.NaN : r.getDouble(4 + 2 * c);
            }
          }
          return rows(device, second, gap, TelemetryFeatures.inputs(second, mean, max, s.temperatureChannels()), s)
              .iterator();
        }, Encoders.row(Tables.TELEMETRY_LABELS_SCHEMA));
  }

  /** The {@code telemetry_labels} rows of one device (gap seconds left out). */
  public static List<Row> rows(String device, long[] second, boolean[] gap, TelemetryFeatures.Inputs in,
      Settings s) {
    int n = second.length;
    int[] start = TelemetryFeatures.segmentStarts(second);
    TelemetryFeatures.Labels lab = TelemetryFeatures.labels(second, in.hottest(), s.thresholdC(), s.horizonS());
    double[] f = new double[TelemetryFeatures.NF];
    List<Row> out = new ArrayList<>();
    int segment = -1;
    for (int i = 0; i < n; i++) {
      if (start[i] == i) segment++;
      if (gap[i]) continue;
      TelemetryFeatures.features(in, i, start[i], f);
      Object[] o = new Object[9 + f.length];
      Instant t = Instant.ofEpochSecond(second[i]);
      o[0] = device;
      o[1] = Date.valueOf(LocalDate.ofInstant(t, ZoneOffset.UTC));
      o[2] = Timestamp.from(t);
      o[3] = segment;
      o[4] = Double.isNaN(lab.overheat()[i]) ? null : lab.overheat()[i] == 1;
      o[5] = lab.overheatNow()[i];
      o[6] = TelemetryAggregateJob.nullIfNaN(lab.deltaT30()[i]);
      o[7] = s.horizonS();
      o[8] = s.thresholdC();
      for (int k = 0; k < f.length; k++) o[9 + k] = TelemetryAggregateJob.nullIfNaN(f[k]);
      out.add(RowFactory.create(o));
    }
    return out;
  }
}
