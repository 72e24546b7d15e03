package io.cyclelake.ingest.mapped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.export.BdfExport;
import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated BDF file read by the bdf reader, exported with BdfExport and read again: the same operations and samples. */
class BdfRoundTripTest {
  @TempDir Path dir;

  static final String HEADER = String.join(",", BdfReader.TEST_TIME, BdfReader.VOLTAGE, BdfReader.CURRENT,
      BdfReader.UNIX_TIME, BdfReader.CYCLE_COUNT, BdfReader.STEP_COUNT, BdfReader.SURFACE_TEMPERATURE,
      BdfReader.CHARGING_CAPACITY, BdfReader.DISCHARGING_CAPACITY, "Vendor Extra / 1");

  static IngestJob.Result ingest(Lake lake, Path in) {
    return IngestJob.run(lake, SourceReaders.byName("bdf"), in, TestSpark.config().getConfig("cyclelake.ingest.bdf"),
        Set.of(), false, Progress.quiet());
  }

  /** The profile's rows as a BDF CSV file, with an unmapped vendor column. */
  static void writeBdf(Path file, List<Profile.Row> rows) throws IOException {
    Profile.write(file, List.of(), HEADER, rows, r -> String.format(Locale.ROOT,
        "%s,%s,%s,%s,%d,%d,%s,%s,%s,%d", r.timeS(), r.voltageV(), r.currentA(), r.epochS(), r.cycle(), r.step(),
        r.temperatureC(), r.chargeAh(), r.dischargeAh(), 42));
  }

  static final String SAMPLE_COLUMNS = "cell_id, cycle_index, cycle_type, sample_index, step_index, time_s, voltage_v,"
      + " current_a, temperature_c";

  @Test
  void readExportReadGivesTheSameOperationsAndSamples() throws IOException {
    Path in = dir.resolve("in");
    List<Profile.Row> rows = Profile.cycles(3);
    writeBdf(in.resolve("CELL7.bdf.csv"), rows);
    Lake a = new Lake(TestSpark.get(), dir.resolve("lake-a").toString());
    IngestJob.Result ra = ingest(a, in);
    assertEquals(rows.size(), ra.samples());
    assertEquals(0, ra.quarantined());
    List<Row> ops = a.read(Tables.CYCLES, "ingest").orderBy("cycle_index").collectAsList();
    assertEquals(6, ops.size());
    assertEquals(Profile.PHASE_AH, ops.get(1).<Double>getAs("capacity_ah"), 1e-9);
    assertEquals(java.sql.Timestamp.from(java.time.Instant.ofEpochSecond((long) Profile.START_EPOCH)),
        ops.get(0).getAs("start_time"));

    Path out = dir.resolve("out");
    List<BdfExport.Written> w = BdfExport.run(a, out, Set.of("CELL7"));
    assertEquals(1, w.size());
    assertEquals(rows.size(), w.get(0).samples());
    assertTrue(Files.readAllLines(w.get(0).file()).get(0).startsWith("Test Time / s,Voltage / V,Current / A,"));

    List<String> before = a.read(Tables.TIMESERIES, "ingest").selectExpr(SAMPLE_COLUMNS.split(", ")).collectAsList()
        .stream().map(r -> String.join(" ", r.getString(0), "" + r.get(1), r.getString(2), "" + r.get(3),
            "" + r.get(4), "" + r.get(5), "" + r.get(6), "" + r.get(7), "" + r.get(8))).sorted().toList();
    assertEquals(rows.size(), before.size());
    assertReadsBackAs(out, ops, before);

    // The same as .bdf.parquet: the same operations and samples, value for value, as the CSV path.
    Path outParquet = dir.resolve("out-parquet");
    List<BdfExport.Written> wp = BdfExport.run(a, outParquet, Set.of("CELL7"), BdfExport.Format.PARQUET);
    assertEquals(outParquet.resolve("CELL7.bdf.parquet"), wp.get(0).file());
    assertEquals(rows.size(), wp.get(0).samples());
    try (var files = Files.list(outParquet)) {
      assertEquals(List.of("CELL7.bdf.parquet"), files.map(f -> f.getFileName().toString()).toList(),
          "one file per cell, no temporary or checksum files left");
    }
    assertReadsBackAs(outParquet, ops, before);
  }

