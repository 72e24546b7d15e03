package io.cyclelake.ingest.telemetry;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.features.telemetry.TelemetryAggregateJob;
import io.cyclelake.ingest.telemetry.synthetic.TelemetryGenerator;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated logs (3 layouts, overlapping parts, planted n/a values) → telemetry_raw → telemetry_1hz: no row lost or
 * duplicated, bad values quarantined where they were planted, incremental through the manifest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TelemetryIngestTest {
  @TempDir static Path dir;
  static Path data;
  static Lake lake;
  static TelemetryGenerator.Result gen;
  static TelemetryReader reader;

  @BeforeAll
  static void generate() {
    data = dir.resolve("logs");
    gen = TelemetryGenerator.write(data, new TelemetryGenerator.Spec(3, 0.25, java.time.Instant.parse(
        "2026-07-01T23:50:00Z"), 0.5, 5, 1, 0.6, 7));
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    reader = TelemetryReaders.byName("inverter").configured(TestSpark.config().getConfig("cyclelake.ingest.inverter"));
  }

  @Test
  @Order(1)
  void everyLineIsOneRowOrOneQuarantineRecord() {
    TelemetryIngestJob.Result r = TelemetryIngestJob.run(lake, reader, data, false, Progress.quiet());
    assertEquals(gen.files().size(), r.filesRead());
    assertEquals(0, r.filesFailed());
    assertEquals(gen.dataLines(), r.linesRead());
    assertEquals(gen.badValues().size(), r.quarantined());
    assertEquals(gen.dataLines() - gen.badValues().size(), r.accepted());
    assertEquals(r.accepted(), r.rawRows());
    // Distinct samples: all generated ones, less those whose only copy carried a planted n/a.
    Dataset<Row> raw = lake.read(Tables.TELEMETRY_RAW, "ingest");
    assertTrue(r.distinctSamples() <= gen.distinctSamples() && r.distinctSamples() >= gen.distinctSamples()
        - gen.badValues().size(), r.distinctSamples() + " vs " + gen.distinctSamples());
    assertTrue(r.overlapRows() > 0, "the parts overlap");
    // The quarantine holds exactly the planted values, with file, line, column and header name.
    Set<String> want = new TreeSet<>();
    gen.badValues().forEach(b -> want.add(b.file().toAbsolutePath() + ":" + b.line() + ":" + b.column() + ":"
        + b.header()));
    Set<String> got = new TreeSet<>();
    lake.read(Tables.QUARANTINE, "ingest").where(col("source").equalTo("inverter")).collectAsList().forEach(q ->
        got.add(q.getString(1) + ":" + q.getLong(2) + ":" + q.getInt(3) + ":" + q.getString(4)));
    assertEquals(want, got);
    // Partitioned by device and day; the logs cross midnight.
    assertEquals(2, raw.select("day").distinct().count());
    assertEquals(3, raw.select("device_id").distinct().count());
    // Kelvin and decimal commas converted: coolant temperatures of every layout are in degC.
    Row c = raw.agg(org.apache.spark.sql.functions.min("coolant_temp_c"),
        org.apache.spark.sql.functions.max("coolant_temp_c")).first();
    assertTrue(c.getDouble(0) > 10 && c.getDouble(1) < 120, c.toString());
    Row unmapped = lake.read(Tables.FILES, "ingest").where(col("path").contains("INV03_")).select("error").first();
    assertEquals("note: columns not mapped to a channel (not ingested): [Status]", unmapped.getString(0));
  }

  @Test
  @Order(2)
  void aRerunReadsNothingAndAChangedFileOnlyItself() throws Exception {
    TelemetryIngestJob.Result again = TelemetryIngestJob.run(lake, reader, data, false, Progress.quiet());
    assertEquals(0, again.filesRead());
    assertEquals(gen.files().size(), again.filesUnchanged());
    Path f = gen.files().get(1);
    List<String> lines = Files.readAllLines(f);
    Files.write(f, lines.subList(0, lines.size() - 1)); // the logger rewrote the file without its last row
    TelemetryIngestJob.Result one = TelemetryIngestJob.run(lake, reader, data, false, Progress.quiet());
    assertEquals(1, one.filesRead());
    long raw = lake.read(Tables.TELEMETRY_RAW, "ingest").count();
    assertEquals(gen.dataLines() - gen.badValues().size() - 1, raw);
  }

  @Test
  @Order(3)
  void oneHertzRowsCountRepeatsOnceAndMarkGaps() {
    TelemetryAggregateJob.Result r = TelemetryAggregateJob.run(lake, 60);
    Dataset<Row> raw = lake.read(Tables.TELEMETRY_RAW, "ingest");
    long distinct = raw.select("device_id", "ts").distinct().count();
    assertEquals(raw.count() - distinct, r.duplicates());
    assertEquals(0, r.conflicts());
    Dataset<Row> hz = lake.read(Tables.TELEMETRY_1HZ, "telemetry aggregate");
    // Every distinct sample is counted in exactly one second.
    assertEquals(distinct, hz.agg(org.apache.spark.sql.functions.sum("n_samples")).first().getLong(0));
    // Seconds without samples are gap rows with null values, not filled.
    assertTrue(r.gapRows() > 0, "the logger drops out now and then");
    assertEquals(r.gapRows(), hz.where(col("gap").and(col("igbt_temp_c").isNull())).count());
    // One second recomputed from the raw rows.
    Row h = hz.where(col("n_samples").geq(2)).orderBy("device_id", "ts").first();
    Row m = raw.where(col("device_id").equalTo(h.getString(0))
            .and(org.apache.spark.sql.functions.date_trunc("second", col("ts")).equalTo(h.getTimestamp(2))))
        .dropDuplicates("ts")
        .agg(org.apache.spark.sql.functions.avg("igbt_temp_c"), org.apache.spark.sql.functions.max("igbt_temp_c"))
        .first();
    assertEquals(m.getDouble(0), h.getDouble(h.fieldIndex("igbt_temp_c")), 1e-9);
    assertEquals(m.getDouble(1), h.getDouble(h.fieldIndex("igbt_temp_max_c")), 1e-12);
  }

  @Test
  @Order(4)
  void aggregationRecomputesOnlyTheDeviceDaysWhoseRawRowsChanged() throws Exception {
    long v1hz = lake.version(Tables.TELEMETRY_1HZ);
    long vState = lake.version(Tables.TELEMETRY_1HZ_INPUTS);
    TelemetryAggregateJob.Result same = TelemetryAggregateJob.run(lake, 60);
    assertEquals(0, same.deviceDaysWritten() + same.deviceDaysDeleted());
    assertEquals(6, same.deviceDaysUnchanged(), "3 devices x 2 days");
    assertEquals(v1hz, lake.version(Tables.TELEMETRY_1HZ), "nothing new: telemetry_1hz not written");
    assertEquals(vState, lake.version(Tables.TELEMETRY_1HZ_INPUTS), "nothing new: its state not written");

    // A log rewritten without its last row: one device-day of raw rows changes.
    Path f = gen.files().get(2);
    List<String> lines = Files.readAllLines(f);
    Files.write(f, lines.subList(0, lines.size() - 1));
    assertEquals(1, TelemetryIngestJob.run(lake, reader, data, false, Progress.quiet()).filesRead());
    List<Row> touched = lake.read(Tables.TELEMETRY_RAW, "ingest").where(col("source_file").endsWith(
        f.getFileName().toString())).select("device_id", "day").distinct().collectAsList();
    assertEquals(1, touched.size(), "one file holds one device-day");
    String device = touched.get(0).getString(0);
    String day = touched.get(0).getDate(1).toString();
    TelemetryAggregateJob.Result one = TelemetryAggregateJob.run(lake, 60);
    assertEquals(1, one.deviceDaysWritten());
    assertEquals(5, one.deviceDaysUnchanged());
    assertEquals(v1hz + 1, lake.version(Tables.TELEMETRY_1HZ), "one transaction");
    // The commit's file actions are all in that device-day's partition.
    Path log = Path.of(lake.path(Tables.TELEMETRY_1HZ)).resolve("_delta_log")
        .resolve(String.format("%020d.json", v1hz + 1));
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    int actions = 0;
    for (String a : Files.readAllLines(log)) {
      var node = json.readTree(a);
      for (String kind : List.of("add", "remove")) {
        if (!node.has(kind)) continue;
        actions++;
        var pv = node.get(kind).get("partitionValues");
        assertEquals(device, pv.get("device_id").asText(), a);
        assertEquals(day, pv.get("day").asText(), a);
      }
    }
    assertTrue(actions >= 2, "the partition's old file removed and a new one added: " + actions);
    // The table equals a full aggregation of the raw rows.
    Dataset<Row> full = TelemetryAggregateJob.aggregate(lake.read(Tables.TELEMETRY_RAW, "ingest"), 60,
        lake.spark().sparkContext().longAccumulator(), lake.spark().sparkContext().longAccumulator());
    Dataset<Row> hz = lake.read(Tables.TELEMETRY_1HZ, "x").select(full.columns()[0], java.util.Arrays.copyOfRange(
        full.columns(), 1, full.columns().length));
    assertEquals(0, hz.exceptAll(full).count());
    assertEquals(0, full.exceptAll(hz).count());
  }
}
