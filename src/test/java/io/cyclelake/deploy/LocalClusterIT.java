package io.cyclelake.deploy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cyclelake.cli.CycleLake;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.testkit.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CycleLake on a real Spark standalone cluster: {@code deploy/local-cluster/start.sh} starts a master and two workers
 * (separate JVMs on 127.0.0.1, each offering 2 cores, 2 GB and 2 fake GPUs) from the Spark home assembled out of Maven's jars; the application
 * jar ({@code target/cyclelake.jar}, hence an integration test: it runs after {@code package}) is submitted with
 * {@code org.apache.spark.deploy.SparkSubmit} (through the Spark home's {@code bin/spark-submit}):
 * <ul>
 *   <li>client deploy mode: {@code reprocess} (ingest → features of the input listed in {@code ingest.inputs}), then a
 *       LOCO sweep ({@code conf/sweeps/synthetic-loco.conf}) of a tiny SYNTHETIC fleet (3 cells × 12 cycles) into a
 *       lake directory, executors on both workers;</li>
 *   <li>cluster deploy mode: a {@code sql} query whose driver a worker runs;</li>
 *   <li>then a sequence sweep with {@code gpu.enabled} (client mode, a copy of the lake): each worker announces two
 *       fake GPUs ({@code CLUSTER_WORKER_GPUS=2}, {@code deploy/local-cluster/fake-gpus.sh}), one executor of 2 cores
 *       holds both, and tasks that train at the same time must get different addresses.</li>
 * </ul>
 * Meanwhile {@code ingest}, {@code features} and {@code sweep} run in this JVM's {@code local[2]} session on the same
 * input into a second lake, and every Delta table of both lakes must hold the same rows (timing columns, the
 * configuration text and the sweep's generated id left out). The cluster is stopped in {@link #stop()}, and by a shutdown hook if the JVM dies first.
 */
@Tag("cluster")
class LocalClusterIT {
  /** Columns that record when or how long, or the configuration text (which names the lake and master). */
  static final Set<String> IGNORED = Set.of("created_at", "ingested_at", "fit_seconds", "config", "config_hash");
  static final String QUERY = "select cell_id, cycle_type, count(*) as n, round(sum(capacity_ah), 9) as capacity_ah "
      + "from cycles group by cell_id, cycle_type order by cell_id, cycle_type";

  static final String QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  @TempDir static Path dir;
  static Path project;
  static Path run;
  static Path input;
  static Path clusterLake;
  static Path localLake;
  static Properties cluster;
  static String clusterModeLog;
  static Path clusterModeDriver;
  static final List<String> clientApps = new ArrayList<>();
  static Path gpuLake;
  static String gpuApp;
  static String gpuSweepLog;
  static Throwable gpuFailure;
  static Thread stopHook;

  @BeforeAll
  static void runOnTheClusterAndLocally() throws Exception {
    project = Path.of(System.getProperty("cyclelake.project.dir", ".")).toAbsolutePath().normalize();
    Path jar = Path.of(System.getProperty("cyclelake.app.jar", project.resolve("target/cyclelake.jar").toString()));
    assertTrue(Files.isRegularFile(jar), jar + " is missing: this test runs in `mvn verify` after `package`");
    input = dir.resolve("data");
    SyntheticFleet.write(new FleetSpec(3, 12, List.of(4.0, 24.0, 43.0), 20.0, 11L), input);
    clusterLake = dir.resolve("lake-cluster");
    localLake = dir.resolve("lake-local");
    run = dir.resolve("cluster");

    stopHook = new Thread(LocalClusterIT::stopCluster);
    Runtime.getRuntime().addShutdownHook(stopHook);
    long t0 = System.nanoTime();
    // 2 workers of 2 cores and 2 GB (what they offer to executors and drivers; each JVM has its own heap), each
    // announcing 2 fake GPUs (deploy/local-cluster/fake-gpus.sh) for the GPU sweep.
    Result started = exec(List.of(project.resolve("deploy/local-cluster/start.sh").toString(), run.toString()),
        Map.of("CLUSTER_WORKERS", "2", "CLUSTER_WORKER_CORES", "2", "CLUSTER_WORKER_MEMORY", "2g",
            "CLUSTER_WORKER_GPUS", "2"),
        dir.resolve("start.log"), 240);
    assertEquals(0, started.exit, "start.sh failed:\n" + started.output);
    cluster = new Properties();
    try (var r = Files.newBufferedReader(run.resolve("cluster.env"))) {
      cluster.load(r);
    }
    assertTrue(started.output.strip().endsWith(cluster.getProperty("MASTER_URL")), started.output);
    log("cluster up at %s in %.1f s", cluster.getProperty("MASTER_URL"), secs(t0));

    String sweepConf = project.resolve("conf/sweeps/synthetic-loco.conf").toString();
    // The local[2] run goes on in this JVM while the cluster works (CPU is scarce, and most of a submission's time
    // is JVM start-up and warm-up, which the other side can overlap). Its console output goes to a file.
    FutureTask<List<String>> localRun = new FutureTask<>(() -> runLocally(sweepConf));
    Thread local = new Thread(localRun, "local-run");
    local.start();
    try {
      // ingest → features as one application: `reprocess` over the one input of cyclelake.ingest.inputs.
      String reprocess = submit("client", "reprocess", "--lake", clusterLake.toString(),
          "--set", "ingest.inputs=[{source=nasa, path=\"" + input + "\"}]");
      assertTrue(reprocess.contains("reprocess: 6 files read across 1 inputs"), tail(reprocess));
      // The sweep (client mode, an executor on each worker) and a query of the ingested cycles in cluster mode (its
      // driver on one worker, its executor on the other) run at the same time: each worker offers 2 cores.
      FutureTask<String> query = new FutureTask<>(() ->
          submit("cluster", "sql", "--csv", "--lake", clusterLake.toString(), QUERY));
      Thread q = new Thread(query, "cluster-mode-submit");
      q.start();
      try {
        submit("client", "sweep", "--conf", sweepConf, "--lake", clusterLake.toString(),
            "--set", "report.cards.dir=\"" + dir.resolve("cards-cluster") + "\"");
      } finally {
        clusterModeLog = query.get(600, TimeUnit.SECONDS);
      }
      // A failure here fails only the GPU test (below), not the comparison with local mode.
      try {
        gpuSweep();
      } catch (Exception | AssertionError e) {
        gpuFailure = e;
      }
    } finally {
      List<String> failures = localRun.get(600, TimeUnit.SECONDS);
      assertTrue(failures.isEmpty(), "local run: " + failures);
    }
  }

  /**
   * A sequence sweep with {@code gpu.enabled} (client mode) on a copy of the cluster's lake: one executor of 2 cores
   * holding the 2 fake GPUs of its worker, training tasks asking 1 GPU each by stage-level scheduling, so two tasks
   * train at a time on the executor, each with its own address. The CPU backend trains ({@code gpu.require-cuda =
   * false}).
   */
  static void gpuSweep() throws Exception {
    gpuLake = dir.resolve("lake-gpu");
    copyTree(clusterLake, gpuLake);
    Path conf = Files.writeString(dir.resolve("gpu-sweep.conf"), """
        cyclelake {
          sequence { channels = ["voltage_v", "current_a", "time_s"], max-length = 16 }
          sweep {
            name = "gpu-it", split = "loco", save-models = false
            models = [ { model = "lstm", grid { units = [4], epochs = [2], batch-size = [16],
                                                learning-rate = [0.01, 0.003] } } ]
          }
          split.loco.validation-cells = 1
          gpu { enabled = true, task-amount = 1, require-cuda = false }
        }
        """);
    Submitted gpu = submitWith("client", List.of("--executor-cores", "2", "--total-executor-cores", "2",
        "--conf", "spark.executor.resource.gpu.amount=2"),
        "sweep", "--conf", conf.toString(), "--lake", gpuLake.toString());
    gpuApp = gpu.app();
    gpuSweepLog = gpu.output();
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  /** ingest, features and sweep in this JVM's local[2] session; returns the commands that failed. */
  static List<String> runLocally(String sweepConf) throws IOException {
    long t1 = System.nanoTime();
    TestSpark.get();
    List<String> failures = new ArrayList<>();
    try (PrintStream file = new PrintStream(Files.newOutputStream(dir.resolve("local-run.log")), true,
        StandardCharsets.UTF_8)) {
      for (String[] args : List.of(
          new String[] {"ingest", "--source", "nasa", "--input", input.toString()},
          new String[] {"features"},
          new String[] {"sweep", "--conf", sweepConf, "--set", "report.cards.dir=\"" + dir.resolve("cards-local") + "\""})) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--lake", localLake.toString()));
        int exit = LOCAL_OUT.with(file, () -> CycleLake.execute(a.toArray(String[]::new)));
        if (exit != 0) failures.add(a + " exited " + exit + " (see " + dir.resolve("local-run.log") + ")");
      }
    }
    log("ingest, features, sweep in local[2] (beside the cluster): %.1f s", secs(t1));
    return failures;
  }

  @AfterAll
  static void stop() {
    stopCluster();
    if (stopHook != null) Runtime.getRuntime().removeShutdownHook(stopHook);
    if (run != null) {
      assertTrue(processesOf(run).isEmpty(), "processes left after stop.sh: " + processesOf(run));
    }
  }

  @Test
  void everyTableOfTheClusterRunEqualsTheLocalRun() {
    SparkSession spark = TestSpark.get();
    Set<String> tables = tables(localLake);
    assertEquals(tables, tables(clusterLake), "tables of the two lakes");
    for (String t : List.of("timeseries", "cycles", "files", "features_summary", "features_ica", "ica_curves",
        "runs", "fold_metrics", "predictions", "feature_importance")) {
      assertTrue(tables.contains(t), t + " missing from " + tables);
    }
    String localSweep = sweepId(spark, localLake);
    String clusterSweep = sweepId(spark, clusterLake);
    for (String t : tables) {
      Dataset<Row> local = comparable(spark.read().format("delta").load(localLake.resolve(t).toString()), localSweep);
      Dataset<Row> remote = comparable(spark.read().format("delta").load(clusterLake.resolve(t).toString()),
          clusterSweep);
      assertEquals(List.of(local.columns()), List.of(remote.columns()), t + ": columns");
      // Multisets of rows (tables are small): each row as its text, sorted.
      List<String> a = local.collectAsList().stream().map(Row::toString).sorted().toList();
      List<String> b = remote.collectAsList().stream().map(Row::toString).sorted().toList();
      long n = a.size();
      assertEquals(n, b.size(), t + ": rows");
      if (!a.equals(b)) {
        List<String> onlyLocal = new ArrayList<>(a);
        b.forEach(onlyLocal::remove);
        List<String> onlyCluster = new ArrayList<>(b);
        a.forEach(onlyCluster::remove);
        fail(t + " differs; only local: " + onlyLocal.subList(0, Math.min(5, onlyLocal.size()))
            + "; only on the cluster: " + onlyCluster.subList(0, Math.min(5, onlyCluster.size())));
      }
      log("%-20s %6d rows equal", t, n);
    }
    // Not an empty success: rows of every stage, and the sweep's runs all succeeded.
    assertEquals(3L * 12 * 2, spark.read().format("delta").load(clusterLake.resolve("cycles").toString()).count());
    assertTrue(spark.read().format("delta").load(clusterLake.resolve("timeseries").toString()).count() > 1000);
    Dataset<Row> runs = spark.read().format("delta").load(clusterLake.resolve("runs").toString());
    assertEquals(0, runs.where("status != 'ok'").count(), "failed sweep runs on the cluster");
    assertEquals(5L * 3, runs.select("run_id").distinct().count(), "5 specs x 3 LOCO folds");
    // lineage: the jar spark-submit ran carries the commit of this build (equal in both lakes, checked above)
    List<Row> commits = runs.select("git_commit").distinct().collectAsList();
    assertEquals(1, commits.size(), commits.toString());
    try {
      assertEquals(io.cyclelake.testkit.SohLake.buildCommit(), commits.get(0).getString(0));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void clientModeAppsRanExecutorsOnBothWorkers() throws IOException {
    assertEquals(2, clientApps.size(), clientApps.toString());
    for (String app : clientApps) {
      for (int w = 1; w <= 2; w++) {
        Path appDir = run.resolve("work/worker-" + w + "/" + app);
        assertTrue(Files.isDirectory(appDir), app + " had no executor on worker " + w + " (" + appDir + ")");
      }
      // The event log (spark.eventLog.*) names the application and its end.
      Path events = run.resolve("events/" + app);
      assertTrue(Files.isRegularFile(events), "no event log " + events);
      String log = Files.readString(events);
      assertTrue(log.contains("\"Event\":\"SparkListenerApplicationEnd\""), events + " has no application end");
    }
  }

  @Test
  void clusterModeDriverRanOnAWorkerAndAnsweredLikeLocalMode() throws IOException {
    assertTrue(clusterModeLog.contains("is FINISHED"), "driver state:\n" + tail(clusterModeLog));
    assertTrue(clusterModeDriver != null && clusterModeDriver.startsWith(run.resolve("work")), "" + clusterModeDriver);
    String remote = Files.readString(clusterModeDriver.resolve("stdout"));
    String[] out = new String[1];
    assertEquals(0, capture(out, "sql", "--csv", "--lake", localLake.toString(), QUERY), out[0]);
    assertTrue(out[0].startsWith("cell_id,cycle_type,n,capacity_ah\n"), out[0]);
    assertEquals(7, out[0].lines().count(), "header + 3 cells x 2 cycle types:\n" + out[0]);
    assertEquals(out[0].strip(), remote.strip());
  }

  /**
   * GPU training tasks: every task of the GPU sweep recorded one of its executor's two (fake) GPU addresses, tasks
   * that trained at the same time on the same executor had different addresses, and such tasks did overlap (else
   * distinctness would prove nothing). The event log shows that the training stage alone ran with the GPU profile.
   */
  @Test
  void concurrentTrainingTasksOnAnExecutorGotDistinctGpuAddresses() throws IOException {
    if (gpuFailure != null) throw new AssertionError("the GPU sweep failed", gpuFailure);
    assertTrue(gpuSweepLog.contains("training stage asks 1 GPU per task"), tail(gpuSweepLog));
    SparkSession spark = TestSpark.get();
    Dataset<Row> runs = spark.read().format("delta").load(gpuLake.resolve("runs").toString())
        .where("sweep_id like 'gpu-it-%'");
    assertEquals(0, runs.where("status != 'ok'").count(), "failed GPU sweep runs: "
        + runs.where("status != 'ok'").select("run_id", "error").collectAsList());
    List<Row> tasks = spark.read().format("delta").load(gpuLake.resolve("training_tasks").toString())
        .where("sweep_id like 'gpu-it-%'").collectAsList();
    assertEquals(2 * 3, tasks.size(), "2 specs x 3 LOCO folds: " + tasks);
    assertEquals(runs.select("run_id").distinct().count(), tasks.size());
    Set<String> executors = new TreeSet<>();
    for (Row t : tasks) {
      String address = t.getAs("gpu_address");
      assertTrue(Set.of("0", "1").contains(address), "one of the executor's 2 GPU addresses: " + t);
      assertEquals("CpuBackend", t.getAs("nd4j_backend"), t.toString());
      assertTrue(t.isNullAt(t.fieldIndex("nd4j_device")), "the CPU backend binds no device: " + t);
      assertFalse("driver".equals(t.getAs("executor_id")), "trained on an executor: " + t);
      executors.add(t.getAs("executor_id"));
    }
    assertEquals(1, executors.size(), "one executor of 2 cores took both GPUs of its worker: " + executors);
    int overlapping = 0;
    for (int i = 0; i < tasks.size(); i++) {
      for (int j = i + 1; j < tasks.size(); j++) {
        Row a = tasks.get(i);
        Row b = tasks.get(j);
        boolean sameExecutor = a.getAs("executor_id").equals(b.getAs("executor_id"))
            && a.getAs("host").equals(b.getAs("host"));
        boolean concurrent = ((java.sql.Timestamp) a.getAs("started_at")).before(b.getAs("finished_at"))
            && ((java.sql.Timestamp) b.getAs("started_at")).before(a.getAs("finished_at"));
        if (sameExecutor && concurrent) {
          overlapping++;
          assertFalse(a.getAs("gpu_address").equals(b.getAs("gpu_address")),
              "concurrent tasks on one executor shared a GPU address:\n" + a + "\n" + b);
        }
      }
    }
    assertTrue(overlapping >= 1, "no two training tasks ran at the same time on the executor: " + tasks);
    log("GPU sweep: %d tasks on executor %s, %d concurrent pairs with distinct addresses", tasks.size(), executors,
        overlapping);

    // Each task printed its backend and address in the executor's stdout.
    Path executorDir;
    try (Stream<Path> s = Files.find(run.resolve("work"), 3, (p, a) -> a.isDirectory()
        && p.getParent().getFileName().toString().equals(gpuApp))) {
      List<Path> dirs = s.toList();
      assertEquals(1, dirs.size(), "executor directories of " + gpuApp + ": " + dirs);
      executorDir = dirs.get(0);
    }
    String stdout = Files.readString(executorDir.resolve("stdout"));
    assertEquals(tasks.size(), stdout.lines().filter(l -> l.contains("nd4j backend CpuBackend (cpu), gpu address ")
        && l.contains("the CPU backend has no device: GPU address recorded only")).count(), tail(stdout));

    // Stage-level scheduling: one profile asking 1 GPU per task, used by the training stage only.
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Map<Integer, Double> gpuProfiles = new java.util.TreeMap<>();
    Map<String, Integer> stageProfiles = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(run.resolve("events/" + gpuApp))) {
      var e = json.readTree(line);
      String event = e.path("Event").asText();
      if (event.equals("SparkListenerResourceProfileAdded")) {
        var gpuReq = e.path("Task Resource Requests").path("gpu");
        if (!gpuReq.isMissingNode()) gpuProfiles.put(e.path("Resource Profile Id").asInt(), gpuReq.path("Amount").asDouble());
      } else if (event.equals("SparkListenerStageSubmitted")) {
        var info = e.path("Stage Info");
        stageProfiles.put(info.path("Stage ID").asInt() + " " + info.path("Stage Name").asText(),
            info.path("Resource Profile Id").asInt());
      }
    }
    assertEquals(1, gpuProfiles.size(), "profiles asking GPUs: " + gpuProfiles);
    assertEquals(1.0, gpuProfiles.values().iterator().next());
    int gpuProfile = gpuProfiles.keySet().iterator().next();
    List<String> gpuStages = stageProfiles.entrySet().stream().filter(x -> x.getValue() == gpuProfile)
        .map(Map.Entry::getKey).toList();
    assertEquals(1, gpuStages.size(), "stages with the GPU profile: " + stageProfiles);
    assertTrue(gpuStages.get(0).contains("collect at TrainingStage.java"), "the training stage: " + gpuStages);
    assertTrue(stageProfiles.size() > 1 && stageProfiles.values().stream().filter(v -> v == 0).count()
        == stageProfiles.size() - 1, "every other stage on the default profile: " + stageProfiles);
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** Submits one CycleLake command; returns spark-submit's output. Fails with the output's tail when it fails. */
  static String submit(String deployMode, String... args) throws Exception {
    Submitted s = submitWith(deployMode, List.of(), args);
    if (s.app() != null) clientApps.add(s.app());
    return s.output();
  }

  /** spark-submit's output and, in client mode, the application id. */
  record Submitted(String output, String app) {}

  /**
   * Submits one CycleLake command with further spark-submit options ({@code extra}, after the common ones: the last
   * of a repeated option wins).
   */
  static Submitted submitWith(String deployMode, List<String> extra, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(cluster.getProperty("SPARK_HOME"), "bin", "spark-submit")
            .toString(),
        "--master", cluster.getProperty("MASTER_URL"), "--deploy-mode", deployMode,
        "--class", CycleLake.class.getName(), "--name", "cyclelake-it-" + args[0],
        "--driver-memory", "1g", "--executor-memory", "640m", "--executor-cores", "1",
        "--conf", "spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension",
        "--conf", "spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.default.parallelism=2",
        "--conf", "spark.ui.enabled=false",
        // Short JVMs on 2 cores: C1 only and the serial collector roughly halve a small job's time here.
        "--conf", "spark.executor.extraJavaOptions=" + QUICK_JVM));
    if (deployMode.equals("client")) {
      cmd.addAll(List.of("--total-executor-cores", "2",
          "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + run.resolve("events").toUri(),
          "--driver-java-options", QUICK_JVM + " -Dlog4j2.configurationFile="
              + project.resolve("conf/log4j2.properties")));
    } else {
      // The driver takes one worker (1 core, 1g); the executor the other. The driver of a standalone cluster-mode
      // submission gets no Java 17 options from Spark: they go in spark.driver.extraJavaOptions.
      cmd.addAll(List.of("--driver-cores", "1", "--total-executor-cores", "1",
          "--conf", "spark.standalone.submit.waitAppCompletion=true",
          "--conf", "spark.driver.extraJavaOptions=" + QUICK_JVM + " " + String.join(" ",
              java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                  .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognized")
                      || a.startsWith("-Djdk.reflect")).toList())));
    }
    cmd.addAll(extra);
    cmd.add(Path.of(System.getProperty("cyclelake.app.jar", project.resolve("target/cyclelake.jar").toString()))
        .toString());
    cmd.addAll(List.of(args));
    long t0 = System.nanoTime();
    Path logFile = dir.resolve("submit-" + deployMode + "-" + args[0] + ".log");
    for (int k = 2; Files.exists(logFile); k++) {
      logFile = dir.resolve("submit-" + deployMode + "-" + args[0] + "-" + k + ".log");
    }
    Set<String> driversBefore = drivers();
    Result r = exec(cmd, Map.of("SPARK_HOME", cluster.getProperty("SPARK_HOME"), "SPARK_LOCAL_IP", "127.0.0.1",
        "SPARK_SCALA_VERSION", "2.12"), logFile, 400);
    log("%s mode %s: exit %d in %.1f s", deployMode, args[0], r.exit, secs(t0));
    if (r.exit != 0) fail(deployMode + " " + args[0] + " exited " + r.exit + ":\n" + tail(r.output));
    if (deployMode.equals("client")) {
      var m = Pattern.compile("Connected to Spark cluster with app ID (app-[0-9-]+)").matcher(r.output);
      // The application id is in the driver's INFO log; conf/log4j2.properties keeps Spark at WARN, so ask the
      // event log directory for the application that appeared.
      String app = m.find() ? m.group(1) : newestEventLog(clientApps);
      return new Submitted(r.output, app);
    } else {
      Set<String> after = drivers();
      after.removeAll(driversBefore);
      assertEquals(1, after.size(), "driver directories that appeared: " + after);
      clusterModeDriver = Path.of(after.iterator().next());
      if (!r.output.contains("is FINISHED")) {
        fail("the cluster-mode driver did not finish: " + tail(r.output) + "\ndriver stderr:\n"
            + tail(Files.readString(clusterModeDriver.resolve("stderr"))));
      }
    }
    return new Submitted(r.output, null);
  }

  static String newestEventLog(List<String> known) throws IOException {
    try (Stream<Path> s = Files.list(run.resolve("events"))) {
      List<String> fresh = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("app-"))
          .filter(n -> !known.contains(n)).sorted().toList();
      assertEquals(1, fresh.size(), "new event logs: " + fresh);
      return fresh.get(0);
    }
  }

  static Set<String> drivers() throws IOException {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.find(run.resolve("work"), 2,
        (p, a) -> a.isDirectory() && p.getFileName().toString().startsWith("driver-"))) {
      s.forEach(p -> out.add(p.toString()));
    }
    return out;
  }

  /** A table with ignored columns dropped and the sweep's generated id replaced by a constant in every string. */
  static Dataset<Row> comparable(Dataset<Row> t, String sweepId) {
    for (String c : IGNORED) {
      if (List.of(t.columns()).contains(c)) t = t.drop(c);
    }
    if (sweepId != null) {
      for (StructField f : t.schema().fields()) {
        if (f.dataType().equals(DataTypes.StringType)) {
          t = t.withColumn(f.name(), regexp_replace(col(f.name()), Pattern.quote(sweepId), "SWEEP"));
        }
      }
    }
    return t;
  }

  static String sweepId(SparkSession spark, Path lake) {
    List<Row> ids = spark.read().format("delta").load(lake.resolve("runs").toString()).select("sweep_id")
        .distinct().collectAsList();
    assertEquals(1, ids.size(), "sweeps in " + lake + ": " + ids);
    return ids.get(0).getString(0);
  }

  static Set<String> tables(Path lake) {
    try (Stream<Path> s = Files.list(lake)) {
      Set<String> out = new TreeSet<>();
      s.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).forEach(p -> out.add(p.getFileName().toString()));
      assertFalse(out.isEmpty(), "no Delta table in " + lake);
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot list " + lake, e);
    }
  }

  static void stopCluster() {
    if (run == null || !Files.isDirectory(run)) return;
    try {
      exec(List.of(project.resolve("deploy/local-cluster/stop.sh").toString(), run.toString()), Map.of(),
          dir.resolve("stop.log"), 60);
    } catch (Exception e) {
      System.err.println("LocalClusterIT: stop.sh failed: " + e);
    }
  }

  /** Pids of processes whose command line names the run directory. */
  static List<Long> processesOf(Path runDir) {
    String needle = runDir.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false))
        .map(ProcessHandle::pid).toList();
  }

  record Result(int exit, String output) {}

  /** Runs a command in the project directory, output (stdout and stderr) to a file; kills it after the timeout. */
  static Result exec(List<String> cmd, Map<String, String> env, Path output, long timeoutS) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
      return new Result(-1, Files.readString(output) + "\n(killed after " + timeoutS + " s)");
    }
    return new Result(p.exitValue(), Files.readString(output));
  }

  static int capture(String[] out, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
    try {
      return CycleLake.execute(args);
    } finally {
      System.setOut(old);
      out[0] = b.toString(StandardCharsets.UTF_8);
    }
  }

  static String tail(String s) {
    List<String> lines = s.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static void log(String format, Object... args) {
    LOCAL_OUT.console.println("LocalClusterIT: " + String.format(Locale.ROOT, format, args));
  }

  /** System.out of the local run goes to its log file; this test's own lines go to the console. */
  static final SwitchedOut LOCAL_OUT = new SwitchedOut(System.out);

  static final class SwitchedOut {
    final PrintStream console;

    SwitchedOut(PrintStream console) {
      this.console = console;
    }

    synchronized <T> T with(PrintStream out, java.util.concurrent.Callable<T> body) {
      PrintStream old = System.out;
      System.setOut(out);
      try {
        return body.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        System.setOut(old);
      }
    }
  }

}