  /** The bdf reader on {@code out} (plan and parse, as the ingest's tasks do) gives these operations and samples. */
  static void assertReadsBackAs(Path out, List<Row> ops, List<String> samples) throws IOException {
    io.cyclelake.ingest.SourceReader bdf = SourceReaders.byName("bdf")
        .configured(TestSpark.config().getConfig("cyclelake.ingest.bdf"));
    io.cyclelake.ingest.IngestPlan plan = bdf.plan(out, TestSpark.config().getConfig("cyclelake.ingest.bdf"),
        Set.of());
    assertEquals(ops.stream().map(r -> r.getAs("cycle_index") + " " + r.getAs("cycle_type") + " "
        + r.getAs("start_time")).toList(), plan.operations().stream()
        .sorted(java.util.Comparator.comparingInt(io.cyclelake.ingest.Operation::cycleIndex))
        .map(o -> o.cycleIndex() + " " + o.cycleType() + " " + java.sql.Timestamp.from(o.startTime())).toList());
    io.cyclelake.testkit.CollectingSink back = io.cyclelake.testkit.CollectingSink.parseAll(bdf, plan);
    assertEquals(List.of(), back.rejected);
    List<String> again = back.samples.stream().map(x -> String.join(" ", x.cellId(), "" + x.cycleIndex(),
        x.cycleType(), "" + x.sampleIndex(), "" + x.stepIndex(), "" + x.timeS(), "" + x.voltageV(),
        "" + x.currentA(), "" + x.temperatureC())).sorted().toList();
    assertEquals(samples, again, "samples equal, value for value, after the round trip through " + out);
  }

  /**
   * A .bdf.parquet cut short (no footer) and one that is not Parquet at all: each is a failed file in the manifest
   * with an error naming it, and the good Parquet file beside them is ingested whole.
   */
  @Test
  void aTruncatedOrCorruptParquetFileFailsWithItsNameAndTheOthersAreIngested() throws IOException {
    Path in = dir.resolve("in");
    List<Profile.Row> rows = Profile.cycles(2);
    writeBdf(in.resolve("CELL1.bdf.csv"), rows);
    Lake a = new Lake(TestSpark.get(), dir.resolve("lake-a").toString());
    ingest(a, in);
    Path pq = dir.resolve("pq");
    Path good = BdfExport.run(a, pq, Set.of("CELL1"), BdfExport.Format.PARQUET).get(0).file();
    byte[] bytes = Files.readAllBytes(good);
    Path cut = Files.write(pq.resolve("CELL2.bdf.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path text = Files.writeString(pq.resolve("CELL3.bdf.parquet"), "Test Time / s,Voltage / V\n0,4.1\n");

    Lake b = new Lake(TestSpark.get(), dir.resolve("lake-b").toString());
    IngestJob.Result r = ingest(b, pq);
    assertEquals(2, r.filesFailed());
    assertEquals(rows.size(), r.samples());
    Map<String, Row> files = new java.util.TreeMap<>();
    b.read(Tables.FILES, "ingest").collectAsList().forEach(x -> files.put(x.getAs("path"), x));
    assertEquals("ok", files.get(good.toString()).getAs("status"));
    assertEquals((long) rows.size(), files.get(good.toString()).<Long>getAs("rows_accepted"));
    for (Path bad : List.of(cut, text)) {
      Row m = files.get(bad.toString());
      assertEquals("failed", m.getAs("status"), bad.toString());
      String error = m.getAs("error");
      assertTrue(error.contains(bad.toString()) && error.contains("cannot be read as Parquet")
          && error.contains("truncated or corrupt"), error);
    }
  }
}
