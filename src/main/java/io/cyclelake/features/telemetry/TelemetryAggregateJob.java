package io.cyclelake.features.telemetry;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
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
import org.apache.spark.util.LongAccumulator;

/**
 * {@code telemetry_raw} → {@code telemetry_1hz}: the raw rows of each device and day are grouped in one Spark task,
 * ordered by time (then file and line, so the sample kept among repeats is deterministic), and handed to
 * {@link Resample1Hz}. Partitioned by device and day, and incremental by device-day ({@link DeviceDays}): only the
 * device-days whose raw rows changed since the last run (or whose max-gap setting differs) are aggregated again and
 * replace their partitions in one Delta transaction ({@code replaceWhere}); device-days gone from telemetry_raw are
 * deleted in the same transaction; with nothing changed nothing is written. The first run writes the table whole.
 */
public final class TelemetryAggregateJob {
  private TelemetryAggregateJob() {}

  /**
   * Rows of the table, gap rows among them, segments, raw rows; repeated samples dropped and repeats with other values
   * among the raw rows aggregated by this run; device-days aggregated (all of them on a full run), deleted and left
   * as they were.
   */
  public record Result(long rows, long gapRows, long segments, long rawRows, long duplicates, long conflicts,
      boolean full, int deviceDaysWritten, int deviceDaysDeleted, int deviceDaysUnchanged) {}

  public static Result run(Lake lake, int maxGapS) {
    Dataset<Row> raw = lake.read(Tables.TELEMETRY_RAW, "ingest --source inverter");
    DeviceDays.Plan plan = DeviceDays.plan(lake, raw, Tables.TELEMETRY_1HZ, Tables.TELEMETRY_1HZ_INPUTS,
        "max-gap-s=" + maxGapS);
    LongAccumulator dup = lake.spark().sparkContext().longAccumulator("duplicates");
    LongAccumulator conf = lake.spark().sparkContext().longAccumulator("conflicts");
    if (plan.full()) {
      aggregate(raw, maxGapS, dup, conf).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
          .partitionBy("device_id", "day").save(lake.path(Tables.TELEMETRY_1HZ));
    } else if (!plan.nothing()) {
      Dataset<Row> changed = raw.where(DeviceDays.predicate(plan.changed()));
      java.util.Set<DeviceDays.Key> replaced = new java.util.TreeSet<>(plan.changed());
      replaced.addAll(plan.removed());
      lake.replace(aggregate(changed, maxGapS, dup, conf), Tables.TELEMETRY_1HZ, DeviceDays.predicate(replaced),
          "device_id", "day");
    }
    DeviceDays.commit(lake, plan, Tables.TELEMETRY_1HZ_INPUTS);
    Dataset<Row> t = lake.read(Tables.TELEMETRY_1HZ, "telemetry aggregate");
    long rows = t.count();
    long gaps = t.where(col("gap")).count();
    long segments = t.select("device_id", "day", "segment").distinct().count();
    return new Result(rows, gaps, segments, raw.count(), dup.value(), conf.value(), plan.full(),
        plan.changed().size(), plan.removed().size(), plan.unchanged());
  }

  /** The 1 Hz rows of {@code raw} (a frame of {@code TELEMETRY_RAW_SCHEMA}). */
  public static Dataset<Row> aggregate(Dataset<Row> raw, int maxGapS, LongAccumulator dup, LongAccumulator conf) {
    int nCh = Tables.TELEMETRY_CHANNELS.size();
    return raw.select("device_id", channelsAnd("day", "ts"))
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0) + "\u0000" + r.getDate(1), Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (key, it) -> {
          List<Row> rows = new ArrayList<>();
          it.forEachRemaining(rows::add);
          rows.sort(Comparator.<Row>comparingLong(r -> micros(r.getTimestamp(2)))
              .thenComparing(r -> r.getString(3 + nCh)).thenComparingLong(r -> r.getLong(4 + nCh)));
          long[] t = new long[rows.size()];
          double[][] v = new double[nCh][rows.size()];
          for (int i = 0; i < t.length; i++) {
            Row r = rows.get(i);
            t[i] = micros(r.getTimestamp(2));
            for (int c = 0; c < nCh; c++) v[c][i] = r.isNullAt(3 + c) ? Double.NaN : r.getDouble(3 + c);
          }
          Resample1Hz.Result res = Resample1Hz.aggregate(t, v, maxGapS);
          dup.add(res.duplicates());
          conf.add(res.conflicts());
          return toRows(rows.get(0).getString(0), res).iterator();
        }, Encoders.row(Tables.TELEMETRY_1HZ_SCHEMA));
  }

  /** The {@code telemetry_1hz} rows of one device's aggregation result. */
  public static List<Row> toRows(String device, Resample1Hz.Result res) {
    int nCh = Tables.TELEMETRY_CHANNELS.size();
    List<Row> out = new ArrayList<>(res.rows());
    for (int k = 0; k < res.rows(); k++) {
      Object[] o = new Object[6 + 3 * nCh];
      Instant t = Instant.ofEpochSecond(res.second()[k]);
      o[0] = device;
      o[1] = Date.valueOf(LocalDate.ofInstant(t, ZoneOffset.UTC));
      o[2] = Timestamp.from(t);
      o[3] = res.segment()[k];
      o[4] = res.count()[k];
      o[5] = res.count()[k] == 0;
      for (int c = 0; c < nCh; c++) {
        o[6 + 3 * c] = nullIfNaN(res.mean()[c][k]);
        o[7 + 3 * c] = nullIfNaN(res.min()[c][k]);
        o[8 + 3 * c] = nullIfNaN(res.max()[c][k]);
      }
      out.add(RowFactory.create(o));
    }
    return out;
  }

  static Object nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }

  static long micros(Timestamp ts) {
    return ts.getTime() / 1000 * 1_000_000L + (ts.getNanos() / 1000) % 1_000_000L;
  }

  /** day, ts, the channels, source_file, source_line. */
  private static String[] channelsAnd(String... first) {
    List<String> c = new ArrayList<>(List.of(first));
    c.addAll(Tables.TELEMETRY_CHANNELS);
    c.addAll(List.of("source_file", "source_line"));
    return c.toArray(new String[0]);
  }
}
