package io.cyclelake.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.Markdown;
import io.cyclelake.report.card.ModelCard;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SweepJob;
import io.cyclelake.testkit.SohLake;
import io.cyclelake.testkit.TestSpark;
import io.cyclelake.train.TrainJob;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lineage of a tabular sweep and a train run on the handwritten {@link SohLake}: the stored git commit is the one the
 * build wrote, the stored table versions are the Delta versions of the input tables when the runs read them (the
 * tables get new versions afterwards), and the raw files of a run are exactly the manifest's files of its cells, with
 * their SHA-256. A runs table of the old schema (no lineage columns) takes the new rows.
 */
class RunLineageTest {
  @TempDir static Path dir;
  static Lake lake;
  static Config config;
  static SweepJob.Result sweep;
  static TrainJob.Result train;
  static Map<String, Long> before;
  static final List<String> FEATURES = List.of("cycle_index", "ambient_temperature_c", "voltage_mean_v",
      "temperature_mean_c", "charge_ica_area_ah");

  @BeforeAll
  static void runs() {
    lake = new Lake(TestSpark.get(), dir.resolve("lake").toString());
    config = TestSpark.config("sweep.name=lin", "sweep.split=loco", "split.loco.validation-cells=1",
        "sweep.cells=[S01, S02, S03]", "sweep.features=[" + String.join(",", FEATURES) + "]",
        "sweep.models=[{model=ridge, grid{alpha=[1.0]}}]", "model.xgboost.num-round=5");
    SohLake.write(lake, ConfigRender.hash(config, "cyclelake.features"));
    // a runs table as lakes had it before the lineage columns: one old row
    List<String> old = new ArrayList<>(List.of(Tables.RUNS_SCHEMA.fieldNames()));
    old.removeAll(List.of("git_commit", "input_versions", "raw_files_digest"));
    Object[] v = SohLake.plainRun(old.size(), "old-run");
    var oldSchema = new org.apache.spark.sql.types.StructType(old.stream().map(n -> Tables.RUNS_SCHEMA.apply(n))
        .toArray(org.apache.spark.sql.types.StructField[]::new));
    lake.overwrite(TestSpark.get().createDataFrame(List.of(RowFactory.create(v)), oldSchema), Tables.RUNS);
    before = new TreeMap<>();
    for (String t : List.of(Tables.FEATURES_SUMMARY, Tables.FEATURES_ICA, Tables.FILES)) before.put(t, lake.version(t));
    sweep = SweepJob.run(lake, config, Progress.quiet());
    train = TrainJob.run(lake, config, new TrainJob.Request("soh", "xgboost", "chronological", List.of("S01", "S02"),
        FEATURES, 7L), Progress.quiet());
    // later versions of every input must not show up in the runs' lineage
    SohLake.write(lake, ConfigRender.hash(config, "cyclelake.features"));
  }

  static List<Row> runs(String where) {
    return lake.read(Tables.RUNS, "sweep").where(where).collectAsList();
  }

  @Test
  void theStoredCommitIsTheOneTheBuildWrote() throws Exception {
    String expected = SohLake.buildCommit();
    assertTrue(expected.matches("[0-9a-f]{40}(-dirty)?|unknown"), expected);
    assertEquals(expected, BuildInfo.current().label());
    List<Row> rows = runs("run_id != 'old-run'");
    assertEquals(3 * 3 + 3, rows.size(), "3 folds x 3 parts of the sweep, 3 parts of train");
    for (Row r : rows) assertEquals(expected, r.getAs("git_commit"), r.<String>getAs("run_id"));
    Row old = runs("run_id = 'old-run'").get(0);
    assertNull(old.getAs("git_commit"), "rows written before the lineage columns read as null");
    assertNull(old.getAs("input_versions"));
  }

  @Test
  void buildInfoSaysWhyTheCommitIsUnknown() {
    BuildInfo none = BuildInfo.load(null);
    assertEquals("unknown", none.label());
    assertTrue(none.reason().contains("not built by Maven"), none.reason());
    BuildInfo noGit = BuildInfo.load(new ByteArrayInputStream(("git.commit=unknown\ngit.dirty=false\n"
        + "git.reason=git rev-parse HEAD in /src gave exit 128: fatal: not a git repository\n")
        .getBytes(StandardCharsets.UTF_8)));
    assertEquals("unknown", noGit.label());
    assertTrue(noGit.reason().contains("not a git repository"), noGit.reason());
    String sha = "0123456789abcdef0123456789abcdef01234567";
    assertEquals(sha + "-dirty", BuildInfo.load(new ByteArrayInputStream(("git.commit=" + sha + "\ngit.dirty=true\n")
        .getBytes(StandardCharsets.UTF_8))).label());
  }

