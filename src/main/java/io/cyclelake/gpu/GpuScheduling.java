package io.cyclelake.gpu;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ExecutorResourceRequests;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;

/**
 * Driver side of GPU training: the {@link ResourceProfile} of the training stage (stage-level scheduling), so that
 * only the RDD whose tasks train asks for GPUs while every other stage of the application runs without.
 *
 * <p>With dynamic allocation off (Spark 3.4+ on standalone, 3.5 on YARN and Kubernetes) the profile holds task
 * requests only (a {@code TaskResourceProfile}): the training tasks run on the application's executors, which must
 * announce GPUs ({@code spark.executor.resource.gpu.amount} and a discovery script). With dynamic allocation on it
 * also asks for executors with {@code gpu.executor-amount} GPUs each. Local mode has no stage-level scheduling.
 */
public final class GpuScheduling {
  private GpuScheduling() {}

  /** {@code rdd} itself when GPUs are off, else {@code rdd.withResources(profile)}. */
  public static <T> JavaRDD<T> forTraining(JavaRDD<T> rdd, GpuSettings s) {
    if (!s.enabled()) return rdd;
    return rdd.withResources(profile(s, rdd.context().getConf()));
  }

  /** The training stage's profile; fails with the setting to change when this application cannot give it GPUs. */
  public static ResourceProfile profile(GpuSettings s, SparkConf conf) {
    String master = conf.get("spark.master", "");
    if (master.startsWith("local")) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "gpu.enabled = true needs a cluster master (spark://, "
          + "yarn, k8s://): Spark's stage-level scheduling, which gives the training stage its GPUs, does not exist "
          + "in local mode (master " + master + "). Submit to a cluster whose executors announce GPUs, or set "
          + "cyclelake.gpu.enabled = false");
    }
    TaskResourceRequests task = new TaskResourceRequests().resource(GpuSettings.RESOURCE, s.taskAmount());
    if (s.taskCpus() > 0) task.cpus(s.taskCpus());
    ResourceProfileBuilder b = new ResourceProfileBuilder().require(task);
    String prefix = "spark.executor.resource." + GpuSettings.RESOURCE + ".";
    if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      b.require(new ExecutorResourceRequests().resource(GpuSettings.RESOURCE, s.executorAmount(),
          conf.get(prefix + "discoveryScript", ""), conf.get(prefix + "vendor", "")));
    } else {
      double announced = conf.getDouble(prefix + "amount", 0);
      if (announced < Math.max(1, s.taskAmount())) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, String.format(Locale.ROOT, "gpu.enabled = true asks "
            + "%s GPU per training task, but the executors announce %s (%samount; dynamic allocation is off, so "
            + "the training stage runs on the application's executors and would wait for GPUs forever). Set "
            + "%samount and %sdiscoveryScript (deploy/conf/gpu-executors.conf), or enable dynamic allocation",
            fmt(s.taskAmount()), fmt(announced), prefix, prefix, prefix));
      }
    }
    return b.build();
  }

  /** One line for the driver's progress output. */
  public static String describe(GpuSettings s, SparkConf conf) {
    String prefix = "spark.executor.resource." + GpuSettings.RESOURCE + ".amount";
    boolean dynamic = conf.getBoolean("spark.dynamicAllocation.enabled", false);
    return "training stage asks " + fmt(s.taskAmount()) + " GPU per task" + (s.taskCpus() > 0 ? " and "
        + s.taskCpus() + " cores" : "") + " (stage-level scheduling; " + (dynamic ? "new executors of "
        + s.executorAmount() + " GPUs" : "executors announce " + conf.get(prefix, "0") + " GPUs") + ")";
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
