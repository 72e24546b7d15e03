package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.SharedData;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The arbin reader through the Spark ingest, on CALCE CS2_35 (which ships one session twice). */
class ArbinIngestTest {
  @TempDir static Path dir;
  static Lake lake;
  static Path calce;
  static IngestJob.Result first;

  @BeforeAll
  static void ingest() {
    calce = SharedData.require("calce-cs2");
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    first = run();
  }

  static IngestJob.Result run() {
    return IngestJob.run(lake, SourceReaders.byName("arbin"), calce,
        TestSpark.config().getConfig("cyclelake.ingest.arbin"), Set.of("CS2_35"), false, Progress.quiet());
  }

  @Test
  void sessionsFoldIntoOneIncreasingCycleIndexWithCapacities() {
    assertEquals(24, first.filesChanged(), "25 sessions, one of them a duplicate");
    Row dup = lake.read(Tables.QUARANTINE, "ingest").where("rule = 'duplicate-session'").first();
    assertTrue(dup.<String>getAs("source_file").contains("CS2_35_2_"), dup.<String>getAs("source_file"));
    List<Row> discharges = lake.read(Tables.CYCLES, "ingest").where("cycle_type = 'discharge'")
        .orderBy("cycle_index").select("cycle_index", "capacity_ah").collectAsList();
    assertEquals(886, discharges.size());
    List<Row> charges = lake.read(Tables.CYCLES, "ingest").where("cycle_type = 'charge'")
        .orderBy("cycle_index").select("cycle_index", "start_time").collectAsList();
    for (int k = 1; k < charges.size(); k++) {
      assertEquals(charges.get(k - 1).getInt(0) + 2, charges.get(k).getInt(0));
      assertTrue(!charges.get(k).getTimestamp(1).before(charges.get(k - 1).getTimestamp(1)),
          "cycle order follows session start order at " + charges.get(k).getInt(0));
    }
    double firstCap = discharges.stream().mapToDouble(r -> r.getDouble(1)).filter(c -> c > 0.3).findFirst()
        .orElseThrow();
    assertEquals(1.1, firstCap, 0.1);
    assertTrue(discharges.get(discharges.size() - 1).getDouble(1) < 0.6, "CS2_35 fades to about 0.3 Ah");
  }

  @Test
  void everyLineIsASampleOrQuarantined() {
    assertEquals(0, lake.read(Tables.QUARANTINE, "ingest").where("rule <> 'duplicate-session'").count());
    long samples = lake.read(Tables.TIMESERIES, "ingest").count();
    assertEquals(first.samples(), samples);
    long fromManifest = lake.read(Tables.FILES, "ingest").where("role = 'data'")
        .agg(org.apache.spark.sql.functions.sum("rows_read")).first().getLong(0);
    assertEquals(samples, fromManifest);
    // Current sign decides the phase: charge samples are never negative, discharge samples never positive.
    assertEquals(0, lake.read(Tables.TIMESERIES, "ingest")
        .where("(cycle_type = 'charge' AND current_a < 0) OR (cycle_type = 'discharge' AND current_a > 0)").count());
  }

  @Test
  void aSecondIngestReadsNothing() {
    assertEquals(0, run().filesChanged());
  }
}
