package io.cyclelake.tracking;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.model.sequence.SequenceSweepJob;
import io.cyclelake.model.sequence.SequenceSweepJobTest;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SweepJob;
import io.cyclelake.sweep.SweepJobTest;
import io.cyclelake.testkit.TestSpark;
import io.cyclelake.train.TrainJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow tracking against a fake MLflow REST server: a small LOCO sweep (two ridge specs and one that fails) and a
 * {@code train} run on the handwritten lake of {@code SweepJobTest}, and an lstm sequence sweep on that of
 * {@code SequenceSweepJobTest}, are logged, and what the server received equals the lake's rows; an unreachable
 * server leaves the lake complete and prints a warning naming the uri.
 */
class MlflowTrackingTest {
  @TempDir Path dir;

  static final String SWEEP = """
      cyclelake {
        sweep {
          name = "mlflow-test"
          split = "loco"
          features = ["cycle_index", "ambient_temperature_c", "voltage_mean_v", "temperature_mean_c"]
          models = [
            { model = "ridge", grid { alpha = [0.1, 1.0] } }
            { model = "ridge", grid { alpha = [-1.0] } }
          ]
        }
        split.loco.validation-cells = 1
      }
      """;

  Config config(String uri) throws java.io.IOException {
    Path conf = Files.writeString(dir.resolve("sweep.conf"), SWEEP);
    return ConfigLoader.load(Path.of("does-not-exist"), List.of(conf), List.of("spark.master=\"local[2]\"",
        "tracking.mlflow.uri=\"" + uri + "\"", "tracking.mlflow.experiment=\"cyclelake-test\"",
        "tracking.mlflow.timeout-s=60"));
  }

  /** The handwritten features_summary of {@code SweepJobTest}: 3 cells × 40 discharges (and the charges). */
  static Lake lake(Path root, Config config) {
    Lake lake = new Lake(TestSpark.get(), root.toString());
    SweepJobTest.writeFeatures(lake, ConfigRender.hash(config, "cyclelake.features"));
    return lake;
  }

  @Test
  void sweepAndTrainRunsAreLoggedWithTheLakesValues() throws Exception {
    try (FakeMlflowServer mlflow = new FakeMlflowServer()) {
      Config config = config(mlflow.uri());
      Lake lake = lake(dir.resolve("lake"), config);
      SweepJob.Result result = SweepJob.run(lake, config, new Progress(System.out));
      assertEquals(9, result.tasks());
      assertEquals(3, result.failed());

      assertEquals(List.of(), mlflow.unexpected);
      assertEquals(Map.of("cyclelake-test", "1"), mlflow.experiments);
      List<Row> runs = lake.read(Tables.RUNS, "test").where(col("sweep_id").equalTo(result.sweepId()))
          .collectAsList();
      Map<String, List<Row>> byRun = new HashMap<>();
      for (Row r : runs) byRun.computeIfAbsent(r.getAs("run_id"), k -> new ArrayList<>()).add(r);
      assertEquals(9, byRun.size());
      assertEquals(9, mlflow.runs.size(), "one MLflow run per CycleLake run");
      Map<String, Double> coverage = coverage(lake, result.sweepId());
      String configHash = ConfigRender.hash(config, "cyclelake");
      for (var e : byRun.entrySet()) {
        String runId = e.getKey();
        Row first = e.getValue().get(0);
        FakeMlflowServer.Run r = mlflow.byName(runId);
        assertNotNull(r, "no MLflow run named " + runId);
        assertEquals("1", r.experimentId);
        boolean ok = first.getAs("status").equals("ok");
        assertEquals(ok ? "FINISHED" : "FAILED", r.status, runId);
        assertEquals(runId, r.tags.get("cyclelake.run_id"));
        assertEquals(result.sweepId(), r.tags.get("cyclelake.sweep_id"));
        assertEquals(first.getAs("status"), r.tags.get("cyclelake.status"));
        assertEquals(((java.sql.Timestamp) first.getAs("created_at")).getTime(), r.startTime);

        Map<String, String> params = new HashMap<>();
        params.put("task", "soh");
        params.put("model", "ridge");
        params.put("split", "loco");
        params.put("fold", first.getAs("fold"));
        params.put("cells", first.getAs("cells"));
        params.put("features", "cycle_index,ambient_temperature_c,voltage_mean_v,temperature_mean_c");
        params.put("seed", "42");
        params.put("config_hash", configHash);
        assertEquals(configHash, first.getAs("config_hash"));
        params.put("feature_config_hash", first.getAs("feature_config_hash_used"));
        params.put("features_version", first.getAs("features_version").toString());
        params.put("sweep_id", result.sweepId());
        params.put("model.alpha", ConfigFactory.parseString(first.getAs("params")).getValue("alpha").unwrapped()
            .toString());
        assertEquals(params, r.params, runId);

        Map<String, Double> metrics = expectedMetrics(e.getValue(), coverage, runId);
        if (ok) {
          assertTrue(metrics.containsKey("test_coverage"), "the test part has an interval: " + metrics.keySet());
          byte[] saved = Files.readAllBytes(dir.resolve("lake/_runs/" + result.sweepId() + "/" + runId + ".model"));
          assertEquals(List.of(runId + ".model"), List.copyOf(r.artifacts.keySet()));
          assertArrayEquals(saved, r.artifacts.get(runId + ".model"), "artifact = the saved model file");
        } else {
          assertTrue(r.tags.get("cyclelake.error").contains("alpha"), r.tags.toString());
          assertTrue(r.artifacts.isEmpty());
        }
        assertEquals(metrics, r.metrics, runId);
      }

      // A train run: one MLflow run with its run.json as artifact and train.* / model.xgboost.* as params.
      TrainJob.Result train = TrainJob.run(lake, config, new TrainJob.Request("soh", "xgboost", "chronological",
          List.of(), List.of("cycle_index", "voltage_mean_v"), 42), new Progress(System.out));
      FakeMlflowServer.Run t = mlflow.byName(train.runId());
      assertNotNull(t);
      assertEquals("FINISHED", t.status);
      assertEquals(List.of(), mlflow.unexpected);
      assertArrayEquals(Files.readAllBytes(Path.of(train.runJson().replace("file:", ""))),
          t.artifacts.get("run.json"));
      assertEquals("xgboost", t.params.get("model"));
      assertEquals("chronological", t.params.get("split"));
      assertEquals(configHash, t.params.get("config_hash"));
      assertEquals(config.getString("cyclelake.model.xgboost.max-depth"), t.params.get("model.max-depth"));
      assertTrue(!t.params.containsKey("fold") && !t.params.containsKey("sweep_id"), t.params.toString());
      for (Row row : lake.read(Tables.RUNS, "test").where(col("run_id").equalTo(train.runId())).collectAsList()) {
        assertEquals((Double) row.getAs("mae"), t.metrics.get(row.getAs("part") + "_mae"));
        assertEquals((Double) row.getAs("r2"), t.metrics.get(row.getAs("part") + "_r2"));
      }
    }
  }

