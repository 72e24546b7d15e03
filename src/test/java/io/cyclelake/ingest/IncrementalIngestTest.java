package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.JavaRDDComparisons;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The manifest decides what an ingest reads: nothing when nothing changed, one file when one file changed. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncrementalIngestTest {
  @TempDir static Path dir;
  static Path data;
  static Lake lake;

  static IngestJob.Result ingest() {
    return IngestJob.run(lake, SourceReaders.byName("nasa"), data,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), Set.of(), false, Progress.quiet());
  }

  /** The Spark-free answer of an ingest now: present only when the manifest's copy says nothing is new. */
  static java.util.Optional<IngestJob.Result> nothingNew() {
    return IngestJob.nothingNew(lake.root(), SourceReaders.byName("nasa"), data,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), Set.of(), false, Progress.quiet());
  }

  static long version(String table) {
    return DeltaTable.forPath(lake.spark(), lake.path(table)).history(1).first().getLong(0);
  }

  static Path file(String name) {
    return data.resolve("timeseries").resolve(name.contains("discharge") ? "discharge" : "charge").resolve(name);
  }

  static List<String> lines(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
    }
  }

  static void writeGz(Path gz, List<String> lines) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  @Order(1)
  void firstIngestReadsEveryFileAndRecordsIt() throws IOException {
    data = dir.resolve("data");
    SyntheticFleet.write(new FleetSpec(2, 6, List.of(24.0), 30.0, 7), data);
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    IngestJob.Result r = ingest();
    assertEquals(4, r.filesChanged());
    assertEquals(0, r.filesUnchanged());
    // 4 data files + metadata.csv
    assertEquals(5, lake.read(Tables.FILES, "ingest").where("status = 'ok'").count());
    assertEquals(r.samples(), lake.read(Tables.TIMESERIES, "ingest").count());
  }

  @Test
  @Order(2)
  void nothingNewWritesNoVersion() {
    long ts = version(Tables.TIMESERIES);
    long files = version(Tables.FILES);
    long cycles = version(Tables.CYCLES);
    IngestJob.Result r = ingest();
    assertEquals(0, r.filesChanged());
    assertEquals(4, r.filesUnchanged());
    assertEquals(List.of(ts, files, cycles),
        List.of(version(Tables.TIMESERIES), version(Tables.FILES), version(Tables.CYCLES)));
    // Decided again without Spark, from the manifest's copy written with the first ingest: the same answer.
    IngestJob.Result quick = nothingNew().orElseThrow();
    assertEquals(r, quick);
    assertTrue(IngestJob.nothingNew(lake.root(), SourceReaders.byName("nasa"), data,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), Set.of(), true, Progress.quiet()).isEmpty(),
        "--force always reads");
  }

  @Test
  @Order(3)
  void theManifestCopyDecidesOnlyWhileNoOtherCommitHappenedAndItIsWhole() throws IOException {
    Path copy = dir.resolve("lake").resolve("_cyclelake/manifest/nasa.tsv");
    assertTrue(nothingNew().isPresent());
    // Another job's commit to `files` (here: another source's manifest row) makes the copy stale.
    Row other = RowFactory.create("other-source", "/elsewhere/x.csv", "data", 1L,
        new java.sql.Timestamp(0), "00", "X1", "ok", 1L, 1L, 0L, null, new java.sql.Timestamp(0));
    lake.append(lake.spark().createDataFrame(List.of(other), Tables.FILES_SCHEMA), Tables.FILES);
    assertTrue(nothingNew().isEmpty(), "a commit after the copy was written");
    long files = version(Tables.FILES);
    assertEquals(0, ingest().filesChanged(), "the Spark path finds nothing new and writes the copy again");
    assertEquals(files, version(Tables.FILES));
    assertTrue(nothingNew().isPresent());

    List<String> whole = Files.readAllLines(copy);
    Files.write(copy, whole.subList(0, whole.size() - 2)); // cut: an entry and the trailer are missing
    assertTrue(nothingNew().isEmpty(), "a cut copy");
    Files.write(copy, whole);
    assertTrue(nothingNew().isPresent());
    assertTrue(IngestJob.nothingNew("hdfs://namenode/lake", SourceReaders.byName("nasa"), data,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), Set.of(), false, Progress.quiet()).isEmpty(),
        "a lake that is not on the local file system");
  }

  @Test
  @Order(4)
  void oneChangedFileIsReadAloneAndReplacesOnlyItsRows() throws IOException {
    Path changed = file("S0002_discharge.csv.gz");
    List<String> before = lines(changed);
    writeGz(changed, before.subList(0, before.size() - 1)); // the last sample is gone
    assertTrue(nothingNew().isEmpty(), "a changed file is read, with Spark");
    long total = lake.read(Tables.TIMESERIES, "ingest").count();
    long v = version(Tables.TIMESERIES);
    String oldSha = lake.read(Tables.FILES, "ingest").where("path = '" + changed + "'").first().getAs("sha256");

    IngestJob.Result r = ingest();
    assertEquals(1, r.filesChanged());
    assertEquals(3, r.filesUnchanged());
    assertEquals(before.size() - 2, r.samples(), "the changed file's data lines, header excluded");
    assertEquals(total - 1, lake.read(Tables.TIMESERIES, "ingest").count());
    var old = lake.spark().read().format("delta").option("versionAsOf", v).load(lake.path(Tables.TIMESERIES));
    String others = "source_file <> '" + changed + "'";
    JavaRDDComparisons.assertRDDEquals(old.where(others).toJavaRDD(),
        lake.read(Tables.TIMESERIES, "ingest").where(others).toJavaRDD());
    Row entry = lake.read(Tables.FILES, "ingest").where("path = '" + changed + "'").first();
    assertTrue(!oldSha.equals(entry.getAs("sha256")));
    assertEquals((long) before.size() - 2, entry.<Long>getAs("rows_accepted"));
    // The cycles table follows: the last discharge of S0002 lost one sample.
    String lastUid = before.get(before.size() - 1).split(",")[0];
    Row cycle = lake.read(Tables.CYCLES, "ingest").where("source_operation_id = '" + lastUid + "'").first();
    long expected = before.stream().filter(l -> l.startsWith(lastUid + ",")).count() - 1;
    assertEquals(expected, cycle.<Long>getAs("n_samples"));
    assertEquals(4, nothingNew().orElseThrow().filesUnchanged(), "the ingest wrote the copy after its manifest");
  }

  @Test
  @Order(5)
  void aTruncatedFileIsRecordedAsFailedKeepsItsReadableRowsAndIsReadAgainNextTime() throws IOException {
    Path broken = file("S0001_charge.csv.gz");
    byte[] bytes = Files.readAllBytes(broken);
    ByteArrayOutputStream half = new ByteArrayOutputStream();
    half.write(bytes, 0, bytes.length / 2);
    Files.write(broken, half.toByteArray());

    IngestJob.Result r = ingest();
    assertEquals(1, r.filesChanged());
    assertEquals(1, r.filesFailed());
    Row entry = lake.read(Tables.FILES, "ingest").where("path = '" + broken + "'").first();
    assertEquals("failed", entry.getAs("status"));
    assertTrue(entry.<String>getAs("error").contains(broken.toString()), entry.<String>getAs("error"));
    Row q = lake.read(Tables.QUARANTINE, "ingest").where("source_file = '" + broken + "' AND rule = 'file'").first();
    assertTrue(q.<String>getAs("message").contains("could not be read to its end"), q.<String>getAs("message"));
    assertEquals(entry.<Long>getAs("rows_accepted"),
        lake.read(Tables.TIMESERIES, "ingest").where("source_file = '" + broken + "'").count());
    assertTrue(entry.<Long>getAs("rows_accepted") > 0, "lines before the truncation are kept");
    Row cut = lake.read(Tables.QUARANTINE, "ingest").where("source_file = '" + broken + "' AND rule = 'truncated'")
        .first();
    assertEquals(entry.<Long>getAs("rows_accepted") + 2, cut.<Long>getAs("source_line"),
        "the line the truncation cut follows the header and the accepted lines");
    assertEquals(entry.<Long>getAs("rows_read"), entry.<Long>getAs("rows_accepted") + 1);
    assertTrue(nothingNew().isEmpty(), "a failed file is read again, with Spark");
    assertEquals(1, ingest().filesChanged(), "a failed file is read again");
  }

  @Test
  @Order(6)
  void aRemovedFileIsReportedAndItsRowsKept() throws IOException {
    Path gone = file("S0002_charge.csv.gz");
    long rows = lake.read(Tables.TIMESERIES, "ingest").where("source_file = '" + gone + "'").count();
    Files.delete(gone);
    IngestJob.Result r = ingest();
    assertEquals(List.of(gone.toString()), r.filesRemoved());
    assertEquals(rows, lake.read(Tables.TIMESERIES, "ingest").where("source_file = '" + gone + "'").count());
  }

  @Test
  @Order(7)
  void filesLeftOutByACellFilterAreNotGone() {
    IngestJob.Result r = IngestJob.run(lake, SourceReaders.byName("nasa"), data,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), Set.of("S0001"), false, Progress.quiet());
    assertEquals(List.of(file("S0002_charge.csv.gz").toString()), r.filesRemoved(),
        "S0002's discharge file is still on disk, only outside the filter");
  }
}
