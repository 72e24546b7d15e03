package io.cyclelake.ingest.nasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.SharedData;
import io.cyclelake.testkit.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NASA slice on the real export: B0005 (all three operation types), B0025 and B0050 ("[]" capacities). */
class NasaIngestTest {
  static final Set<String> CELLS = Set.of("B0005", "B0025", "B0050");
  @TempDir static Path dir;
  static Path nasa;
  static Lake lake;
  static IngestJob.Result first;

  @BeforeAll
  static void ingest() {
    nasa = SharedData.require("nasa-pcoe");
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    first = run();
  }

  static IngestJob.Result run() {
    return IngestJob.run(lake, SourceReaders.byName("nasa"), nasa,
        TestSpark.config().getConfig("cyclelake.ingest.nasa"), CELLS, false, Progress.quiet());
  }

  /** original_data_rows per (cell, test_id) of the placed operations, from cycle_checksums.csv. */
  static Map<String, Long> checksumRows() throws IOException {
    Map<String, Long> rows = new HashMap<>();
    List<String> lines = Files.readAllLines(nasa.resolve("cycle_checksums.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      String cell = f[header.indexOf("battery_id")];
      if (!CELLS.contains(cell)) continue;
      boolean placed = !f[header.indexOf("placed_in")].isEmpty();
      rows.put(cell + "/" + f[header.indexOf("test_id")],
          placed ? Long.parseLong(f[header.indexOf("original_data_rows")]) : 0L);
    }
    return rows;
  }

  @Test
  void everyListedOperationIsACycleWithTheOriginalSampleCount() throws IOException {
    Map<String, Long> expected = checksumRows();
    Map<String, Long> actual = new HashMap<>();
    for (Row r : lake.read(Tables.CYCLES, "ingest").select("cell_id", "cycle_index", "n_samples").collectAsList()) {
      actual.put(r.getString(0) + "/" + r.getInt(1), r.getLong(2));
    }
    assertEquals(expected, actual);
    assertEquals(0, first.quarantined(), "the real NASA export has no malformed rows");
    assertEquals(first.samples() + first.impedancePoints() + first.quarantined() + first.operations(),
        first.linesRead());
    // B0005 has charge, discharge and impedance files; B0025 and B0050 discharge and impedance only.
    assertEquals(7, first.filesChanged());
    Row manifest = lake.read(Tables.FILES, "ingest").where("path LIKE '%B0005_discharge.csv.gz'").first();
    assertEquals("ok", manifest.getAs("status"));
    long inLake = lake.read(Tables.TIMESERIES, "ingest")
        .where(org.apache.spark.sql.functions.col("source_file").equalTo(manifest.<String>getAs("path"))).count();
    assertEquals(inLake, manifest.<Long>getAs("rows_accepted"));
    assertEquals("B0005", manifest.getAs("cells"));
    assertEquals(manifest.<Long>getAs("rows_read"), manifest.<Long>getAs("rows_accepted"));
    assertEquals(64, manifest.<String>getAs("sha256").length());
  }

  @Test
  void capacityAndTimeAreParsedFromTheNumpyForms() {
    Row b5 = lake.read(Tables.CYCLES, "ingest")
        .where("cell_id = 'B0005' AND cycle_type = 'discharge'").orderBy("cycle_index")
        .select("capacity_ah", "ambient_temperature_c", "start_time").first();
    assertEquals(1.8564874208181574, b5.getDouble(0), 1e-12);
    assertEquals(24.0, b5.getDouble(1));
    assertTrue(b5.getTimestamp(2).toInstant().toString().startsWith("2008-04-0"), b5.getTimestamp(2).toString());
    long missing = lake.read(Tables.CYCLES, "ingest")
        .where("cell_id = 'B0050' AND cycle_type = 'discharge' AND capacity_ah IS NULL").count();
    assertEquals(4, missing, "B0050 has 4 discharge capacities written as []");
  }

  @Test
  void dischargeCurrentIsNegativeAndChargeCurrentPositive() {
    Row signs = lake.read(Tables.TIMESERIES, "ingest").where("cell_id = 'B0005' AND time_s > 60")
        .groupBy().agg(
            org.apache.spark.sql.functions.expr("avg(CASE WHEN cycle_type = 'discharge' THEN current_a END)"),
            org.apache.spark.sql.functions.expr("avg(CASE WHEN cycle_type = 'charge' THEN current_a END)"))
        .first();
    assertTrue(signs.getDouble(0) < -1.5, "discharge mean current " + signs.get(0));
    assertTrue(signs.getDouble(1) > 0.1, "charge mean current " + signs.get(1));
  }

  @Test
  void impedancePointsKeepRealAndImaginaryParts() {
    Row first = lake.read(Tables.IMPEDANCE, "ingest").where("cell_id = 'B0005'")
        .orderBy("cycle_index", "point_index").first();
    // B0005's first impedance line: (-1+1j),(-1+1j),(1+0j),(-0.43892624830326377-0.107298295835479j),...
    assertEquals(-1.0, first.getAs("sense_current_re_a"), 0.0);
    assertEquals(1.0, first.getAs("sense_current_im_a"), 0.0);
    assertEquals(-0.43892624830326377, first.getAs("impedance_re_ohm"), 0.0);
    assertEquals(-0.107298295835479, first.getAs("impedance_im_ohm"), 0.0);
  }

  @Test
  void aSecondIngestReadsNothingAndWritesNoVersion() {
    Map<String, Long> before = counts();
    Map<String, Long> versions = versions();
    IngestJob.Result again = run();
    assertEquals(0, again.filesChanged());
    assertEquals(first.filesChanged(), again.filesUnchanged());
    assertEquals(versions, versions(), "nothing new: no table gets a new version");
    assertEquals(before, counts());
  }

  @Test
  void b0005ChronologicalXGBoostRunIsRecorded() {
    features();
    var config = TestSpark.config();
    var result = io.cyclelake.train.TrainJob.run(lake, config, new io.cyclelake.train.TrainJob.Request("soh",
        "xgboost", "chronological", List.of("B0005"), config.getStringList("cyclelake.train.features"), 42),
        Progress.quiet());
    // B0005 has 168 discharges, all with a capacity: 117 train, 25 validation, 26 test.
    assertEquals(List.of(117L, 25L, 26L), result.metrics().values().stream().map(m -> m.n()).toList());
    assertEquals(3, lake.read(Tables.RUNS, "train").where("run_id = '" + result.runId() + "'").count());
    assertTrue(result.metrics().get("train").mae() < 0.01, "fits its training cycles");
    assertTrue(Double.isFinite(result.metrics().get("test").rmse()));
  }

  private static boolean featuresDone;

  static synchronized void features() {
    if (featuresDone) return;
    var f = TestSpark.config().getConfig("cyclelake.features");
    io.cyclelake.features.FeaturesJob.run(lake, f.getStringList("cycle-types"),
        io.cyclelake.features.IcaAnalysis.Settings.of(f.getConfig("ica")),
        io.cyclelake.config.ConfigRender.hash(TestSpark.config(), "cyclelake.features"), Progress.quiet());
    featuresDone = true;
  }

  /** Issue 4: on B0005's charges the main ICA peak shrinks with ageing (Spearman below -0.8). */
  @Test
  void b0005MainIcaPeakFallsWithAgeing() {
    features();
    List<Row> rows = lake.read(Tables.FEATURES_ICA, "features")
        .where("cell_id = 'B0005' AND cycle_type = 'charge' AND peak1_height_ah_per_v IS NOT NULL")
        .orderBy("cycle_index").select("cycle_index", "peak1_height_ah_per_v", "peak1_voltage_v").collectAsList();
    double[] idx = rows.stream().mapToDouble(r -> r.getInt(0)).toArray();
    double[] height = rows.stream().mapToDouble(r -> r.getDouble(1)).toArray();
    double rho = io.cyclelake.features.kernels.Stats.spearman(idx, height);
    System.out.printf("B0005 charge ICA: %d cycles with a peak; main peak %.3f V -> %.3f V, height %.2f -> %.2f Ah/V;"
        + " Spearman(cycle, height) = %.3f%n", rows.size(), rows.get(0).getDouble(2),
        rows.get(rows.size() - 1).getDouble(2), height[0], height[height.length - 1], rho);
    assertTrue(rows.size() > 150, "B0005 has 170 charges; " + rows.size() + " had a peak");
    assertTrue(rho < -0.8, "Spearman " + rho);
  }

  /** Issue 4: coulomb counting agrees with NASA's Capacity on B0005's discharges (median |rel diff| < 1 %). */
  @Test
  void b0005CoulombCountingMatchesTheReportedCapacity() {
    features();
    List<Row> rows = lake.read(Tables.CYCLE_FEATURES, "features").where("cell_id = 'B0005' AND cycle_type = 'discharge'")
        .join(lake.read(Tables.CYCLES, "ingest").select("cell_id", "cycle_index", "capacity_ah"),
            Lake.CELL_CYCLE)
        .select("charge_ah", "capacity_ah").collectAsList();
    double[] rel = rows.stream().mapToDouble(r -> Math.abs(r.getDouble(0) / r.getDouble(1) - 1)).sorted().toArray();
    double median = rel[rel.length / 2];
    System.out.printf("B0005 discharges: %d; |coulomb count / Capacity - 1|: median %.5f, max %.5f%n", rel.length,
        median, rel[rel.length - 1]);
    assertEquals(168, rel.length);
    assertTrue(median < 0.01, "median " + median);
  }

  private static Map<String, Long> versions() {
    Map<String, Long> v = new HashMap<>();
    for (String t : List.of(Tables.TIMESERIES, Tables.IMPEDANCE, Tables.CYCLES, Tables.QUARANTINE, Tables.FILES)) {
      v.put(t, io.delta.tables.DeltaTable.forPath(lake.spark(), lake.path(t)).history(1).first().getLong(0));
    }
    return v;
  }

  private static Map<String, Long> counts() {
    Map<String, Long> c = new HashMap<>();
    for (String t : List.of(Tables.TIMESERIES, Tables.IMPEDANCE, Tables.CYCLES, Tables.QUARANTINE)) {
      c.put(t, lake.read(t, "ingest").count());
    }
    return c;
  }
}
