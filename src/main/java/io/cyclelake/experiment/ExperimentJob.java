package io.cyclelake.experiment;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.model.sequence.SequenceSweepJob;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SweepJob;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Runs the steps (sweeps) of an {@link Experiment} on a lake that already holds its data and features, and records
 * one {@code experiments} row per step. A step that fails is recorded with its error and the next step runs.
 */
public final class ExperimentJob {
  private ExperimentJob() {}

  /** What one step did. {@code sweepId} is null when the step failed before its sweep got an id. */
  public record StepResult(Experiment.Step step, String sweepId, String status, String error, int tasks,
      int failedTasks, double seconds, Config config) {}

  /** One run of an experiment. */
  public record Result(String runId, Instant started, String gitCommit, List<StepResult> steps, double seconds) {
    public boolean allOk() {
      return steps.stream().allMatch(s -> s.status().equals("ok") && s.failedTasks() < s.tasks());
    }
  }

  /**
   * Runs every step with the configuration {@code stepConfig} builds from the step's files and overrides (layered
   * over the experiment's own), on {@code lake}.
   */
  public static Result run(Lake lake, Experiment e, BiFunction<List<Path>, List<String>, Config> stepConfig,
      String gitCommit, Progress progress) {
    long t0 = System.nanoTime();
    Instant started = Instant.now();
    String runId = e.name() + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
        .format(started) + "-" + UUID.randomUUID().toString().substring(0, 6);
    List<StepResult> results = new ArrayList<>();
    for (Experiment.Step s : e.steps()) {
      progress.say("experiment " + e.name() + ": step " + s.name() + " (" + (results.size() + 1) + " of "
          + e.steps().size() + ")");
      long ts = System.nanoTime();
      Config c = null;
      try {
        c = stepConfig.apply(s.conf(), s.set());
        StepResult r;
        if (SequenceSweepJob.handles(c)) {
          SequenceSweepJob.Result q = SequenceSweepJob.run(lake, c, progress);
          r = new StepResult(s, q.sweepId(), "ok", null, q.tasks(), q.failed(), seconds(ts), c);
        } else {
          SweepJob.Result q = SweepJob.run(lake, c, progress);
          r = new StepResult(s, q.sweepId(), "ok", null, q.tasks(), q.failed(), seconds(ts), c);
        }
        progress.say(String.format(java.util.Locale.ROOT, "experiment %s: step %s: sweep %s, %d tasks (%d failed), "
            + "%.1f s", e.name(), s.name(), r.sweepId(), r.tasks(), r.failedTasks(), r.seconds()));
        results.add(r);
      } catch (CycleLakeException | IllegalArgumentException | IllegalStateException ex) {
        // A step that cannot run (no labelled rows, a bad setting) must not hide the others' results.
        progress.say("experiment " + e.name() + ": step " + s.name() + " FAILED: " + ex.getMessage());
        results.add(new StepResult(s, null, "failed", ex.getMessage(), 0, 0, seconds(ts), c));
      }
    }
    Result result = new Result(runId, started, gitCommit, List.copyOf(results), seconds(t0));
    record(lake, e, result);
    return result;
  }

  private static void record(Lake lake, Experiment e, Result r) {
    List<Row> rows = new ArrayList<>();
    Timestamp started = Timestamp.from(r.started());
    for (StepResult s : r.steps()) {
      rows.add(RowFactory.create(r.runId(), e.name(), s.step().name(), s.sweepId(), s.status(), s.error(), s.tasks(),
          s.failedTasks(), s.seconds(), started, r.gitCommit(), s.config() == null ? "{}" : ConfigRender.json(
              s.config())));
    }
    lake.append(lake.spark().createDataFrame(rows, Tables.EXPERIMENTS_SCHEMA), Tables.EXPERIMENTS);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
