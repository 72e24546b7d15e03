package io.cyclelake.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Features are computed once per cycle and settings; new data or new settings compute only what is missing. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FeaturesIncrementalTest {
  @TempDir static Path dir;
  static Lake lake;
  static Path data;

  static FeaturesJob.Result features(String... sets) {
    return FeaturesJob.run(lake, TestSpark.config(sets), Progress.quiet());
  }

  static void ingest() {
    IngestJob.run(lake, SourceReaders.byName("nasa"), data, TestSpark.config().getConfig("cyclelake.ingest.nasa"),
        Set.of(), false, Progress.quiet());
  }

  @Test
  @Order(1)
  void everyCycleOnceThenNothing() throws IOException {
    data = dir.resolve("data");
    SyntheticFleet.write(new FleetSpec(2, 5, List.of(24.0), 30.0, 11), data);
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    ingest();
    FeaturesJob.Result first = features();
    assertEquals(2 * 2 * 5, first.cycles());
    assertTrue(first.icaCycles() > 0);
    assertEquals(20, lake.read(Tables.FEATURES_ICA, "features").count());
    assertEquals(20, lake.read(Tables.ICA_CURVES, "features").count());
    assertEquals(0, features().cycles(), "a rerun with no new data computes nothing");
    assertEquals(20, lake.read(Tables.FEATURES_SUMMARY, "features").count());
  }

  @Test
  @Order(2)
  void newSettingsComputeUnderANewHashAndKeepTheOldRows() {
    assertEquals(20, features("features.ica.grid-step-v=0.01").cycles());
    assertEquals(40, lake.read(Tables.FEATURES_SUMMARY, "features").count());
    assertEquals(2, lake.read(Tables.FEATURES_SUMMARY, "features").select(Tables.FEATURE_HASH).distinct().count());
  }

  @Test
  @Order(3)
  void reingestingACellRecomputesOnlyThatCell() throws IOException {
    Path f = data.resolve("timeseries/discharge/S0001_discharge.csv.gz");
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(0));
    byte[] bytes = Files.readAllBytes(f);
    // Same content, new bytes: a gzip header field differs, so the file counts as changed.
    bytes[4] ^= 1;
    Files.write(f, bytes);
    ingest();
    assertEquals(0, lake.read(Tables.FEATURES_SUMMARY, "features").where("cell_id = 'S0001'").count(),
        "the cell's features were dropped with its samples");
    assertEquals(10, features().cycles(), "S0001's 5 charges and 5 discharges");
    assertEquals(30, lake.read(Tables.FEATURES_SUMMARY, "features").count());
    // Lineage: the recomputed cell's rows name the newer timeseries version they were computed from.
    String current = "feature_config_hash = '" + lake.read(Tables.FEATURES_SUMMARY, "features")
        .where("cell_id = 'S0001'").first().getAs(Tables.FEATURE_HASH) + "'";
    long s1 = lake.read(Tables.FEATURES_SUMMARY, "features").where("cell_id = 'S0001' AND " + current)
        .selectExpr("max(timeseries_version)").first().getLong(0);
    long s0 = lake.read(Tables.FEATURES_SUMMARY, "features").where("cell_id = 'S0002' AND " + current)
        .selectExpr("max(timeseries_version)").first().getLong(0);
    assertEquals(lake.version(Tables.TIMESERIES), s1);
    assertTrue(s0 < s1, "S0002 was computed before the re-ingest: " + s0 + " < " + s1);
    // Early-life rows exist for both cells even though 5 discharges are too few for the default pair 10 -> 100.
    assertEquals(2, lake.read(Tables.FEATURES_EARLY_LIFE, "features").where(current
        + " AND status = 'not-enough-discharges'").count());
  }
}
