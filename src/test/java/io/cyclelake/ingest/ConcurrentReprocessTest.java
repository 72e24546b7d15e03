package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.cli.CycleLake;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.ChildJvm;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's scheduler case: two {@code cyclelake reprocess} processes (two JVMs through the CLI's main class, each
 * with its own local Spark, as two cron or Airflow runs would be) started at the same time on one lake with the same
 * inputs. Both must exit 0, and the lake must then hold every data line once, one manifest row per file and one
 * feature row per cycle in each feature table.
 */
class ConcurrentReprocessTest {
  @TempDir Path dir;

  @Test
  void twoReprocessProcessesAtOnceBothExitZeroAndEachRowIsOnce() throws Exception {
    Path data = dir.resolve("data");
    SyntheticFleet.write(new FleetSpec(2, 3, List.of(24.0), 60.0, 17), data);
    Path lakeDir = dir.resolve("lake");
    String[] args = {"reprocess", "--lake", lakeDir.toString(),
        "--set", "ingest.inputs=[{source=nasa, path=\"" + data + "\"}]",
        "--set", "spark.master=\"local[1]\"",
        "--set", "spark.conf.\"spark.sql.shuffle.partitions\"=2",
        "--set", "spark.conf.\"spark.default.parallelism\"=1"};
    Path logA = dir.resolve("a.log");
    Path logB = dir.resolve("b.log");
    long t0 = System.nanoTime();
    Process a = ChildJvm.start(CycleLake.class, logA, args);
    Process b = ChildJvm.start(CycleLake.class, logB, args);
    boolean endedA = a.waitFor(600, TimeUnit.SECONDS);
    boolean endedB = b.waitFor(Math.max(1, 600 - (System.nanoTime() - t0) / 1_000_000_000L), TimeUnit.SECONDS);
    if (!endedA) a.destroyForcibly();
    if (!endedB) b.destroyForcibly();
    String outA = ChildJvm.read(logA);
    String outB = ChildJvm.read(logB);
    assertTrue(endedA && endedB, () -> "a reprocess did not end within 600 s:\nA:\n" + outA + "\nB:\n" + outB);
    long retries = (outA + outB).lines().filter(l -> l.contains("retrying")).count();
    System.out.printf(java.util.Locale.ROOT, "ConcurrentReprocessTest: both reprocess runs ended in %.1f s, after "
        + "%d retries on a conflicting commit%n", (System.nanoTime() - t0) / 1e9, retries);
    assertEquals(0, a.exitValue(), () -> "A:\n" + outA);
    assertEquals(0, b.exitValue(), () -> "B:\n" + outB);

    Lake lake = new Lake(TestSpark.get(), lakeDir.toString());
    ConcurrentIngestTest.assertEachRowOnce(lake, data);
    long cycles = lake.read(Tables.CYCLES, "ingest")
        .where("cycle_type IN ('charge', 'discharge') AND n_samples > 0").count();
    assertEquals(2L * 3 * 2, cycles);
    for (String t : List.of(Tables.FEATURES_SUMMARY, Tables.FEATURES_ICA, Tables.ICA_CURVES)) {
      Dataset<Row> rows = lake.read(t, "features");
      assertEquals(cycles, rows.count(), t + ": one row per charge and discharge");
      assertEquals(cycles, rows.select("cell_id", "cycle_index", Tables.FEATURE_HASH).distinct().count(),
          t + ": no cycle twice");
    }
    long pairs = TestSpark.config().getList("cyclelake.features.early-life.pairs").size();
    Dataset<Row> early = lake.read(Tables.FEATURES_EARLY_LIFE, "features");
    assertEquals(2 * pairs, early.count(), "features_early_life: one row per cell and pair");
    assertEquals(2 * pairs, early.select("cell_id", "cycle_a", "cycle_b", Tables.FEATURE_HASH).distinct().count());
  }
}
