package io.cyclelake.gpu;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where one training task ran: executor, host, the GPU address(es) Spark assigned to it, and the ND4J backend and
 * device it trained on. {@link #bind} is called at the start of the task, on the thread that trains (ND4J's CUDA
 * device is per thread); {@link #finished()} at its end.
 *
 * @param gpuAddress the task's {@code gpu} addresses from {@code TaskContext.resources()}, comma-separated; null
 *     when the task got none (GPUs off)
 * @param nd4jBackend simple class name of ND4J's backend ({@code CpuBackend}, {@code JCublasBackend})
 * @param nd4jDevice the CUDA device the thread was bound to; null on the CPU backend (it has no device)
 */
public record TaskPlacement(String executorId, String host, long taskAttemptId, String gpuAddress,
    String nd4jBackend, Integer nd4jDevice, Timestamp startedAt, Timestamp finishedAt) implements Serializable {

  /** This placement with {@code finishedAt} = now. */
  public TaskPlacement finished() {
    return new TaskPlacement(executorId, host, taskAttemptId, gpuAddress, nd4jBackend, nd4jDevice, startedAt,
        new Timestamp(System.currentTimeMillis()));
  }

  /**
   * Reads the task's GPU address from {@code TaskContext.get().resources()}, checks the ND4J backend against the
   * settings, binds the address to ND4J's device on the CUDA backend
   * ({@code Nd4j.getAffinityManager().unsafeSetDevice}), and prints a line naming backend, device and address.
   *
   * @throws CycleLakeException (CONFIG_INVALID) when GPUs are on but ND4J's backend is not CUDA and
   *     {@code gpu.require-cuda} is set, or when the task received no GPU address
   */
  public static TaskPlacement bind(GpuSettings s, String runId) {
    Timestamp started = new Timestamp(System.currentTimeMillis());
    TaskContext ctx = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    String executor = env == null ? "driver" : env.executorId();
    String host = env == null ? "localhost" : env.blockManager().blockManagerId().host();
    String[] addresses = addresses(ctx == null ? Map.of() : ctx.resourcesJMap());
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    boolean cuda = !Nd4j.getEnvironment().isCPU();
    check(s, addresses, backend, cuda);
    Integer device = null;
    String note;
    if (cuda && addresses.length > 0) {
      Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(addresses[0]));
      device = Nd4j.getAffinityManager().getDeviceForCurrentThread();
      note = "bound to CUDA device " + device;
    } else if (cuda) {
      device = Nd4j.getAffinityManager().getDeviceForCurrentThread();
      note = "CUDA device " + device + " (ND4J's choice: the task got no GPU address)";
    } else {
      note = addresses.length > 0 ? "the CPU backend has no device: GPU address recorded only" : "no GPU";
    }
    String address = addresses.length == 0 ? null : String.join(",", addresses);
    System.out.println("  [" + runId + "] nd4j backend " + backend + (cuda ? " (cuda)" : " (cpu)")
        + ", gpu address " + address + ", " + note + "; executor " + executor + " on " + host);
    return new TaskPlacement(executor, host, ctx == null ? -1 : ctx.taskAttemptId(), address, backend, device,
        started, null);
  }

  /** The task's {@code gpu} addresses (none when the resources hold no GPU). */
  static String[] addresses(Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources.get(GpuSettings.RESOURCE);
    return gpu == null ? new String[0] : gpu.addresses();
  }

  /** Fails when GPUs are on and the task cannot train on the GPU it was given. */
  static void check(GpuSettings s, String[] addresses, String backend, boolean cuda) {
    if (!s.enabled()) return;
    if (addresses.length == 0) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "gpu.enabled = true but this training task got no '"
          + GpuSettings.RESOURCE + "' address from Spark (TaskContext.resources() is empty): the training stage's "
          + "ResourceProfile was not applied or the executors announce no GPUs");
    }
    if (!cuda && s.requireCuda()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "gpu.enabled = true but ND4J runs on its CPU backend ("
          + backend + "), not CUDA: the executors' class path has no working nd4j-cuda backend (build with "
          + "`mvn -Pcuda package` and ship target/cyclelake-cuda.jar with target/gpu-jars/, CUDA 11.6 + cuDNN 8.3 "
          + "on the host, an sm_37..sm_86 GPU; see deploy/README.md, GPU executors). To train on the CPU of "
          + "executors that announce GPUs anyway, set cyclelake.gpu.require-cuda = false");
    }
  }
}
