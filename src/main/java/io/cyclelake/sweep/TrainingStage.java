package io.cyclelake.sweep;

import io.cyclelake.gpu.GpuScheduling;
import io.cyclelake.gpu.GpuSettings;
import io.cyclelake.gpu.TaskPlacement;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A sweep's training stage: every task spec trained by one Spark task of one job. With {@code gpu.enabled} the
 * stage's RDD carries the GPU profile ({@link GpuScheduling}) and each task binds its GPU first
 * ({@link TaskPlacement#bind}); where each task ran goes to {@code training_tasks}.
 */
public final class TrainingStage {
  private TrainingStage() {}

  /** A task's result and where it ran (null when the task did not record it). */
  public record Placed<R>(R result, TaskPlacement where) implements Serializable {}

  /**
   * Trains every task, one Spark task each, and collects the results in task order.
   *
   * @param alwaysPlace bind and record every task even with GPUs off (for models that load ND4J anyway; others then
   *     skip ND4J's start-up)
   */
  public static <R> List<Placed<R>> run(JavaSparkContext jsc, List<TaskSpec> tasks, GpuSettings gpu,
      boolean alwaysPlace, Progress progress, Function<TaskSpec, R> train) {
    if (gpu.enabled()) progress.say("  " + GpuScheduling.describe(gpu, jsc.getConf()));
    boolean place = gpu.enabled() || alwaysPlace;
    return GpuScheduling.forTraining(jsc.parallelize(tasks, tasks.size()), gpu).map(t -> {
      TaskPlacement where = place ? TaskPlacement.bind(gpu, t.runId()) : null;
      R r = train.call(t);
      return new Placed<>(r, where == null ? null : where.finished());
    }).collect();
  }

  /** Appends the {@code training_tasks} rows of the placed tasks (nothing when none recorded where it ran). */
  public static void record(Lake lake, String sweepId, List<TaskSpec> tasks, List<? extends Placed<?>> placed) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < placed.size(); i++) {
      TaskPlacement w = placed.get(i).where();
      if (w == null) continue;
      rows.add(RowFactory.create(tasks.get(i).runId(), sweepId, w.executorId(), w.host(), w.taskAttemptId(),
          w.gpuAddress(), w.nd4jBackend(), w.nd4jDevice(), w.startedAt(), w.finishedAt()));
    }
    if (!rows.isEmpty()) {
      lake.append(lake.spark().createDataFrame(rows, Tables.TRAINING_TASKS_SCHEMA), Tables.TRAINING_TASKS);
    }
  }
}
