package io.cyclelake.cli;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.DatasetReport;
import io.cyclelake.report.RunReport;
import io.cyclelake.report.SweepHtmlReport;
import io.cyclelake.report.html.HtmlPage;
import java.nio.file.Path;
import io.cyclelake.report.TextTable;
import io.cyclelake.schema.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true, description = {
    "Print the metrics of the latest runs or of a sweep, or write self-contained HTML reports:",
    "  --sweep ID         per-fold test metrics and mean ± sd per model (text)",
    "  --sweep ID --html  fold x spec metrics, best settings, bars with error bars, loss curves (HTML)",
    "  --dataset          cells, capacity fade, ICA curves over life, quarantine, file manifest; inverter",
    "                     telemetry (qa tables, hottest temperature, gaps) when the lake holds it",
    "  --run ID|latest    metrics, predicted vs actual, residuals by cell and cycle, feature importance"})
final class ReportCommand extends LakeCommand {
  @Option(names = "--runs", paramLabel = "N", description = "How many runs (default: cyclelake.report.latest-runs).")
  Integer runs;

  @Option(names = "--sweep", paramLabel = "ID", description = "Print a sweep's test metrics per fold and their "
      + "mean ± sd per model and settings (best first) instead.")
  String sweep;

  @Option(names = "--html", description = "With --sweep: write the sweep's HTML report instead of printing text.")
  boolean html;

  @Option(names = "--dataset", description = "Write the dataset report (HTML).")
  boolean dataset;

  @Option(names = "--run", paramLabel = "ID", description = "Write the report of run ID, or of the latest run (HTML).")
  String run;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Where to write the one report asked for (default: cyclelake.report.dir/dataset.html, "
          + "run-<id>.html or sweep-<id>.html).")
  Path out;

  @Option(names = "--cell", paramLabel = "CELL", description = "Cell whose ICA curves the dataset report draws "
      + "(default: cyclelake.report.ica-cell, else the first).")
  String cell;

  @Override
  int execute() {
    if (html && sweep == null) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--html goes with --sweep ID (the dataset and run "
          + "reports are always HTML)");
    }
    if (sweep != null) {
      if (dataset || run != null) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--sweep cannot be combined with --dataset or --run; "
            + "ask for one report at a time");
      }
      if (html) {
        System.out.println("sweep report: " + writeSweep(common.config(), common.openLake(), sweep, out));
      } else {
        printSweep(common.openLake(), sweep, System.out);
      }
      return 0;
    }
    if (dataset || run != null) {
      if (dataset && run != null && out != null) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--out names one file but both --dataset and --run "
            + "were given; write them one at a time or leave --out out");
      }
      Lake lake = common.openLake();
      if (dataset) System.out.println("dataset report: " + writeDataset(common.config(), lake, cell, out));
      if (run != null) System.out.println("run report: " + writeRun(common.config(), lake, run, out));
      return 0;
    }
    int n = runs != null ? runs : common.config().getInt("cyclelake.report.latest-runs");
    TextTable t = latestRuns(common.openLake(), n);
    System.out.println("latest " + n + " runs:");
    t.print(System.out);
    return 0;
  }

  static void printSweep(Lake lake, String id, java.io.PrintStream out) {
    List<String> fc = List.of("model", "params", "fold", "n", "mae", "rmse", "r2", "max_error", "coverage");
    TextTable folds = new TextTable(fc);
    for (Row r : io.cyclelake.sweep.SweepReport.perFold(lake, id)) folds.add(values(r, fc.size()));
    out.println("sweep " + id + ": test metrics per fold");
    folds.print(out);
    List<String> ac = List.of("model", "params", "folds", "failed", "mae_mean", "mae_sd", "rmse_mean", "r2_mean",
        "coverage_mean", "interval_level");
    TextTable agg = new TextTable(ac);
    for (Row r : io.cyclelake.sweep.SweepReport.aggregate(lake, id)) agg.add(values(r, ac.size()));
    out.println("mean ± sd over folds, best first:");
    agg.print(out);
  }

  private static List<Object> values(Row r, int n) {
    Object[] v = new Object[n];
    for (int i = 0; i < n; i++) v[i] = r.get(i);
    return java.util.Arrays.asList(v);
  }

  /** Writes the dataset report to {@code out} (null = the report folder) and returns its path. */
  static Path writeDataset(Config c, Lake lake, String cell, Path out) {
    Config r = c.getConfig("cyclelake.report");
    String ica = cell != null ? cell : r.getString("ica-cell").isEmpty() ? null : r.getString("ica-cell");
    HtmlPage page = DatasetReport.build(lake, new DatasetReport.Options(ica, r.getString("ica-cycle-type"),
        r.getInt("ica-max-curves"), r.getInt("quarantine-examples"), ConfigRender.hash(c, "cyclelake.features"),
        c.getStringList("cyclelake.telemetry.labels.temperature-channels"),
        c.getDouble("cyclelake.telemetry.labels.threshold-c")));
    // Data sheets describe battery datasets (table cycles); a lake of inverter telemetry only has none.
    List<String> sheets = lake.exists(io.cyclelake.schema.Tables.CYCLES)
        ? io.cyclelake.report.card.DataSheet.datasets(lake) : List.of();
    for (String ds : sheets) {
      page.add(io.cyclelake.report.card.DataSheet.build(lake, DatasheetCommand.options(c, ds)));
    }
    return page.write(out != null ? out : Path.of(r.getString("dir"), "dataset.html"));
  }

  /** Writes the report of run {@code id} ({@code latest} = the newest) and returns its path. */
  static Path writeRun(Config c, Lake lake, String id, Path out) {
    String runId = RunReport.resolve(lake, id);
    return RunReport.build(lake, runId).write(out != null ? out
        : Path.of(c.getString("cyclelake.report.dir"), "run-" + runId + ".html"));
  }

  /** Writes the HTML report of sweep {@code id} and returns its path. */
  static Path writeSweep(Config c, Lake lake, String id, Path out) {
    return SweepHtmlReport.build(lake, id).write(out != null ? out
        : Path.of(c.getString("cyclelake.report.dir"), "sweep-" + id + ".html"));
  }

  static TextTable latestRuns(Lake lake, int n) {
    Dataset<Row> runs = lake.read(Tables.RUNS, "train");
    Dataset<Row> latest = runs.groupBy("run_id").agg(org.apache.spark.sql.functions.max("created_at").as("t"))
        .orderBy(col("t").desc()).limit(n).select("run_id");
    List<String> cols = List.of("run_id", "created_at", "task", "model", "split", "cells", "part", "n", "mae", "rmse",
        "mape_pct", "r2", "within_5pct");
    List<Row> rows = runs.join(latest, "run_id")
        .select(cols.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .orderBy(col("created_at").desc(), col("run_id"),
            org.apache.spark.sql.functions.expr(
                "CASE part WHEN 'train' THEN 0 WHEN 'validation' THEN 1 ELSE 2 END"))
        .collectAsList();
    TextTable t = new TextTable(cols);
    for (Row r : rows) {
      Object[] v = new Object[cols.size()];
      for (int i = 0; i < v.length; i++) v[i] = r.get(i);
      String cells = (String) v[5];
      if (cells.length() > 40) v[5] = cells.substring(0, 37) + "...";
      t.add(java.util.Arrays.asList(v));
    }
    return t;
  }
}
