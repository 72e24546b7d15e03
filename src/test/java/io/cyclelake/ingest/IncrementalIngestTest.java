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
  }

  @Test
  @Order(3)
  void oneChangedFileIsReadAloneAndReplacesOnlyItsRows() throws IOException {
    Path changed = file("S0002_discharge.csv.gz");
    List<String> before = lines(changed);
    writeGz(changed, before.subList(0, before.size() - 1)); // the last sample is gone
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
  }

  @Test
  @Order(4)
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
    assertEquals(1, ingest().filesChanged(), "a failed file is read again");
  }

  @Test
  @Order(5)
  void aRemovedFileIsReportedAndItsRowsKept() throws IOException {
    Path gone = file("S0002_charge.csv.gz");
    long rows = lake.read(Tables.TIMESERIES, "ingest").where("source_file = '" + gone + "'").count();
    Files.delete(gone);
    IngestJob.Result r = ingest();
    assertEquals(List.of(gone.toString()), r.filesRemoved());
    assertEquals(rows, lake.read(Tables.TIMESERIES, "ingest").where("source_file = '" + gone + "'").count());
  }

  @Test
  @Order(6)
  void filesLeftOutByACellFilterAreNotGone() {
    IngestJob.Result r = IngestJob.run(lake, SourceReaders.byName("nasa"), data,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), Set.of("S0001"), false, Progress.quiet());
    assertEquals(List.of(file("S0002_charge.csv.gz").toString()), r.filesRemoved(),
        "S0002's discharge file is still on disk, only outside the filter");
  }
}
