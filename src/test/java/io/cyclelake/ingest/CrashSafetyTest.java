package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.ChildJvm;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 in the middle of an ingest, then run it again: every data line ends up in {@code timeseries} exactly once
 * and the manifest agrees with the tables. The ingest runs in a child JVM (its own local[2] Spark), which the test
 * kills with SIGKILL ({@link ProcessHandle#destroyForcibly()} on Linux) as soon as the first table's Delta commit
 * appears, i.e. after {@code timeseries} is written and before the manifest is: the worst moment, when some tables
 * have the new rows and the manifest does not know it yet.
 */
class CrashSafetyTest {
  @TempDir Path dir;

  @Test
  void sigkillInTheMiddleOfAnIngestThenRerunHoldsEachRowOnce() throws Exception {
    Path data = dir.resolve("data");
    SyntheticFleet.write(new FleetSpec(2, 3, List.of(24.0), 60.0, 5), data);
    Path lakeDir = dir.resolve("lake");
    Path log = dir.resolve("child.log");
    Process child = child(lakeDir, data, log);
    Path firstCommit = lakeDir.resolve(Tables.TIMESERIES).resolve("_delta_log/00000000000000000000.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.exists(firstCommit) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
    assertTrue(child.isAlive(), () -> "the child ended before the kill: " + read(log));
    assertTrue(Files.exists(firstCommit), () -> "no commit within 300 s: " + read(log));
    child.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertEquals(137, child.exitValue(), "128 + SIGKILL(9)");
    String childLog = read(log);
    assertTrue(!childLog.contains("child: finished"), childLog);

    Lake lake = new Lake(TestSpark.get(), lakeDir.toString());
    assertTrue(lake.exists(Tables.TIMESERIES), "the killed ingest had committed timeseries");
    // What the kill left is consistent: a file the manifest calls ok has all its rows (here: no manifest yet).
    if (lake.exists(Tables.FILES)) assertManifestAgrees(lake);
    IngestJob.Result rerun = IngestJob.run(lake, SourceReaders.byName("nasa"), data,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), Set.of(), false, Progress.quiet());
    assertEquals(0, rerun.filesFailed());
    ConcurrentIngestTest.assertEachRowOnce(lake, data);
    assertManifestAgrees(lake);
  }

  /**
   * The same for {@code features}: killed right after it committed {@code features_ica} (before {@code ica_curves}
   * and {@code features_summary}, which decides what is done), then run again: each of the three tables holds one row
   * per charge and discharge.
   */
  @Test
  void sigkillInTheMiddleOfFeaturesThenRerunHoldsOneRowPerCycle() throws Exception {
    Path data = dir.resolve("data");
    SyntheticFleet.write(new FleetSpec(2, 3, List.of(24.0), 60.0, 5), data);
    Path lakeDir = dir.resolve("lake");
    Lake lake = new Lake(TestSpark.get(), lakeDir.toString());
    IngestJob.run(lake, SourceReaders.byName("nasa"), data, TestSpark.config().getConfig("cyclelake.ingest.nasa"),
        Set.of(), false, Progress.quiet());
    Path log = dir.resolve("child.log");
    Process child = child(lakeDir, Path.of("features"), log);
    Path firstCommit = lakeDir.resolve(Tables.FEATURES_ICA).resolve("_delta_log/00000000000000000000.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.exists(firstCommit) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
    assertTrue(child.isAlive(), () -> "the child ended before the kill: " + read(log));
    assertTrue(Files.exists(firstCommit), () -> "no commit within 300 s: " + read(log));
    child.toHandle().destroyForcibly();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertEquals(137, child.exitValue(), "128 + SIGKILL(9)");
    assertTrue(!lake.exists(Tables.FEATURES_SUMMARY) || lake.read(Tables.FEATURES_SUMMARY, "features").count() == 0,
        "the kill came before features_summary");

    io.cyclelake.features.FeaturesJob.run(lake, TestSpark.config(), Progress.quiet());
    long cycles = lake.read(Tables.CYCLES, "ingest")
        .where("cycle_type IN ('charge', 'discharge') AND n_samples > 0").count();
    for (String t : List.of(Tables.FEATURES_ICA, Tables.ICA_CURVES, Tables.FEATURES_SUMMARY)) {
      var rows = lake.read(t, "features");
      assertEquals(cycles, rows.count(), t + ": one row per cycle");
      assertEquals(cycles, rows.select("cell_id", "cycle_index", Tables.FEATURE_HASH).distinct().count(),
          t + ": no cycle twice");
    }
  }

  /** Every file the manifest records as ok has exactly rows_accepted samples in timeseries. */
  static void assertManifestAgrees(Lake lake) {
    for (Row r : lake.read(Tables.FILES, "ingest").where("status = 'ok' AND role = 'data'").collectAsList()) {
      String path = r.getAs("path");
      assertEquals(r.<Long>getAs("rows_accepted"),
          lake.read(Tables.TIMESERIES, "ingest").where("source_file = " + Lake.literal(path)).count(), path);
    }
  }

  /** A JVM running {@link CrashChild} with this JVM's classpath and module options, its output in {@code log}. */
  static Process child(Path lake, Path data, Path log) throws Exception {
    return ChildJvm.start(CrashChild.class, log, lake.toString(), data.toString());
  }

  static String read(Path log) {
    return ChildJvm.read(log);
  }
}
