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
    // Current sign decides the phase, rest rows (|I| <= rest-current-a) stay in the phase before them: charge
    // samples are never below -band, discharge samples never above +band.
    double band = TestSpark.config().getDouble("cyclelake.ingest.arbin.rest-current-a");
    assertTrue(band > 0 && band < 0.05, "band " + band);
    assertEquals(0, lake.read(Tables.TIMESERIES, "ingest").where("(cycle_type = 'charge' AND current_a < -" + band
        + ") OR (cycle_type = 'discharge' AND current_a > " + band + ")").count());
    assertTrue(lake.read(Tables.TIMESERIES, "ingest").where("cycle_type = 'charge' AND current_a < 0").count() > 0,
        "CS2_35 has rest rows with negative noise current inside charges");
  }

  @Test
  void aSecondIngestReadsNothing() {
    assertEquals(0, run().filesChanged());
  }

  /**
   * Issue 4: per-cycle discharge capacity by coulomb counting (features_summary) agrees with Arbin's own counter
   * within 0.5 % on every discharge of more than 0.05 Ah (shorter ones are cut-short cycles, where a fixed error of
   * one logging interval is a large share). Measured on CS2_35: median 0.0007 %, max 0.39 %.
   */
  @Test
  void coulombCountingMatchesTheCyclerCounters() {
    io.cyclelake.features.FeaturesJob.run(lake, TestSpark.config(), Progress.quiet());
    double[] rel = lake.read(Tables.FEATURES_SUMMARY, "features")
        .where("cycle_type = 'discharge' AND capacity_counter_ah > 0.05")
        .select("charge_ah", "capacity_counter_ah").collectAsList().stream()
        .mapToDouble(r -> Math.abs(r.getDouble(0) / r.getDouble(1) - 1)).sorted().toArray();
    double median = rel[rel.length / 2];
    System.out.printf(java.util.Locale.ROOT, "CS2_35: %d discharges > 0.05 Ah; |coulomb count / counter - 1|: median"
        + " %.6f, 90th percentile %.6f, max %.6f%n", rel.length, median, rel[(int) (0.9 * (rel.length - 1))],
        rel[rel.length - 1]);
    assertTrue(rel.length > 800, rel.length + " discharges");
    assertTrue(median < 1e-4, "median " + median);
    assertTrue(rel[rel.length - 1] < 0.005, "max " + rel[rel.length - 1]);
    // The context columns are filled where the source has the data: Arbin reports internal resistance.
    Row ctx = lake.read(Tables.FEATURES_SUMMARY, "features").where("cycle_type = 'discharge' AND cycle_number = 50")
        .first();
    assertTrue(ctx.<Double>getAs("internal_resistance_ohm") > 0, "internal resistance carried");
    assertTrue(ctx.<Double>getAs("coulombic_efficiency") > 0.9 && ctx.<Double>getAs("coulombic_efficiency") < 1.05,
        "coulombic efficiency " + ctx.getAs("coulombic_efficiency"));
  }
}
