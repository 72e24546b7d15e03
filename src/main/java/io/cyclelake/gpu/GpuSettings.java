package io.cyclelake.gpu;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.Serializable;

/**
 * {@code cyclelake.gpu}: whether the training stage of a sweep asks Spark for GPUs and how many.
 *
 * @param enabled the training stage asks for GPUs by stage-level scheduling and every training task binds its GPU
 * @param taskAmount GPUs per training task ({@code TaskResourceRequests.resource("gpu", amount)}); a fraction 1/n
 *     lets n tasks share a GPU
 * @param taskCpus cores per training task (0 = {@code spark.task.cpus})
 * @param executorAmount GPUs per executor asked for the training stage's executors when dynamic allocation is on
 *     (without it Spark 3.5 only accepts task requests, and the executors' GPUs come from
 *     {@code spark.executor.resource.gpu.amount})
 * @param requireCuda a task fails when ND4J's active backend is not CUDA; false lets CPU executors that announce
 *     GPUs (a test cluster with a fake discovery script) train on the CPU and still record the address
 */
public record GpuSettings(boolean enabled, double taskAmount, int taskCpus, int executorAmount, boolean requireCuda)
    implements Serializable {
  /** Spark's resource name of a GPU. */
  public static final String RESOURCE = "gpu";

  public GpuSettings {
    if (!(taskAmount > 0) || (taskAmount > 1 && taskAmount != Math.rint(taskAmount))) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "gpu.task-amount must be a whole number of GPUs or a "
          + "fraction in (0, 1] (Spark's rule for task resources), got " + taskAmount);
    }
    if (taskCpus < 0) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "gpu.task-cpus must be >= 0, got " + taskCpus);
    }
    if (executorAmount < 1 || executorAmount < taskAmount) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "gpu.executor-amount must be >= 1 and >= "
          + "gpu.task-amount (" + taskAmount + "), got " + executorAmount);
    }
  }

  public static GpuSettings of(Config config) {
    Config g = config.getConfig("cyclelake.gpu");
    return new GpuSettings(g.getBoolean("enabled"), g.getDouble("task-amount"), g.getInt("task-cpus"),
        g.getInt("executor-amount"), g.getBoolean("require-cuda"));
  }
}