  /** Coverage of the all-cells fold_metrics rows of a sweep, by "run id/part". */
  static Map<String, Double> coverage(Lake lake, String sweepId) {
    Map<String, Double> coverage = new HashMap<>();
    for (Row m : lake.read(Tables.FOLD_METRICS, "test").where(col("sweep_id").equalTo(sweepId)
        .and(col("cell_id").equalTo("*"))).collectAsList()) {
      if (!m.isNullAt(m.fieldIndex("coverage"))) {
        coverage.put(m.getAs("run_id") + "/" + m.getAs("part"), m.getAs("coverage"));
      }
    }
    return coverage;
  }

  /** The metrics a run's runs rows (and coverage) must appear as in MLflow, fit_seconds included. */
  static Map<String, Double> expectedMetrics(List<Row> runRows, Map<String, Double> coverage, String runId) {
    Map<String, Double> metrics = new HashMap<>();
    for (Row row : runRows) {
      if (!row.getAs("status").equals("ok")) continue;
      String part = row.getAs("part");
      metrics.put(part + "_n", ((Long) row.getAs("n")).doubleValue());
      for (String m : List.of("mae", "rmse", "mape_pct", "r2", "within_3pct", "within_5pct")) {
        metrics.put(part + "_" + m, row.getAs(m));
      }
      Double cov = coverage.get(runId + "/" + part);
      if (cov != null) metrics.put(part + "_coverage", cov);
    }
    metrics.put("fit_seconds", runRows.get(0).getAs("fit_seconds"));
    return metrics;
  }

