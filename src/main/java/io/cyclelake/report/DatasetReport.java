package io.cyclelake.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.cyclelake.lake.Lake;
import io.cyclelake.report.html.Chart;
import io.cyclelake.report.html.HtmlPage;
import io.cyclelake.report.html.Section;
import io.cyclelake.schema.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The dataset report: cells, capacity fade per cell, ICA curves over life of one cell, quarantine by rule and the file
 * manifest. Reads small aggregates of the lake on the driver; only {@code ica_curves} of one cell is collected whole.
 */
public final class DatasetReport {
  private DatasetReport() {}

  /**
   * What to draw. {@code icaCell} null = the first cell (by id) that has ICA curves of {@code icaCycleType}.
   * {@code telemetryChannels} are the temperatures whose maximum is the hottest device temperature and
   * {@code telemetryThresholdC} its label threshold ({@code cyclelake.telemetry.labels}).
   */
  public record Options(String icaCell, String icaCycleType, int icaMaxCurves, int quarantineExamples,
      String featureHash, List<String> telemetryChannels, double telemetryThresholdC) {

    /** Telemetry settings from {@code reference.conf}'s {@code cyclelake.telemetry.labels}. */
    public Options(String icaCell, String icaCycleType, int icaMaxCurves, int quarantineExamples,
        String featureHash) {
      this(icaCell, icaCycleType, icaMaxCurves, quarantineExamples, featureHash,
          com.typesafe.config.ConfigFactory.defaultReference()
              .getStringList("cyclelake.telemetry.labels.temperature-channels"),
          com.typesafe.config.ConfigFactory.defaultReference().getDouble("cyclelake.telemetry.labels.threshold-c"));
    }
  }

  /**
   * The report of a lake with battery cycles, inverter telemetry or both: the battery sections need {@code cycles},
   * the telemetry section {@code telemetry_raw}; a lake with neither is an error.
   */
  public static HtmlPage build(Lake lake, Options o) {
    HtmlPage page = new HtmlPage("CycleLake dataset report").fact("lake", lake.root())
        .fact("generated", java.time.Instant.now().toString());
    boolean telemetry = lake.exists(Tables.TELEMETRY_RAW);
    if (lake.exists(Tables.CYCLES) || !telemetry) {
      Dataset<Row> cycles = lake.read(Tables.CYCLES, "ingest");
      page.add(cells(cycles));
      page.add(fade(cycles));
      page.add(ica(lake, o));
    }
    page.add(quarantine(lake.readOrEmpty(Tables.QUARANTINE, Tables.QUARANTINE_SCHEMA), o.quarantineExamples()));
    page.add(files(lake.readOrEmpty(Tables.FILES, Tables.FILES_SCHEMA)));
    if (telemetry) page.add(telemetry(lake, o));
    return page;
  }

  /** The {@code telemetry qa} tables with their charts ({@link TelemetryCharts}). */
  static Section telemetry(Lake lake, Options o) {
    TelemetryQa qa = TelemetryQa.of(lake);
    Section s = qa.section();
    TelemetryCharts.Hottest h = TelemetryCharts.hottest(lake, o.telemetryChannels());
    if (h == null) {
      s.text("No temperature chart: telemetry_1hz is missing or has no values; run `cyclelake telemetry aggregate`.");
    } else {
      s.text("Hottest device temperature (maximum of " + String.join(", ", o.telemetryChannels()) + " per second, "
          + "from telemetry_1hz), downsampled to its maximum per " + h.bucketS() / 60 + " min, against the label "
          + "threshold of " + o.telemetryThresholdC() + " °C. Buckets without any sample are not drawn (see the gap "
          + "seconds below).").chart(TelemetryCharts.hottestChart(h, o.telemetryThresholdC()));
    }
    return s.chart(TelemetryCharts.gapChart(qa)).chart(TelemetryCharts.missingChart(qa));
  }

  static Section cells(Dataset<Row> cycles) {
    List<Row> rows = cycles.groupBy("cell_id").agg(
            min("source").as("source"),
            min("ambient_temperature_c").as("t_min"), max("ambient_temperature_c").as("t_max"),
            count(org.apache.spark.sql.functions.when(col("cycle_type").equalTo("discharge"), 1)).as("discharges"),
            count(org.apache.spark.sql.functions.when(col("cycle_type").equalTo("charge"), 1)).as("charges"),
            count(org.apache.spark.sql.functions.when(col("cycle_type").equalTo("impedance"), 1)).as("impedance"),
            count(org.apache.spark.sql.functions.lit(1)).as("operations"),
            sum("n_samples").as("samples"), sum("n_quarantined").as("quarantined"))
        .orderBy("cell_id").collectAsList();
    List<List<Object>> t = new ArrayList<>();
    for (Row r : rows) {
      Object tMin = r.get(2);
      Object tMax = r.get(3);
      Object temp = tMin == null ? null : tMin.equals(tMax) ? tMin : Html.range(tMin, tMax);
      t.add(Arrays.asList(r.get(0), r.get(1), temp, r.get(4), r.get(5), r.get(6), r.get(7), r.get(8), r.get(9)));
    }
    return new Section("cells", "Cells").text(rows.size() + " cells in the lake (table cycles).")
        .table("cells-table", List.of("cell", "source", "temperature °C", "discharges", "charges", "impedance",
            "operations", "samples", "quarantined rows"), t);
  }

