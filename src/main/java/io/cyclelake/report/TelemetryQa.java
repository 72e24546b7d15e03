package io.cyclelake.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * Quality of the inverter telemetry (issue 8), for {@code telemetry qa} and the dataset report: per device the raw
 * rows, distinct samples, quarantined rows, first and last time, 1 Hz seconds, gap seconds and segments; per device and
 * channel the values, the share of rows without one, minimum and maximum.
 */
public record TelemetryQa(List<List<Object>> devices, List<List<Object>> channels) {
  public List<String> deviceHeader() {
    return List.of("device", "raw_rows", "distinct_samples", "quarantined", "first", "last", "seconds_1hz",
        "gap_seconds", "segments");
  }

  public List<String> channelHeader() {
    return List.of("device", "channel", "values", "missing_pct", "min", "max");
  }

  public static TelemetryQa of(Lake lake) {
    var raw = lake.read(Tables.TELEMETRY_RAW, "ingest --source inverter");
    List<Column> aggs = new ArrayList<>();
    aggs.add(countDistinct(col("ts")));
    aggs.add(org.apache.spark.sql.functions.min("ts"));
    aggs.add(org.apache.spark.sql.functions.max("ts"));
    for (String c : Tables.TELEMETRY_CHANNELS) {
      aggs.add(count(c));
      aggs.add(org.apache.spark.sql.functions.min(c));
      aggs.add(org.apache.spark.sql.functions.max(c));
    }
    Map<String, long[]> gaps = new HashMap<>();
    if (lake.exists(Tables.TELEMETRY_1HZ)) {
      for (Row r : lake.read(Tables.TELEMETRY_1HZ, "telemetry aggregate").groupBy("device_id")
          .agg(count(lit(1)), sum(col("gap").cast("long")), countDistinct(col("day"), col("segment")))
          .collectAsList()) {
        gaps.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3)});
      }
    }
    Map<String, Long> quarantined = new HashMap<>();
    if (lake.exists(Tables.QUARANTINE)) {
      for (Row r : lake.read(Tables.QUARANTINE, "ingest").where(col("cell_id").isNotNull()
          .and(col("source").equalTo("inverter"))).groupBy("cell_id").count().collectAsList()) {
        quarantined.put(r.getString(0), r.getLong(1));
      }
    }
    List<List<Object>> devices = new ArrayList<>();
    List<List<Object>> channels = new ArrayList<>();
    for (Row r : raw.groupBy("device_id").agg(count(lit(1)), aggs.toArray(new Column[0])).orderBy("device_id")
        .collectAsList()) {
      String d = r.getString(0);
      long n = r.getLong(1);
      long[] g = gaps.getOrDefault(d, new long[3]);
      devices.add(Arrays.asList(d, n, r.getLong(2), quarantined.getOrDefault(d, 0L), String.valueOf(r.get(3)),
          String.valueOf(r.get(4)), g[0], g[1], g[2]));
      int k = 5;
      for (String c : Tables.TELEMETRY_CHANNELS) {
        long v = r.getLong(k);
        channels.add(Arrays.asList(d, c, v, 100.0 * (n - v) / n, r.isNullAt(k + 1) ? Double.NaN : r.getDouble(k + 1),
            r.isNullAt(k + 2) ? Double.NaN : r.getDouble(k + 2)));
        k += 3;
      }
    }
    return new TelemetryQa(devices, channels);
  }

  /** The dataset report's telemetry section. */
  public Section section() {
    return new Section("telemetry", "Inverter telemetry")
        .text(devices.size() + " devices in telemetry_raw; gap seconds are 1 Hz rows without samples (telemetry_1hz), "
            + "quarantined rows are the inverter reader's rejected lines.")
        .table("telemetry-devices", deviceHeader(), devices)
        .table("telemetry-channels", channelHeader(), channels);
  }
}