  @Test
  void tableVersionsAreTheVersionsTheRunsRead() throws Exception {
    for (Row r : runs("run_id != 'old-run'")) {
      Map<String, Long> stored = new TreeMap<>();
      new ObjectMapper().readTree(r.<String>getAs("input_versions")).fields()
          .forEachRemaining(e -> stored.put(e.getKey(), e.getValue().asLong()));
      assertEquals(before, stored, r.<String>getAs("run_id"));
      assertEquals(before.get(Tables.FEATURES_SUMMARY), r.<Long>getAs("features_version"));
    }
    assertTrue(lake.version(Tables.FEATURES_SUMMARY) > before.get(Tables.FEATURES_SUMMARY), "the fixture moved on");
  }

  @Test
  void rawFilesAreExactlyThoseOfTheRunsCellsWithTheirSha256() throws Exception {
    lake.readVersion(Tables.FILES, before.get(Tables.FILES)).createOrReplaceTempView("files_then");
    TreeSet<String> runIds = new TreeSet<>();
    runs("run_id != 'old-run'").forEach(r -> runIds.add(r.getAs("run_id")));
    assertEquals(4, runIds.size(), "3 folds and the train run");
    for (String id : runIds) {
      Row run = runs("run_id = '" + id + "'").get(0);
      List<String> cells = List.of(run.<String>getAs("cells").split(","));
      String arr = String.join(",", cells.stream().map(c -> "'" + c + "'").toList());
      List<String> expected = lake.spark().sql("select sha256, path from files_then where cells is not null and "
          + "arrays_overlap(split(cells, ','), array(" + arr + ")) order by path").collectAsList().stream()
          .map(r -> r.getString(0) + " " + r.getString(1)).toList();
      List<String> stored = lake.read(Tables.RUN_FILES, "sweep").where("run_id = '" + id + "'")
          .orderBy("path").collectAsList().stream().map(r -> r.<String>getAs("sha256") + " " + r.getAs("path"))
          .toList();
      assertEquals(expected, stored, id);
      assertEquals(2 * cells.size() + 1, stored.size(), id + ": a charge and a discharge file per cell + listing");
      assertFalse(stored.stream().anyMatch(s -> s.contains("S04") || s.contains("X9")), id + " " + stored);
      assertEquals(sha256(String.join("\n", expected) + "\n"), run.getAs("raw_files_digest"));
    }
    assertEquals("S01,S02", runs("run_id = '" + train.runId() + "'").get(0).getAs("cells"));
  }

  @Test
  void runJsonAndTheSweepsLineageJsonCarryTheSame() throws Exception {
    ObjectMapper om = new ObjectMapper();
    JsonNode lin = om.readTree(Files.readString(Path.of(train.runJson()))).get("lineage");
    assertEquals(SohLake.buildCommit(), lin.get("git_commit").asText());
    assertEquals(before.get(Tables.FILES), lin.get("input_versions").get("files").asLong());
    List<String> paths = new ArrayList<>();
    lin.get("raw_files").forEach(f -> {
      paths.add(f.get("path").asText());
      assertEquals(SohLake.sha(f.get("path").asText()).length(), f.get("sha256").asText().length());
    });
    assertEquals(List.of("/raw/S01_charge.csv", "/raw/S01_discharge.csv", "/raw/S02_charge.csv",
        "/raw/S02_discharge.csv", "/raw/metadata.csv"), paths);
    assertEquals(SohLake.sha("/raw/S01_charge.csv"), lin.get("raw_files").get(0).get("sha256").asText());
    JsonNode sw = om.readTree(Files.readString(dir.resolve("lake/_runs/" + sweep.sweepId() + "/lineage.json")));
    assertEquals(sweep.sweepId(), sw.get("sweep_id").asText());
    assertEquals(3, sw.get("runs").size());
    Row r0 = runs("run_id = '" + sweep.sweepId() + "-s0-f0'").get(0);
    assertEquals(r0.<String>getAs("raw_files_digest"), sw.get("runs").get(sweep.sweepId() + "-s0-f0")
        .get("raw_files_digest").asText());
    assertEquals(7, sw.get("raw_files").size(), "files of S01..S03 and the listing");
  }

  @Test
  void theModelCardShowsTheCommitAndTheTableVersions() throws Exception {
    String md = Markdown.render("cards", Map.of(), ModelCard.buildAll(lake, sweep.sweepId(), "x.conf"));
    assertTrue(md.contains(SohLake.buildCommit()), md);
    assertTrue(md.contains("\"features_ica\":" + before.get(Tables.FEATURES_ICA)), md);
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
