package io.cyclelake.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cyclelake telemetry demo` on a tiny fleet (generate → ingest → aggregate → features → train → closed-loop derating
 * → predict on a new log), then `predict --task overheat` through the command line. The label threshold is lowered so
 * that 40 minutes of logs hold overheating events in every part of the split.
 */
class TelemetryPipelineTest {
  @TempDir static Path dir;
  static Lake lake;
  static String out;
  static int exit;

  static final String[] SETTINGS = {
      "--set", "telemetry.generate.devices=2", "--set", "telemetry.generate.hours=0.67",
      "--set", "telemetry.generate.part-minutes=20", "--set", "telemetry.generate.faults-per-hour=3",
      "--set", "telemetry.labels.threshold-c=62", "--set", "telemetry.train.embargo-s=60",
      "--set", "telemetry.xgboost.num-round=30", "--set", "model.xgboost.num-round=20",
      "--set", "telemetry.derating.evaluate-devices=1", "--set", "telemetry.derating.evaluate-hours=0.1"};

  static int run(ByteArrayOutputStream buf, String... args) {
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      return CycleLake.execute(args);
    } finally {
      System.setOut(old);
    }
  }

  @BeforeAll
  static void demo() {
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<String> args = new java.util.ArrayList<>(List.of("telemetry", "demo", "--lake", lake.root(), "--data",
        dir.resolve("data").toString(), "--set", "report.dir=\"" + dir.resolve("reports") + "\""));
    args.addAll(List.of(SETTINGS));
    exit = run(buf, args.toArray(new String[0]));
    out = buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theDemoRunsEveryStepAndPrintsItsFigures() {
    assertEquals(0, exit, out);
    assertTrue(out.contains("rows repeated by overlapping files"), out);
    assertTrue(out.contains("overheat | model    | xgboost"), out);
    assertTrue(out.contains("overheat | baseline | logistic"), out);
    assertTrue(out.contains("overheating events avoided:"), out);
    // every accepted row is in telemetry_raw; the planted n/a values are in quarantine
    long raw = lake.read(Tables.TELEMETRY_RAW, "ingest").count();
    long q = lake.read(Tables.QUARANTINE, "ingest").where(col("source").equalTo("inverter")).count();
    long files = lake.read(Tables.FILES, "ingest").where(col("source").equalTo("inverter")).count();
    assertEquals(files, q); // one planted value per file
    assertTrue(out.contains("= " + raw + " rows accepted + " + q + " quarantined"), out);
    // runs: 2 classifiers + 2 regressors × 3 parts, + persistence on test
    List<Row> runs = lake.read(Tables.TELEMETRY_RUNS, "telemetry train").collectAsList();
    assertEquals(13, runs.size());
    Row test = lake.read(Tables.TELEMETRY_RUNS, "x").where(col("task").equalTo("overheat")
        .and(col("role").equalTo("model")).and(col("part").equalTo("test"))).first();
    assertTrue(test.getLong(test.fieldIndex("positives")) > 0, "the test part holds overheating rows");
    double prAuc = test.getDouble(test.fieldIndex("pr_auc"));
    assertTrue(prAuc > 0 && prAuc <= 1, "PR AUC " + prAuc);
    // no overlap between parts: train ends before validation starts, validation before test
    List<Row> parts = lake.read(Tables.TELEMETRY_RUNS, "x").where(col("task").equalTo("overheat")
        .and(col("role").equalTo("model"))).orderBy("t_from").collectAsList();
    assertEquals(List.of("train", "validation", "test"), parts.stream().map(r -> r.getString(5)).toList());
    for (int k = 1; k < 3; k++) {
      assertTrue(parts.get(k - 1).getTimestamp(7).before(parts.get(k).getTimestamp(6)));
    }
  }

  @Test
  void qaCountsPerDeviceAndChannel() {
    assertEquals(0, exit, out);
    io.cyclelake.report.TelemetryQa qa = io.cyclelake.report.TelemetryQa.of(lake);
    assertEquals(2, qa.devices().size());
    long rows = qa.devices().stream().mapToLong(r -> (Long) r.get(1)).sum();
    long quarantined = qa.devices().stream().mapToLong(r -> (Long) r.get(3)).sum();
    assertEquals(lake.read(Tables.TELEMETRY_RAW, "ingest").count(), rows);
    assertEquals(lake.read(Tables.QUARANTINE, "ingest").where(col("source").equalTo("inverter")).count(), quarantined);
    assertEquals(2 * Tables.TELEMETRY_CHANNELS.size(), qa.channels().size());
    // the planted n/a values are in the heat-sink column: that channel alone misses nothing in raw (rows quarantined)
    assertEquals(0.0, (Double) qa.channels().get(0).get(3));
    assertEquals("telemetry", qa.section().id());
    assertEquals(0, run(new ByteArrayOutputStream(), "telemetry", "qa", "--lake", lake.root()));
  }

  @Test
  void predictWritesTimestampedPredictionsToDeltaAndCsv() throws Exception {
    assertEquals(0, exit, out);
    Path log = dir.resolve("data").resolve("new-log");
    Path csv = dir.resolve("p.csv");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<String> args = new java.util.ArrayList<>(List.of("predict", "--task", "overheat", "--run", "latest",
        "--input", log.toString(), "--out", csv.toString(), "--lake", lake.root()));
    args.addAll(List.of(SETTINGS));
    assertEquals(0, run(buf, args.toArray(new String[0])), buf.toString(StandardCharsets.UTF_8));
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.get(0).startsWith("run_id,device_id,ts,temp_hottest_c,overheat_probability,warning,"));
    assertTrue(lines.size() > 2 * 5000, "one row per second of two 1.5 h logs: " + lines.size());
    assertTrue(lines.get(1).matches("^[^,]+,INV01,2026-07-01T08:00:0\\dZ,.*"), lines.get(1));
    // the demo predicted the same log once already; this run appended the same rows again
    long n = lake.read(Tables.TELEMETRY_PREDICTIONS, "predict").count();
    assertEquals(2L * (lines.size() - 1), n);
    Row r = lake.read(Tables.TELEMETRY_PREDICTIONS, "predict").where(col("recommended_power_limit_pct").lt(100))
        .select("advice").limit(1).collectAsList().stream().findFirst().orElse(null);
    if (r != null) assertTrue(r.getString(0).startsWith("limit power to "), r.getString(0));
    assertEquals(2, run(new ByteArrayOutputStream(), "predict", "--task", "soc", "--input", log.toString(),
        "--lake", lake.root()));
  }
}