  static Section fade(Dataset<Row> cycles) {
    List<Row> rows = cycles.where(col("cycle_type").equalTo("discharge"))
        .select("cell_id", "cycle_index", "capacity_ah").orderBy("cell_id", "cycle_index").collectAsList();
    Map<String, List<double[]>> byCell = new LinkedHashMap<>();
    long missing = 0;
    Map<String, Integer> number = new LinkedHashMap<>();
    for (Row r : rows) {
      String cell = r.getString(0);
      int n = number.merge(cell, 1, Integer::sum);
      if (r.isNullAt(2)) {
        missing++;
        continue;
      }
      byCell.computeIfAbsent(cell, k -> new ArrayList<>()).add(new double[] {n, r.getDouble(2)});
    }
    List<Chart.Series> series = new ArrayList<>();
    byCell.forEach((cell, pts) -> series.add(Chart.Series.points(cell, pts.stream().mapToDouble(p -> p[0]).toArray(),
        pts.stream().mapToDouble(p -> p[1]).toArray())));
    return new Section("capacity-fade", "Capacity fade").text("Discharge capacity (cycles.capacity_ah, as the source "
            + "counted it) against the discharge number (1 = the cell's first discharge), one line per cell. "
            + (missing == 0 ? "Every discharge has a capacity." : missing + " discharges without a capacity are not "
            + "plotted (they keep their number)."))
        .chart(Chart.line("chart-fade", "Discharge capacity per cell", "discharge number", "capacity (Ah)", series));
  }

  static Section ica(Lake lake, Options o) {
    Section s = new Section("ica", "ICA curves over life");
    if (!lake.exists(Tables.ICA_CURVES)) {
      return s.text("The lake has no ica_curves table yet: run `cyclelake features`.");
    }
    Dataset<Row> curves = lake.read(Tables.ICA_CURVES, "features")
        .where(col(Tables.FEATURE_HASH).equalTo(o.featureHash()).and(col("cycle_type").equalTo(o.icaCycleType())));
    String cell = o.icaCell();
    if (cell == null) {
      Row first = curves.select(min("cell_id")).first();
      if (first.isNullAt(0)) {
        return s.text("No " + o.icaCycleType() + " ICA curves for the current feature settings (hash "
            + o.featureHash() + "): run `cyclelake features`.");
      }
      cell = first.getString(0);
    }
    List<Row> rows = curves.where(col("cell_id").equalTo(cell)).select("cycle_index", "voltage_v", "dqdv_ah_per_v")
        .orderBy("cycle_index").collectAsList();
    if (rows.isEmpty()) return s.text("Cell " + cell + " has no " + o.icaCycleType() + " ICA curves.");
    List<Row> shown = evenly(rows, o.icaMaxCurves());
    List<Chart.Series> series = new ArrayList<>();
    for (Row r : shown) {
      int cycle = r.getInt(0);
      series.add(Chart.Series.line("cycle " + cycle, doubles(r.getList(1)), doubles(r.getList(2)), cycle));
    }
    int c0 = rows.get(0).getInt(0);
    int c1 = rows.get(rows.size() - 1).getInt(0);
    long cellsWithCurves = curves.select(countDistinct("cell_id")).first().getLong(0);
    return s.text("|dQ/dV| of cell " + cell + "'s " + o.icaCycleType() + " operations on their voltage grid "
            + "(table ica_curves), coloured by cycle_index from " + c0 + " to " + c1 + ": " + shown.size() + " of "
            + rows.size() + " curves" + (shown.size() < rows.size() ? ", evenly spaced over life" : "")
            + ". Grid points outside the measured range (NaN) are not drawn. " + cellsWithCurves
            + " cells have curves; choose another with `--cell`.")
        .chart(Chart.coloredLines("chart-ica", "ICA, cell " + cell + " (" + o.icaCycleType() + ")", "voltage (V)",
            "|dQ/dV| (Ah/V)", new Chart.ColorScale("cycle", c0, c1), series));
  }

