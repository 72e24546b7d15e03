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

/** A generated BDF file read by the bdf reader, exported with BdfExport and read again: the same lake rows. */
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

    Lake b = new Lake(TestSpark.get(), dir.resolve("lake-b").toString());
    ingest(b, out);
    var sa = a.read(Tables.TIMESERIES, "ingest").selectExpr(SAMPLE_COLUMNS.split(", "));
    var sb = b.read(Tables.TIMESERIES, "ingest").selectExpr(SAMPLE_COLUMNS.split(", "));
    assertEquals(rows.size(), sb.count());
    assertEquals(0, sa.except(sb).count() + sb.except(sa).count(), "samples equal after the round trip");
    var ca = a.read(Tables.CYCLES, "ingest").select("cell_id", "cycle_index", "cycle_type", "start_time",
        "n_samples");
    var cb = b.read(Tables.CYCLES, "ingest").select("cell_id", "cycle_index", "cycle_type", "start_time",
        "n_samples");
    assertEquals(0, ca.except(cb).count() + cb.except(ca).count(), "operations equal after the round trip");
  }
}
