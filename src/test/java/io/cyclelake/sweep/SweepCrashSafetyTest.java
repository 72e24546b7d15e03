package io.cyclelake.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Doctor;
import io.cyclelake.lake.Lake;
import io.cyclelake.report.card.ModelCard;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.ChildJvm;
import io.cyclelake.testkit.SohLake;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 in the middle of a sweep's writes, then run the sweep again. A sweep writes {@code predictions},
 * {@code fold_metrics}, {@code feature_importance}, {@code label_exclusions}, {@code training_tasks} (with GPU
 * settings), {@code run_files} and last {@code runs}, one Delta commit each. The sweep runs in a child JVM (its own
 * local[2] Spark), killed with SIGKILL as soon as the first commit of the given table appears: after
 * {@code run_files}, the worst moment, when every table but {@code runs} holds the sweep's rows. The rerun gets a
 * new sweep id; afterwards every table holds each row of the finished sweep exactly once, the killed sweep has no
 * {@code runs} rows, its leftover rows are no sweep report's, card's or comparison's results, and
 * {@code cyclelake doctor} names them.
 */
class SweepCrashSafetyTest {
  @TempDir Path dir;

  /** LOCO over 3 cells, ridge and dummy: 6 cheap runs. */
  static final String[] SETTINGS = {"sweep.name=kill", "sweep.split=loco", "split.loco.validation-cells=1",
      "sweep.cells=[S01, S02, S03]", "sweep.features=[cycle_index, ambient_temperature_c, voltage_mean_v]",
      "sweep.models=[{model=ridge, grid{alpha=[1.0]}}, {model=dummy}]"};

