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
 * (separate JVMs on 127.0.0.1, each offering 2 cores and 2 GB) from the Spark home assembled out of Maven's jars; the application
 * jar ({@code target/cyclelake.jar}, hence an integration test: it runs after {@code package}) is submitted with
 * {@code org.apache.spark.deploy.SparkSubmit} (through the Spark home's {@code bin/spark-submit}):
 * <ul>
 *   <li>client deploy mode: {@code reprocess} (ingest → features of the input listed in {@code ingest.inputs}), then a
 *       LOCO sweep ({@code conf/sweeps/synthetic-loco.conf}) of a tiny SYNTHETIC fleet (3 cells × 12 cycles) into a
 *       lake directory, executors on both workers;</li>
 *   <li>cluster deploy mode: a {@code sql} query whose driver a worker runs.</li>
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
    // 2 workers of 2 cores and 2 GB (what they offer to executors and drivers; each JVM has its own heap).
    Result started = exec(List.of(project.resolve("deploy/local-cluster/start.sh").toString(), run.toString()),
        Map.of("CLUSTER_WORKERS", "2", "CLUSTER_WORKER_CORES", "2", "CLUSTER_WORKER_MEMORY", "2g"),
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
    } finally {
      List<String> failures = localRun.get(600, TimeUnit.SECONDS);
      assertTrue(failures.isEmpty(), "local run: " + failures);
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

  // ---------------------------------------------------------------------------------------------------------------

  /** Submits one CycleLake command; returns spark-submit's output. Fails with the output's tail when it fails. */
  static String submit(String deployMode, String... args) throws Exception {
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
    cmd.add(Path.of(System.getProperty("cyclelake.app.jar", project.resolve("target/cyclelake.jar").toString()))
        .toString());
    cmd.addAll(List.of(args));
    long t0 = System.nanoTime();
    Path logFile = dir.resolve("submit-" + deployMode + "-" + args[0] + ".log");
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
      clientApps.add(app);
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
    return r.output;
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
