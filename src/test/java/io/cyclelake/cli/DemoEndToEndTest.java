package io.cyclelake.cli;

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

/** `cyclelake demo` on a small synthetic fleet, then the query commands on the lake it made. */
class DemoEndToEndTest {
  @TempDir static Path dir;
  static Lake lake;
  static String demoOut;
  static int demoExit;

  @BeforeAll
  static void runDemo() {
    TestSpark.get();
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    String[] out = new String[1];
    demoExit = capture(out, "demo", "--cells", "3", "--cycles", "30", "--lake", lake.root(),
        "--set", "demo.data-dir=\"" + dir.resolve("data") + "\"",
        "--set", "report.dir=\"" + dir.resolve("reports") + "\"");
    demoOut = out[0];
  }

  static int capture(String[] out, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
    try {
      return CycleLake.execute(args);
    } finally {
      System.setOut(old);
      out[0] = b.toString(StandardCharsets.UTF_8);
      old.print(out[0]);
    }
  }

  @Test
  void demoRunsEveryStageAndSaysTheDataIsSynthetic() throws Exception {
    assertEquals(0, demoExit, demoOut);
    assertTrue(demoOut.contains("SYNTHETIC"), demoOut);
    for (String stage : List.of("[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]")) assertTrue(demoOut.contains(stage));
    assertTrue(Files.readString(dir.resolve("data/PROVENANCE.md")).contains("SYNTHETIC"));
    // The demo ends by writing the dataset and run reports and printing their paths.
    for (String label : List.of("dataset report: ", "run report: ")) {
      int at = demoOut.lastIndexOf(label);
      assertTrue(at >= 0, "no '" + label + "' line: " + demoOut);
      Path report = Path.of(demoOut.substring(at + label.length()).lines().findFirst().orElseThrow().trim());
      String html = Files.readString(report);
      assertTrue(html.contains("id=\"chart-fade-data\"") || html.contains("id=\"chart-parity-data\""), report.toString());
    }
    assertEquals(3 * 2 * 30, lake.read(Tables.CYCLES, "ingest").count());
    assertEquals(3 * 2 * 30, lake.read(Tables.FEATURES_SUMMARY, "features").count());
    assertEquals(0, lake.read(Tables.QUARANTINE, "ingest").count());
  }

  @Test
  void theRunIsRecordedWithMetricsForEachPart() {
    List<Row> runs = lake.read(Tables.RUNS, "train").orderBy("part").collectAsList();
    assertEquals(List.of("test", "train", "validation"), runs.stream().map(r -> r.<String>getAs("part")).toList());
    for (Row r : runs) {
      assertTrue(r.<Long>getAs("n") > 0);
      assertTrue(Double.isFinite(r.<Double>getAs("mae")));
      assertTrue(r.<String>getAs("config").contains("\"xgboost\""));
    }
    // 30 labelled discharges per cell: 21 train, 4 validation, 5 test.
    assertEquals(3 * 21, runs.get(1).<Long>getAs("n"));
    String runId = runs.get(0).getAs("run_id");
    assertEquals(3 * 30, lake.read(Tables.PREDICTIONS, "train").where("run_id = '" + runId + "'").count());
    assertTrue(Files.exists(Path.of(lake.root(), "_runs", runId, "run.json")));
    // A model trained on SOH fits its own training cycles closely.
    assertTrue(runs.get(1).<Double>getAs("mae") < 0.01, "train MAE " + runs.get(1).getAs("mae"));
  }

  @Test
  void sqlSeesEveryTableByNameAndPrintsAnAlignedTable() {
    String[] out = new String[1];
    assertEquals(0, capture(out, "sql", "--lake", lake.root(),
        "select count(distinct cell_id) as cells, count(*) as n from cycles where cycle_type = 'discharge'"));
    assertTrue(out[0].contains("cells | n\n------+---\n    3 | 90\n"), out[0]);
    assertEquals(0, capture(out, "sql", "--csv", "--lake", lake.root(), "select cell_id from cycles limit 1"));
    assertTrue(out[0].startsWith("cell_id\nS000"), out[0]);
  }

  @Test
  void tablesListsCountsAndVersions() {
    String[] out = new String[1];
    assertEquals(0, capture(out, "tables", "--lake", lake.root()));
    assertTrue(out[0].matches("(?s).*\\ncycles +\\| +180 \\| +0 \\|.*"), out[0]);
    assertTrue(out[0].contains("timeseries"));
  }

  @Test
  void reportPrintsTheLatestRun() {
    String[] out = new String[1];
    assertEquals(0, capture(out, "report", "--lake", lake.root()));
    assertTrue(out[0].contains("| soh  | xgboost | chronological | S0001,S0002,S0003 | test"), out[0]);
  }

  @Test
  void reportWritesHtmlWhereAskedAndNamesBadRequests() throws Exception {
    String[] out = new String[1];
    Path file = dir.resolve("mine/ds.html");
    assertEquals(0, capture(out, "report", "--dataset", "--cell", "S0002", "--lake", lake.root(), "--out",
        file.toString()));
    assertTrue(out[0].contains("dataset report: " + file), out[0]);
    assertTrue(Files.readString(file).contains("ICA, cell S0002"));
    assertEquals(3, capture(out, "report", "--run", "no-such-run", "--lake", lake.root()));
    assertEquals(2, capture(out, "report", "--dataset", "--run", "latest", "--out", "x.html", "--lake", lake.root()));
    assertEquals(2, capture(out, "report", "--html", "--lake", lake.root()), "--html goes with --sweep");
    assertEquals(2, capture(out, "report", "--sweep", "s", "--run", "latest", "--lake", lake.root()));
  }

  @Test
  void reprocessAfterTheDemoFindsNothingNew() {
    String[] out = new String[1];
    assertEquals(0, capture(out, "reprocess", "--lake", lake.root(),
        "--set", "ingest.inputs=[{source = nasa, path = \"" + dir.resolve("data") + "\"}]"));
    assertTrue(out[0].contains("reprocess: 0 files read across 1 inputs"), out[0]);
    assertTrue(out[0].contains("nothing to compute"), out[0]);
    assertEquals(2, capture(out, "reprocess", "--lake", lake.root()), "no inputs configured");
  }

  @Test
  void errorsMapToExitCodes() {
    String[] out = new String[1];
    assertEquals(2, capture(out, "train", "--model", "nope", "--lake", lake.root()));
    assertEquals(4, capture(out, "report", "--lake", dir.resolve("empty-lake").toString()));
    assertEquals(2, capture(out, "tables", "--set", "lake.nope=1"));
  }
}