  @ParameterizedTest
  @ValueSource(strings = {Tables.RUN_FILES}) // each table more costs a child JVM and a sweep (about a minute here)
  void sigkillAfterACommitOfTheSweepThenRerunHoldsEachRowOnce(String killAfter) throws Exception {
    Config config = TestSpark.config(SETTINGS);
    Path lakeDir = dir.resolve("lake");
    Lake lake = new Lake(TestSpark.get(), lakeDir.toString());
    SohLake.write(lake, ConfigRender.hash(config, "cyclelake.features"));

    Path log = dir.resolve("child.log");
    String[] args = new String[SETTINGS.length + 1];
    args[0] = lakeDir.toString();
    System.arraycopy(SETTINGS, 0, args, 1, SETTINGS.length);
    Process child = ChildJvm.start(SweepCrashChild.class, log, args);
    Path commit = lakeDir.resolve(killAfter).resolve("_delta_log/00000000000000000000.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.exists(commit) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
    assertTrue(child.isAlive(), () -> "the child ended before the kill: " + ChildJvm.read(log));
    assertTrue(Files.exists(commit), () -> "no commit to " + killAfter + " within 300 s: " + ChildJvm.read(log));
    child.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertEquals(137, child.exitValue(), "128 + SIGKILL(9)");
    assertFalse(ChildJvm.read(log).contains("child: finished"), ChildJvm.read(log));

    // The killed sweep left results but no runs rows.
    assertFalse(lake.exists(Tables.RUNS), "the kill came before runs");
    List<String> killedIds = lake.read(Tables.PREDICTIONS, "sweep").select("run_id").collectAsList().stream()
        .map(r -> r.getString(0).replaceFirst("-s\\d+-f\\d+$", "")).distinct().toList();
    assertEquals(1, killedIds.size(), killedIds.toString());
    String killed = killedIds.get(0);

    SweepJob.Result rerun = SweepJob.run(lake, config, Progress.quiet());
    String done = rerun.sweepId();
    assertFalse(done.equals(killed));
    assertEquals(6, rerun.tasks());
    assertEquals(0, rerun.failed());

    // (a) every table holds each row of the finished sweep exactly once, and they agree with runs
    Dataset<Row> runs = lake.read(Tables.RUNS, "sweep");
    assertEquals(0, runs.where(col("sweep_id").equalTo(killed)).count(), "the killed sweep has no runs rows");
    Dataset<Row> doneRuns = runs.where(col("sweep_id").equalTo(done));
    assertEquals(6 * 3, doneRuns.count(), "6 runs × train, validation, test");
    assertOnce(doneRuns, "run_id", "part");
    List<Object> runIds = doneRuns.select("run_id").distinct().collectAsList().stream().map(r -> r.get(0)).toList();
    assertEquals(6, runIds.size());
    Dataset<Row> preds = lake.read(Tables.PREDICTIONS, "sweep").where(col("run_id").isin(runIds.toArray()));
    assertOnce(preds, "run_id", "cell_id", "cycle_index");
    long predicted = doneRuns.agg(org.apache.spark.sql.functions.sum("n")).first().getLong(0);
    assertEquals(predicted, preds.count(), "one prediction per row counted in runs.n");
    Dataset<Row> fm = lake.read(Tables.FOLD_METRICS, "sweep").where(col("sweep_id").equalTo(done));
    assertOnce(fm, "run_id", "part", "cell_id");
    assertEquals(doneRuns.count(), fm.where(col("cell_id").equalTo("*")).count(), "a fold_metrics row per runs row");
    Dataset<Row> imp = lake.read(Tables.FEATURE_IMPORTANCE, "sweep").where(col("sweep_id").equalTo(done));
    assertEquals(6 * 3, imp.count(), "6 runs × 3 features");
    assertOnce(imp, "run_id", "feature");
    if (lake.exists(Tables.TRAINING_TASKS)) { // written only when tasks recorded where they ran (GPU settings)
      Dataset<Row> tasks = lake.read(Tables.TRAINING_TASKS, "sweep").where(col("sweep_id").equalTo(done));
      assertEquals(tasks.count(), tasks.select("run_id").distinct().count(), "each task once");
    }
    Dataset<Row> files = lake.read(Tables.RUN_FILES, "sweep").where(col("sweep_id").equalTo(done));
    assertOnce(files, "run_id", "path");
    assertEquals(6, files.select("run_id").distinct().count(), "every run has its raw files");
    Dataset<Row> excl = lake.read(Tables.LABEL_EXCLUSIONS, "sweep").where(col("run_id").equalTo(done));
    assertEquals(excl.count(), excl.distinct().count());
    String lineage = Files.readString(lakeDir.resolve(config.getString("cyclelake.lake.runs-dir")).resolve(done)
        .resolve("lineage.json"));
    runIds.forEach(id -> assertTrue(lineage.contains((String) id), id + " in lineage.json"));

    // (b) the killed sweep's leftovers are nobody's results
    assertEquals(List.of(3L, 3L), SweepReport.aggregate(lake, done).stream().map(r -> r.<Long>getAs("folds"))
        .toList(), "each spec over its 3 LOCO folds, once");
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> SweepReport.aggregate(lake, killed));
    assertTrue(e.getMessage().contains(killed), e.getMessage());
    if (!killAfter.equals(Tables.PREDICTIONS)) assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
    assertThrows(CycleLakeException.class, () -> ModelCard.specs(lake, killed));
    List<Doctor.Finding> findings = Doctor.orphanResults(lake); // doctor's check (the whole check: 15 s more)
    List<String> written = List.of(Tables.PREDICTIONS, Tables.FOLD_METRICS, Tables.FEATURE_IMPORTANCE,
        Tables.RUN_FILES);
    for (String t : written.subList(0, written.indexOf(killAfter) + 1)) {
      assertTrue(findings.stream().anyMatch(f -> f.table().equals(t) && f.what().contains(killed)), t + ": " + findings);
    }
    assertFalse(findings.stream().anyMatch(f -> f.what().contains(done)), findings.toString());
    // doctor's advice drops the leftovers and nothing of the finished sweep
    long finished = preds.count();
    for (Doctor.Finding f : findings) {
      String sql = f.action().substring(f.action().indexOf("cyclelake sql \"") + 15, f.action().length() - 1);
      assertTrue(sql.startsWith("DELETE FROM delta.`"), f.action());
      TestSpark.get().sql(sql);
    }
    assertEquals(List.of(), Doctor.orphanResults(lake));
    assertEquals(finished, lake.read(Tables.PREDICTIONS, "sweep").where(col("run_id").isin(runIds.toArray())).count());
  }

  /** No two rows of {@code rows} share the key columns. */
  static void assertOnce(Dataset<Row> rows, String... key) {
    long n = rows.count();
    assertTrue(n > 0, "rows for " + String.join(",", key));
    assertEquals(n, rows.select(key[0], java.util.Arrays.copyOfRange(key, 1, key.length)).distinct().count(),
        "each " + String.join(", ", key) + " once");
  }
}