  /** At most {@code max} rows, evenly spaced, always keeping the first and the last. */
  public static <T> List<T> evenly(List<T> rows, int max) {
    if (rows.size() <= max) return rows;
    List<T> out = new ArrayList<>(max);
    for (int i = 0; i < max; i++) out.add(rows.get((int) Math.round(i * (rows.size() - 1) / (double) (max - 1))));
    return out;
  }

  static Section quarantine(Dataset<Row> q, int examples) {
    List<Row> byRule = q.groupBy("rule").agg(count(org.apache.spark.sql.functions.lit(1)).as("rows"),
        countDistinct("source_file").as("files")).orderBy(col("rows").desc(), col("rule")).collectAsList();
    Section s = new Section("quarantine", "Quarantine");
    long total = byRule.stream().mapToLong(r -> r.getLong(1)).sum();
    if (total == 0) return s.text("No input row was quarantined.");
    s.text(total + " input rows were quarantined, by rule:");
    List<String> rules = byRule.stream().map(r -> r.getString(0)).toList();
    s.chart(Chart.bar("chart-quarantine", "Quarantined rows by rule", "rule", "rows", rules, false,
        List.of(Chart.Series.bars("rows", byRule.stream().map(r -> (double) r.getLong(1)).toList()))));
    List<List<Object>> t = new ArrayList<>();
    for (Row r : byRule) t.add(Arrays.asList(r.get(0), r.get(1), r.get(2)));
    s.table("quarantine-rules", List.of("rule", "rows", "files"), t);
    List<List<Object>> e = quarantineExamples(q, examples);
    return s.text("Up to " + examples + " examples per rule (first by file and line):")
        .table("quarantine-examples", QUARANTINE_EXAMPLE_COLUMNS, e);
  }

  static Section files(Dataset<Row> f) {
    List<Row> rows = f.groupBy("source", "role", "status").agg(count(org.apache.spark.sql.functions.lit(1)).as("n"),
            sum("size_bytes").as("bytes"), sum("rows_read").as("read"), sum("rows_accepted").as("accepted"),
            sum("rows_quarantined").as("quarantined"), max("ingested_at").as("last"))
        .orderBy("source", "role", "status").collectAsList();
    Section s = new Section("files", "File manifest");
    if (rows.isEmpty()) return s.text("The files table is empty: nothing has been ingested.");
    List<List<Object>> t = new ArrayList<>();
    for (Row r : rows) {
      t.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7),
          String.valueOf(r.get(8))));
    }
    s.text("Raw files read, from the manifest (table files), by source, role and status.")
        .table("files-summary", List.of("source", "role", "status", "files", "bytes", "rows read", "rows accepted",
            "rows quarantined", "last ingest"), t);
    List<Row> failed = f.where(col("status").notEqual("ok")).select("path", "status", "error").orderBy("path")
        .collectAsList();
    if (!failed.isEmpty()) {
      List<List<Object>> ft = new ArrayList<>();
      for (Row r : failed) ft.add(Arrays.asList(r.get(0), r.get(1), r.get(2)));
      s.text(failed.size() + " files did not read cleanly:").table("files-failed", List.of("path", "status",
          "error"), ft);
    }
    return s;
  }

  static double[] doubles(List<Object> l) {
    double[] d = new double[l.size()];
    for (int i = 0; i < d.length; i++) d[i] = l.get(i) == null ? Double.NaN : ((Number) l.get(i)).doubleValue();
    return d;
  }

  /** Small formatting helpers for cells of the tables. */
  static final class Html {
    private Html() {}

    static String range(Object a, Object b) {
      return io.cyclelake.report.html.Html.format(a) + " – " + io.cyclelake.report.html.Html.format(b);
    }
  }

  /** Column names of the rows {@link #quarantineExamples} gives. */
  public static final List<String> QUARANTINE_EXAMPLE_COLUMNS =
      List.of("rule", "file", "line", "column", "field", "message", "raw");

  /** The first {@code examples} quarantine rows of each rule (by file and line), raw text cut to 120 characters. */
  public static List<List<Object>> quarantineExamples(Dataset<Row> q, int examples) {
    org.apache.spark.sql.expressions.WindowSpec w = org.apache.spark.sql.expressions.Window.partitionBy("rule")
        .orderBy("source_file", "source_line");
    List<Row> ex = q.withColumn("k", org.apache.spark.sql.functions.row_number().over(w))
        .where(col("k").leq(examples)).orderBy("rule", "k")
        .select("rule", "source_file", "source_line", "source_column", "column_name", "message", "raw")
        .collectAsList();
    List<List<Object>> e = new ArrayList<>();
    for (Row r : ex) {
      String raw = r.isNullAt(6) ? null : r.getString(6);
      if (raw != null && raw.length() > 120) raw = raw.substring(0, 117) + "...";
      e.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), raw));
    }
    return e;
  }
}
