package io.cyclelake.cli;

import static org.apache.spark.sql.functions.col;

import io.cyclelake.lake.Lake;
import io.cyclelake.report.TextTable;
import io.cyclelake.schema.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true, description = "Print the metrics of the latest runs.")
final class ReportCommand extends LakeCommand {
  @Option(names = "--runs", paramLabel = "N", description = "How many runs (default: cyclelake.report.latest-runs).")
  Integer runs;

  @Override
  int execute() {
    int n = runs != null ? runs : common.config().getInt("cyclelake.report.latest-runs");
    TextTable t = latestRuns(common.openLake(), n);
    System.out.println("latest " + n + " runs:");
    t.print(System.out);
    return 0;
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
