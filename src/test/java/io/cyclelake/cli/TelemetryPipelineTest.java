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
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
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
      "--set", "telemetry.xgboost-spark.num-round=20", "--set", "model.xgboost-spark.num-round=20",
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
    // the Spark ML models, trained as Spark jobs, beside them
    assertTrue(out.contains("overheat | compare  | mllib-logistic"), out);
    assertTrue(out.contains("overheat | compare  | xgboost-spark"), out);
    assertTrue(out.contains("delta_t | compare  | mllib-ridge"), out);
    assertTrue(out.contains("delta_t | compare  | xgboost-spark"), out);
    assertTrue(out.contains("overheating events avoided:"), out);
    // every accepted row is in telemetry_raw; the planted n/a values are in quarantine
    long raw = lake.read(Tables.TELEMETRY_RAW, "ingest").count();
    long q = lake.read(Tables.QUARANTINE, "ingest").where(col("source").equalTo("inverter")).count();
    long files = lake.read(Tables.FILES, "ingest").where(col("source").equalTo("inverter")).count();
    assertEquals(files, q); // one planted value per file
    assertTrue(out.contains("= " + raw + " rows accepted + " + q + " quarantined"), out);
    // runs: (2 + 2 compared) classifiers + (2 + 2 compared) regressors × 3 parts, + persistence on test
    String firstRun = lake.read(Tables.TELEMETRY_RUNS, "x").orderBy("created_at").first().getString(0);
    List<Row> runs = lake.read(Tables.TELEMETRY_RUNS, "telemetry train").where(col("run_id").equalTo(firstRun))
        .collectAsList();
    assertEquals(25, runs.size());
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

  /** `report --dataset` on this lake, which holds telemetry tables only (no battery `cycles`). */
  @Test
  void datasetReportChartsTheTelemetryWithTheLakesNumbers() throws Exception {
    assertEquals(0, exit, out);
    assertTrue(!lake.exists(Tables.CYCLES), "the demo's lake has no battery tables");
    Path html = dir.resolve("dataset.html");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<String> args = new java.util.ArrayList<>(List.of("report", "--dataset", "--out", html.toString(), "--lake",
        lake.root()));
    args.addAll(List.of(SETTINGS));
    assertEquals(0, run(buf, args.toArray(new String[0])), buf.toString(StandardCharsets.UTF_8));
    org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(Files.readString(html));
    List<String> sections = doc.select("section").stream().map(org.jsoup.nodes.Element::id).toList();
    assertTrue(sections.containsAll(List.of("quarantine", "files", "telemetry")) && !sections.contains("cells"),
        sections.toString());
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    var hottest = json.readTree(doc.getElementById("chart-telemetry-hottest-data").data());
    // the lake's numbers: per device and minute, the max of the per-second maxima of the two temperatures
    List<Row> expected = lake.read(Tables.TELEMETRY_1HZ, "x").where("not gap")
        .selectExpr("device_id", "cast(ts as long) as s", "greatest(igbt_temp_max_c, heatsink_temp_max_c) as hot")
        .where("hot is not null").groupBy(col("device_id"), org.apache.spark.sql.functions.expr("floor(s / 60)")
            .as("m")).agg(org.apache.spark.sql.functions.max("hot")).orderBy("device_id", "m").collectAsList();
    long m0 = expected.stream().mapToLong(r -> r.getLong(1)).min().orElseThrow();
    var series = hottest.get("series");
    assertEquals(3, series.size(), "two devices and the threshold");
    int k = 0;
    for (int d = 0; d < 2; d++) {
      var pts = series.get(d).get("points");
      for (var p : pts) {
        Row e = expected.get(k++);
        assertEquals(e.getString(0), series.get(d).get("name").asText());
        assertEquals((e.getLong(1) - m0) / 60.0, p.get(0).asDouble(), 1e-9);
        assertEquals(e.getDouble(2), p.get(1).asDouble(), 0.0);
      }
    }
    assertEquals(expected.size(), k, "every minute with data is a point");
    var threshold = series.get(2);
    assertEquals(62.0, threshold.get("points").get(0).get(1).asDouble(), 0.0, "the label threshold of SETTINGS");
    // gap bars equal the gap seconds of telemetry_1hz per device
    var gaps = json.readTree(doc.getElementById("chart-telemetry-gaps-data").data());
    List<Row> g = lake.read(Tables.TELEMETRY_1HZ, "x").groupBy("device_id")
        .agg(org.apache.spark.sql.functions.sum(col("gap").cast("long"))).orderBy("device_id").collectAsList();
    for (int d = 0; d < 2; d++) {
      assertEquals(g.get(d).getString(0), gaps.get("categories").get(d).asText());
      assertEquals(g.get(d).getLong(1), gaps.get("series").get(0).get("values").get(d).asLong());
    }
    assertTrue(doc.getElementById("chart-telemetry-missing-data") != null);
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
    long n = lake.read(Tables.TELEMETRY_PREDICTIONS, "predict").where(col("run_id").equalTo(lines.get(1)
        .split(",")[0])).count();
    assertEquals(2L * (lines.size() - 1), n);
    Row r = lake.read(Tables.TELEMETRY_PREDICTIONS, "predict").where(col("recommended_power_limit_pct").lt(100))
        .select("advice").limit(1).collectAsList().stream().findFirst().orElse(null);
    if (r != null) assertTrue(r.getString(0).startsWith("limit power to "), r.getString(0));
    assertEquals(2, run(new ByteArrayOutputStream(), "predict", "--task", "soc", "--input", log.toString(),
        "--lake", lake.root()));
  }

  /** Runs last: it adds a run, which becomes `latest`. */
  @Test
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
  void sparkFittedModelsAreSavedAsDirectoriesAndPredictReloadsThem() throws Exception {
    assertEquals(0, exit, out);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<String> args = new java.util.ArrayList<>(List.of("telemetry", "train", "--lake", lake.root()));
    args.addAll(List.of(SETTINGS));
    args.addAll(List.of("--set", "telemetry.train.classifier=mllib-logistic", "--set",
        "telemetry.train.regressor=xgboost-spark", "--set", "telemetry.train.compare-classifiers=[]", "--set",
        "telemetry.train.compare-regressors=[]"));
    assertEquals(0, run(buf, args.toArray(new String[0])), buf.toString(StandardCharsets.UTF_8));
    String train = buf.toString(StandardCharsets.UTF_8);
    assertTrue(train.contains("overheat | model    | mllib-logistic"), train);
    assertTrue(train.contains("delta_t | model    | xgboost-spark"), train);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("run (\\S+) \\(").matcher(train);
    assertTrue(m.find(), train);
    String id = m.group(1);
    Path runDir = Path.of(lake.root()).resolve("_runs").resolve(id);
    assertTrue(Files.isDirectory(runDir.resolve("telemetry-overheat-classifier.sparkml").resolve("metadata")),
        "MLlib's directory in " + runDir);
    assertTrue(Files.isDirectory(runDir.resolve("telemetry-delta-t-regressor.sparkml").resolve("metadata")),
        "XGBoost4J-Spark's directory in " + runDir);
    Path csv = dir.resolve("spark.csv");
    List<String> p = new java.util.ArrayList<>(List.of("predict", "--task", "overheat", "--run", id, "--input",
        dir.resolve("data").resolve("new-log").toString(), "--out", csv.toString(), "--lake", lake.root()));
    p.addAll(List.of(SETTINGS));
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    assertEquals(0, run(pb, p.toArray(new String[0])), pb.toString(StandardCharsets.UTF_8));
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.size() > 2 * 5000, "one row per second of two 1.5 h logs: " + lines.size());
    assertTrue(lines.get(1).startsWith(id + ",INV01,"), lines.get(1));
    // probabilities in [0, 1] and a ΔT forecast on every row
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      double prob = Double.parseDouble(f[4]);
      assertTrue(prob >= 0 && prob <= 1, line);
      assertTrue(!f[6].isEmpty() && Double.isFinite(Double.parseDouble(f[6])), line);
    }
  }
}