  @Test
  void sequenceSweepRunsAreLoggedToo() throws Exception {
    try (FakeMlflowServer mlflow = new FakeMlflowServer()) {
      Path conf = Files.writeString(dir.resolve("seq.conf"), """
          cyclelake {
            sequence { channels = ["voltage_v", "time_s"], mode = "resample", max-length = 8 }
            sweep {
              name = "seq-mlflow", cells = [], split = "loco"
              models = [{ model = "lstm", grid { units = [4], epochs = [2], batch-size = [8] } }]
            }
            split.loco.validation-cells = 1
          }
          """);
      Config config = ConfigLoader.load(Path.of("does-not-exist"), List.of(conf), List.of(
          "spark.master=\"local[2]\"", "tracking.mlflow.uri=\"" + mlflow.uri() + "\"",
          "tracking.mlflow.timeout-s=60"));
      Lake lake = new Lake(TestSpark.get(), dir.resolve("seq-lake").toString());
      SequenceSweepJobTest.write(lake, ConfigRender.hash(config, "cyclelake.features"));
      var result = SequenceSweepJob.run(lake, config, new Progress(System.out));
      assertEquals(List.of(), mlflow.unexpected);
      assertEquals(Map.of("cyclelake", "1"), mlflow.experiments, "the default experiment");
      Map<String, List<Row>> byRun = new HashMap<>();
      for (Row r : lake.read(Tables.RUNS, "test").where(col("sweep_id").equalTo(result.sweepId())).collectAsList()) {
        byRun.computeIfAbsent(r.getAs("run_id"), k -> new ArrayList<>()).add(r);
      }
      assertEquals(3, byRun.size());
      assertEquals(3, mlflow.runs.size());
      Map<String, Double> coverage = coverage(lake, result.sweepId());
      for (var e : byRun.entrySet()) {
        FakeMlflowServer.Run r = mlflow.byName(e.getKey());
        assertNotNull(r, e.getKey());
        Row first = e.getValue().get(0);
        assertEquals("FINISHED", r.status);
        assertEquals("lstm", r.params.get("model"));
        assertEquals(first.getAs("fold"), r.params.get("fold"));
        assertEquals("sequence:resample:8:voltage_v+time_s", r.params.get("features"));
        assertEquals(result.sweepId(), r.params.get("sweep_id"));
        assertEquals("4", r.params.get("model.units"));
        assertEquals("2", r.params.get("model.epochs"));
        assertEquals(expectedMetrics(e.getValue(), coverage, e.getKey()), r.metrics, e.getKey());
        // the loss per epoch, as in training_curves, with the epoch as MLflow's step
        Map<String, Map<Integer, Double>> history = new HashMap<>();
        for (Row c : lake.read(Tables.TRAINING_CURVES, "test").where(col("run_id").equalTo(e.getKey()))
            .collectAsList()) {
          history.computeIfAbsent("train_loss", k -> new java.util.TreeMap<>()).put(c.getAs("epoch"),
              c.getAs("train_loss"));
          history.computeIfAbsent("val_loss", k -> new java.util.TreeMap<>()).put(c.getAs("epoch"),
              c.getAs("val_loss"));
        }
        assertEquals(2, history.get("train_loss").size(), "2 epochs");
        assertEquals(history, r.history, e.getKey());
        assertArrayEquals(Files.readAllBytes(dir.resolve("seq-lake/_runs/" + result.sweepId() + "/" + e.getKey()
            + ".model")), r.artifacts.get(e.getKey() + ".model"));
      }
    }
  }

  @Test
  void anUnreachableServerLeavesTheLakeCompleteAndWarns() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String uri = "http://127.0.0.1:" + port;
    Config config = config(uri);
    Lake lake = lake(dir.resolve("lake"), config);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SweepJob.Result result = SweepJob.run(lake, config,
        new Progress(new PrintStream(out, true, StandardCharsets.UTF_8)));
    String printed = out.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertTrue(printed.contains("WARNING: MLflow tracking at " + uri + " failed"), printed);
    assertTrue(printed.contains("0 of 9 runs logged"), printed);

    List<Row> runs = lake.read(Tables.RUNS, "test").where(col("sweep_id").equalTo(result.sweepId())).collectAsList();
    TreeSet<String> ok = new TreeSet<>();
    TreeSet<String> all = new TreeSet<>();
    for (Row r : runs) {
      all.add(r.getAs("run_id"));
      if (r.getAs("status").equals("ok")) ok.add(r.getAs("run_id"));
    }
    assertEquals(9, all.size());
    assertEquals(6, ok.size());
    assertEquals(6 * 3, runs.stream().filter(r -> r.getAs("status").equals("ok")).count(),
        "train/validation/test rows");
    TreeSet<String> predicted = new TreeSet<>(lake.read(Tables.PREDICTIONS, "test").select("run_id").distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(ok, predicted);
    assertEquals(ok, new TreeSet<>(lake.read(Tables.FOLD_METRICS, "test").select("run_id").distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    for (String id : ok) assertTrue(Files.exists(dir.resolve("lake/_runs/" + result.sweepId() + "/" + id + ".model")));
  }

  @Test
  void localStoresAndBadSettingsAreConfigurationErrors() {
    for (String uri : List.of("file:///tmp/mlruns", "/tmp/mlruns", "mlruns", "ftp://host")) {
      CycleLakeException e = assertThrows(CycleLakeException.class, () -> MlflowSettings.of(TestSpark.config(
          "tracking.mlflow.uri=\"" + uri + "\"")));
      assertEquals(ErrorCode.CONFIG_INVALID, e.code());
      assertTrue(e.getMessage().contains(uri), e.getMessage());
    }
    assertEquals(false, MlflowSettings.of(TestSpark.config()).enabled());
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> MlflowSettings.of(TestSpark.config(
        "tracking.mlflow.uri=\"http://h:5000\"", "tracking.mlflow.artifacts=\"s3\"")));
    assertEquals(ErrorCode.CONFIG_INVALID, e.code());
  }

  @Test
  void proxyUrlsResolveLikeThePythonClient() {
    assertEquals("http://h:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/run.json",
        MlflowTracker.proxyUrl("http://h:5000", "mlflow-artifacts:/1/abc/artifacts", "run.json").toString());
    assertEquals("https://h/mlflow/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/m.model",
        MlflowTracker.proxyUrl("https://h/mlflow/", "mlflow-artifacts:/1/abc/artifacts", "m.model").toString());
    assertEquals("http://other:5001/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/run.json",
        MlflowTracker.proxyUrl("http://h:5000", "mlflow-artifacts://other:5001/1/abc/artifacts", "run.json")
            .toString());
  }
}
