package io.cyclelake.ingest.mapped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The battery-archive reader through the Spark ingest on generated BatteryArchive files, with the Validator's rules:
 * rows the reader or a rule rejects land in quarantine, and for every file rows read = accepted + quarantined.
 */
class BatteryArchiveIngestTest {
  /** The header of a BatteryArchive.org time-series export. */
  static final String HEADER = "Date_Time,Test_Time (s),Cycle_Index,Current (A),Voltage (V),Charge_Capacity (Ah),"
      + "Discharge_Capacity (Ah),Charge_Energy (Wh),Discharge_Energy (Wh),Environment_Temperature (C),"
      + "Cell_Temperature (C)";

  @TempDir static Path dir;
  static Path data;
  static Lake lake;
  static IngestJob.Result first;
  static int dataLines;

  static String line(Profile.Row r) {
    String date = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .format(java.time.Instant.ofEpochSecond((long) r.epochS()).atZone(java.time.ZoneOffset.UTC));
    return String.format(Locale.ROOT, "%s,%.3f,%d,%.6f,%.6f,%.9f,%.9f,%.6f,%.6f,%.2f,%.2f", date, r.timeS(),
        r.cycle(), r.currentA(), r.voltageV(), r.chargeAh(), r.dischargeAh(), r.chargeAh() * 3.7,
        r.dischargeAh() * 3.6, 23.0, r.temperatureC());
  }

  static IngestJob.Result ingest() {
    return IngestJob.run(lake, SourceReaders.byName("battery-archive"), data,
        TestSpark.config().getConfig("cyclelake.ingest.battery-archive"), Set.of(), false, Progress.quiet());
  }

  @BeforeAll
  static void setUp() throws IOException {
    data = dir.resolve("ba");
    List<Profile.Row> rows = Profile.cycles(3);
    Profile.write(data.resolve("SNL_18650_NMC_25C_a_timeseries.csv"), List.of(), HEADER, rows,
        BatteryArchiveIngestTest::line);
    List<String> b = new ArrayList<>(rows.stream().map(BatteryArchiveIngestTest::line).toList());
    b.set(3, b.get(3).replace(",3.7", ",12.7"));                 // line 5: 12.7 V, voltage-range
    String[] f = b.get(6).split(",");
    f[1] = "1.000";                                              // line 8: back to 1 s, time-monotonic
    b.set(6, String.join(",", f));
    b.set(9, b.get(9).replaceFirst(",3\\.9\\d+,", ",n/a,"));      // line 11: text in Voltage, the reader's number rule
    Files.writeString(data.resolve("SNL_18650_NMC_25C_b_timeseries.csv"),
        HEADER.toLowerCase(Locale.ROOT) + "\n" + String.join("\n", b) + "\n"); // header case differs: still read
    Files.writeString(data.resolve("README.txt"), "not a time series\n");
    dataLines = 2 * rows.size();
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    first = ingest();
  }

  @Test
  void cyclesCapacitiesAndTemperatures() {
    assertEquals(2, first.filesChanged());
    List<Row> ops = lake.read(Tables.CYCLES, "ingest").orderBy("cell_id", "cycle_index").collectAsList();
    assertEquals(12, ops.size());
    for (Row r : ops) {
      assertTrue(r.<String>getAs("cell_id").startsWith("SNL_18650_NMC_25C_"), r.toString());
      int k = r.<Integer>getAs("cycle_index");
      assertEquals(k % 2 == 0 ? "charge" : "discharge", r.getAs("cycle_type"));
      assertEquals(Profile.PHASE_AH, r.<Double>getAs("capacity_ah"), 1e-6);
      assertEquals(23.0, r.<Double>getAs("ambient_temperature_c"), 0);
      assertEquals("battery-archive", r.getAs("source"));
    }
    Row s = lake.read(Tables.TIMESERIES, "ingest").where("cell_id = 'SNL_18650_NMC_25C_a' AND cycle_index = 1 "
        + "AND sample_index = 1").first();
    assertEquals(60.0, s.<Double>getAs("time_s"), 1e-9);
    assertEquals(-1.0, s.<Double>getAs("current_a"), 1e-9);
    assertEquals(26.2, s.<Double>getAs("temperature_c"), 1e-9);
  }

  @Test
  void rejectedRowsCarryTheRuleAndEveryRowIsCounted() {
    List<Row> q = lake.read(Tables.QUARANTINE, "ingest").orderBy("source_line").collectAsList();
    assertEquals(List.of("voltage-range@5", "time-monotonic@8", "number@11"),
        q.stream().map(r -> r.getAs("rule") + "@" + r.getAs("source_line")).collect(Collectors.toList()));
    assertEquals("voltage (v)", q.get(2).getAs("column_name"), "the header name as the file spells it");
    assertEquals(5, q.get(2).<Integer>getAs("source_column"));
    assertEquals("voltage_v", q.get(0).getAs("column_name"));
    long accepted = lake.read(Tables.TIMESERIES, "ingest").count();
    assertEquals(dataLines - 3, accepted);
    assertEquals(dataLines, first.linesRead());
    for (Row f : lake.read(Tables.FILES, "ingest").collectAsList()) {
      assertEquals("ok", f.getAs("status"));
      assertEquals(f.<Long>getAs("rows_read"), f.<Long>getAs("rows_accepted") + f.<Long>getAs("rows_quarantined"));
    }
    assertEquals(3L, lake.read(Tables.FILES, "ingest").where("path LIKE '%_b_timeseries.csv'").first()
        .<Long>getAs("rows_quarantined"));
    // The cycles table counts the quarantined samples of each operation: the two the Validator rejected know their
    // operation; the line the reader could not parse does not.
    assertEquals(2L, lake.read(Tables.CYCLES, "ingest").agg(org.apache.spark.sql.functions.sum("n_quarantined"))
        .first().getLong(0));
  }

  @Test
  void aSecondIngestReadsNothing() {
    assertEquals(0, ingest().filesChanged());
  }
}
