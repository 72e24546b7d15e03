package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingests of overlapping inputs into one lake at the same time (two threads of one JVM sharing the test's Spark
 * session: two processes would cost two Spark start-ups on a 2-core machine; Delta's commit protocol is the same, a
 * put-if-absent of the next log file). Each ends either done or with a clear JOB_FAILED error; whatever the
 * interleaving, the lake then holds every data line exactly once and one manifest row per file.
 */
class ConcurrentIngestTest {
  @TempDir Path dir;

  @Test
  void twoOverlappingIngestsAtOnceLeaveEachRowOnce() throws Exception {
    Path data = dir.resolve("data");
    SyntheticFleet.write(new FleetSpec(3, 3, List.of(24.0), 60.0, 11), data);
    Lake lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    // A ingests cells S0001 and S0002, B cells S0002 and S0003: S0002's files are written by both.
    List<Set<String>> selections = List.of(Set.of("S0001", "S0002"), Set.of("S0002", "S0003"));
    CyclicBarrier start = new CyclicBarrier(2);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream log = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<IngestJob.Result>> runs = new ArrayList<>();
    try {
      for (Set<String> cells : selections) {
        Callable<IngestJob.Result> job = () -> {
          start.await();
          return IngestJob.run(lake, SourceReaders.byName("nasa"), data,
              TestSpark.config().getConfig("cyclelake.ingest.nasa"), cells, false, new Progress(log));
        };
        runs.add(pool.submit(job));
      }
      int done = 0;
      for (Future<IngestJob.Result> f : runs) {
        try {
          f.get();
          done++;
        } catch (java.util.concurrent.ExecutionException e) {
          // The only acceptable failure: a clear error saying another job committed concurrently.
          assertTrue(e.getCause() instanceof CycleLakeException, () -> "unexpected failure: " + e.getCause());
          CycleLakeException c = (CycleLakeException) e.getCause();
          assertEquals(ErrorCode.JOB_FAILED, c.code(), c.getMessage());
          assertTrue(c.getMessage().contains("run the ingest again"), c.getMessage());
        }
      }
      long retries = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(l -> l.contains("retrying")).count();
      System.out.println("ConcurrentIngestTest: " + done + " of 2 concurrent ingests finished, after " + retries
          + " retries on a conflicting commit");
    } finally {
      pool.shutdownNow();
    }
    // Whatever happened, one more ingest of everything completes the lake (reading only what is not recorded ok).
    ingest(lake, data, Set.of());
    assertEachRowOnce(lake, data);
  }

  @Test
  void aConflictingCommitIsRecognisedThroughWrappersAndNothingElseIs() {
    Throwable conflict = new io.delta.exceptions.ConcurrentAppendException("files were added");
    assertEquals(conflict, IngestJob.concurrentCommit(new RuntimeException("while writing", conflict)));
    Throwable created = new io.delta.exceptions.ProtocolChangedException("two writers created the table");
    assertEquals(created, IngestJob.concurrentCommit(created));
    assertEquals(null, IngestJob.concurrentCommit(new RuntimeException(new java.io.IOException("disk full"))));
  }

  static IngestJob.Result ingest(Lake lake, Path data, Set<String> cells) {
    return IngestJob.run(lake, SourceReaders.byName("nasa"), data,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), cells, false, Progress.quiet());
  }

  /** Every data line of every file is in timeseries exactly once; one manifest row per file, all ok. */
  public static void assertEachRowOnce(Lake lake, Path data) throws Exception {
    long lines = 0;
    List<Path> files;
    try (var s = Files.walk(data.resolve("timeseries"))) {
      files = s.filter(p -> p.toString().endsWith(".csv.gz")).sorted().toList();
    }
    for (Path f : files) {
      try (var in = new GZIPInputStream(Files.newInputStream(f))) {
        lines += new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
            .skip(1).filter(l -> !l.isEmpty()).count();
      }
    }
    Dataset<Row> ts = lake.read(Tables.TIMESERIES, "ingest");
    assertEquals(lines, ts.count(), "every data line is a sample");
    assertEquals(lines, ts.select("source_file", "source_line").distinct().count(), "no sample twice");
    assertEquals(0, lake.read(Tables.QUARANTINE, "ingest").count());
    Dataset<Row> manifest = lake.read(Tables.FILES, "ingest");
    assertEquals(files.size() + 1, manifest.count(), "one manifest row per data file + metadata.csv");
    assertEquals(manifest.count(), manifest.select("path").distinct().count());
    assertEquals(manifest.count(), manifest.where("status = 'ok'").count());
    Dataset<Row> cycles = lake.read(Tables.CYCLES, "ingest");
    assertEquals(cycles.count(), cycles.select("cell_id", "cycle_index").distinct().count(), "no cycle twice");
    assertEquals(lines, cycles.where("cycle_type <> 'impedance'").agg(org.apache.spark.sql.functions.sum("n_samples"))
        .first().getLong(0), "cycles count every sample once");
  }
}
