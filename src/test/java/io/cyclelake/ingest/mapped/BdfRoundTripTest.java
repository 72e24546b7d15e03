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

  static final String SAMPLE_COLUMNS = "cell_id, cycle_index, cycle_type, sample_index, step_index, time_s, voltage_v,"
      + " current_a, temperature_c";

  @Test
  void readExportReadGivesTheSameOperationsAndSamples() throws IOException {
    Path in = dir.resolve("in");
    List<Profile.Row> rows = Profile.cycles(3);
    Profile.write(in.resolve("CELL7.bdf.csv"), List.of(), HEADER, rows, r -> String.format(Locale.ROOT,
        "%s,%s,%s,%s,%d,%d,%s,%s,%s,%d", r.timeS(), r.voltageV(), r.currentA(), r.epochS(), r.cycle(), r.step(),
        r.temperatureC(), r.chargeAh(), r.dischargeAh(), 42));
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

    // Read the export back with the bdf reader (plan and parse, as the ingest's tasks do): the same operations and
    // samples as lake A holds.
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
    List<String> before = a.read(Tables.TIMESERIES, "ingest").selectExpr(SAMPLE_COLUMNS.split(", ")).collectAsList()
        .stream().map(r -> String.join(" ", r.getString(0), "" + r.get(1), r.getString(2), "" + r.get(3),
            "" + r.get(4), "" + r.get(5), "" + r.get(6), "" + r.get(7), "" + r.get(8))).sorted().toList();
    assertEquals(rows.size(), again.size());
    assertEquals(before, again, "samples equal, value for value, after the round trip");
  }
}
