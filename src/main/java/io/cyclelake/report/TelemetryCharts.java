package io.cyclelake.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Chart;
import io.cyclelake.schema.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Charts of the telemetry section of the dataset report: the hottest device temperature over time per device
 * (downsampled to its maximum per bucket of whole minutes, read from {@code telemetry_1hz}) with the label threshold as
 * a line, and the {@code telemetry qa} figures as bars (gap seconds and quarantined rows per device, missing values per
 * channel and device). Only the per-bucket maxima are collected to the driver.
 */
public final class TelemetryCharts {
  private TelemetryCharts() {}

  /** At most about this many points per device in the temperature chart: the bucket grows in whole minutes. */
  public static final int MAX_POINTS_PER_DEVICE = 720;

  /**
   * The hottest temperature per device: per bucket of {@code bucketS} seconds (x in hours since {@code t0}), the
   * maximum over the bucket's seconds of the per-second maxima of the temperature channels.
   */
  public record Hottest(Instant t0, long bucketS, Map<String, double[][]> byDevice) {}

  /** The per-bucket maxima; null when telemetry_1hz is absent or has no values. */
  public static Hottest hottest(Lake lake, List<String> temperatureChannels) {
    if (!lake.exists(Tables.TELEMETRY_1HZ)) return null;
    Column[] maxima = temperatureChannels.stream().map(c -> col(Tables.telemetryStat(c, "max")))
        .toArray(Column[]::new);
    Column hot = maxima.length == 1 ? maxima[0] : greatest(maxima);
    Dataset<Row> hz = lake.read(Tables.TELEMETRY_1HZ, "telemetry aggregate").where(col("gap").equalTo(false))
        .select(col("device_id"), col("ts").cast("long").as("s"), hot.as("hot")).where(col("hot").isNotNull());
    Row span = hz.agg(min("s"), max("s")).first();
    if (span.isNullAt(0)) return null;
    long s0 = span.getLong(0) / 60 * 60;
    long minutes = (span.getLong(1) - s0) / 60 + 1;
    long bucket = 60 * Math.max(1, (minutes + MAX_POINTS_PER_DEVICE - 1) / MAX_POINTS_PER_DEVICE);
    List<Row> rows = hz.groupBy(col("device_id"), floor(col("s").minus(s0).divide(bucket)).as("b"))
        .agg(max("hot")).orderBy("device_id", "b").collectAsList();
    Map<String, List<double[]>> pts = new LinkedHashMap<>();
    for (Row r : rows) {
      pts.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
          .add(new double[] {r.getLong(1) * bucket / 3600.0, r.getDouble(2)});
    }
    Map<String, double[][]> out = new LinkedHashMap<>();
    pts.forEach((d, p) -> out.put(d, p.toArray(new double[0][])));
    return new Hottest(Instant.ofEpochSecond(s0), bucket, out);
  }

  /** Line chart: one line per device and the threshold as a horizontal line over the whole span. */
  public static Chart hottestChart(Hottest h, double thresholdC) {
    List<Chart.Series> series = new ArrayList<>();
    double xMax = 0;
    for (Map.Entry<String, double[][]> e : h.byDevice().entrySet()) {
      double[][] p = e.getValue();
      double[] x = new double[p.length];
      double[] y = new double[p.length];
      for (int i = 0; i < p.length; i++) {
        x[i] = p[i][0];
        y[i] = p[i][1];
        xMax = Math.max(xMax, x[i]);
      }
      series.add(Chart.Series.points(e.getKey(), x, y));
    }
    series.add(Chart.Series.points("threshold " + thresholdC + " °C", new double[] {0, xMax},
        new double[] {thresholdC, thresholdC}));
    return Chart.line("chart-telemetry-hottest", "Hottest device temperature (max per " + h.bucketS() / 60
        + " min)", "hours since " + h.t0(), "temperature (°C)", series);
  }

  /** Bars per device from the qa table: gap seconds (1 Hz rows without samples) and quarantined rows. */
  public static Chart gapChart(TelemetryQa qa) {
    List<String> devices = new ArrayList<>();
    List<Double> gaps = new ArrayList<>();
    List<Double> quarantined = new ArrayList<>();
    for (List<Object> r : qa.devices()) {
      devices.add((String) r.get(0));
      quarantined.add(((Number) r.get(3)).doubleValue());
      gaps.add(((Number) r.get(7)).doubleValue());
    }
    return Chart.bar("chart-telemetry-gaps", "Gap seconds and quarantined rows per device", "device", "count",
        devices, false, List.of(Chart.Series.bars("gap seconds", gaps), Chart.Series.bars("quarantined rows",
            quarantined)));
  }

  /** Bars per channel, one series per device: the share of raw rows without a value (%). */
  public static Chart missingChart(TelemetryQa qa) {
    Map<String, List<Double>> byDevice = new LinkedHashMap<>();
    List<String> channels = new ArrayList<>();
    for (List<Object> r : qa.channels()) {
      String c = (String) r.get(1);
      if (!channels.contains(c)) channels.add(c);
      byDevice.computeIfAbsent((String) r.get(0), k -> new ArrayList<>()).add(((Number) r.get(3)).doubleValue());
    }
    List<Chart.Series> series = new ArrayList<>();
    byDevice.forEach((d, v) -> series.add(Chart.Series.bars(d, v)));
    return Chart.bar("chart-telemetry-missing", "Raw rows without a value, per channel", "channel", "missing (%)",
        channels, true, series);
  }
}
