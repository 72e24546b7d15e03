package io.cyclelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.lake.Lake;
import io.cyclelake.testkit.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cyclelake experiment NAME` from a clean lake: ingest, features, its sweeps, the experiments table, the results
 * page whose figures equal fold_metrics, and the index block that a rerun replaces; a failing step is recorded and
 * the other steps' results are still written.
 */
class ExperimentCommandTest {
  @TempDir Path home;

  private ReprocessCommandTest.Run experiment(String... more) {
    String old = System.getProperty("cyclelake.home");
    System.setProperty("cyclelake.home", home.toString());
    try {
      List<String> a = new java.util.ArrayList<>(List.of("experiment"));
      a.addAll(List.of(more));
      return ReprocessCommandTest.run(a.toArray(String[]::new));
    } finally {
      if (old == null) System.clearProperty("cyclelake.home");
      else System.setProperty("cyclelake.home", old);
    }
  }

  @Test
  void runsEndToEndWritesResultsEqualToFoldMetricsAndKeepsGoingPastAFailedStep() throws Exception {
    SyntheticFleet.write(new FleetSpec(3, 12, List.of(24.0), 60.0, 5L), home.resolve("raw"));
    Path conf = home.resolve("conf/experiments");
    Files.createDirectories(conf);
    Files.writeString(conf.resolve("tiny.conf"), """
        cyclelake.experiment {
          name = "tiny"
          title = "tiny LOCO"
          question = "Does it run?"
          data = [{ source = "nasa", input = "raw" }]
          steps = [
            { name = "loco", set = ["sweep.name = tiny-loco", "sweep.split = loco",
                "sweep.models = [{ model = linear }, { model = ridge, grid { alpha = [10.0] } }]"] }
            { name = "broken", set = ["sweep.name = tiny-broken", "sweep.cells = [NOT-A-CELL]",
                "sweep.models = [{ model = ridge }]"] }
          ]
          documented = [{ name = "paper", part = "test", mae = 0.5 }]
          targets = [{ metric = "mae", part = "test", at-most = 0.000001 }]
        }
        """, StandardCharsets.UTF_8);
    Path lakeDir = home.resolve("lake");

    ReprocessCommandTest.Run list = experiment("--lake", lakeDir.toString());
    assertEquals(0, list.exit(), list.err());
    assertEquals("tiny", list.out().strip());
    ReprocessCommandTest.Run unknown = experiment("nope", "--lake", lakeDir.toString());
    assertEquals(ErrorCode.UNKNOWN_NAME.exitCode(), unknown.exit());
    assertTrue(unknown.err().contains("no experiment named 'nope'") && unknown.err().contains("experiments: tiny"),
        unknown.err());

    ReprocessCommandTest.Run r = experiment("tiny", "--lake", lakeDir.toString());
    assertEquals(ErrorCode.JOB_FAILED.exitCode(), r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("step broken FAILED") && r.out().contains("NOT-A-CELL"), r.out());

    Lake lake = new Lake(TestSpark.get(), lakeDir.toString());
    List<Row> steps = lake.spark().read().format("delta").load(lakeDir.resolve("experiments").toString())
        .orderBy("step").select("step", "status", "sweep_id", "error", "tasks", "git_commit").collectAsList();
    assertEquals(2, steps.size());
    assertEquals("broken", steps.get(0).getString(0));
    assertEquals("failed", steps.get(0).getString(1));
    assertTrue(steps.get(0).isNullAt(2));
    assertTrue(steps.get(0).getString(3).contains("NOT-A-CELL"));
    assertEquals("ok", steps.get(1).getString(1));
    assertEquals(6, steps.get(1).getInt(4), "2 specs x 3 LOCO folds");
    assertEquals("unknown", steps.get(1).getString(5), "the temporary home is not a git checkout");
    String sweep = steps.get(1).getString(2);

    String page = Files.readString(home.resolve("docs/results/tiny.md"), StandardCharsets.UTF_8);
    List<Row> expected = lake.spark().read().format("delta").load(lakeDir.resolve("fold_metrics").toString())
        .where("sweep_id = '" + sweep + "' and part = 'test' and cell_id = '*'")
        .groupBy("model").agg(org.apache.spark.sql.functions.avg("mae"), org.apache.spark.sql.functions.avg("rmse"),
            org.apache.spark.sql.functions.count("*"))
        .orderBy("model").collectAsList();
    assertEquals(2, expected.size());
    for (Row e : expected) {
      String settings = e.getString(0).equals("ridge") ? "alpha=10" : "defaults";
      String prefix = "| loco | " + e.getString(0) + " | " + settings + " | " + e.getLong(3) + " | "
          + String.format(Locale.ROOT, "%.4f", e.getDouble(1)) + " | ";
      assertTrue(page.contains(prefix), prefix + "\n" + page);
      String rowLine = page.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
      assertTrue(rowLine.contains("| " + String.format(Locale.ROOT, "%.4f", e.getDouble(2)) + " |"), rowLine);
      assertEquals(3L, e.getLong(3), "one test row per LOCO fold");
    }
    assertTrue(page.contains("| published | paper |  |  | 0.5000 |"), page);
    assertTrue(page.contains("Target test mae ≤ 1.0E-6: best ") && page.contains("missed by"), page);
    assertTrue(page.contains("| broken | - | failed: "), page);
    assertTrue(page.contains("`jobs/cyclelake experiment tiny`"), page);

    Path index = home.resolve("docs/results.md");
    String idx = Files.readString(index, StandardCharsets.UTF_8);
    assertTrue(idx.contains("[full results](results/tiny.md)"), idx);
    Files.writeString(index, idx + "\nReading written by hand.\n", StandardCharsets.UTF_8);

    ReprocessCommandTest.Run again = experiment("--all", "--lake", lakeDir.toString());
    assertEquals(ErrorCode.JOB_FAILED.exitCode(), again.exit());
    assertTrue(again.out().matches("(?s).*experiments: tiny \\d+ s \\(exit 10\\); \\d+ s in all.*"), again.out());
    assertTrue(again.out().contains("nothing new"), "the rerun ingests nothing: " + again.out());
    String idx2 = Files.readString(index, StandardCharsets.UTF_8);
    assertEquals(1, idx2.split("<!-- cyclelake:experiment tiny ", -1).length - 1, idx2);
    assertTrue(idx2.endsWith("\nReading written by hand.\n"), idx2);
    assertEquals(4L, lake.spark().read().format("delta").load(lakeDir.resolve("experiments").toString()).count());
  }
}
