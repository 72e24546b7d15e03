package io.cyclelake.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.config.ConfigLoader;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.TaskResourceProfile;
import org.junit.jupiter.api.Test;

/** The training stage's ResourceProfile and the task-side checks, without a cluster (LocalClusterIT runs them). */
class GpuSchedulingTest {
  static final GpuSettings ON = new GpuSettings(true, 1, 0, 1, true);

  static SparkConf conf(String master, String... pairs) {
    SparkConf c = new SparkConf(false).setMaster(master);
    for (int i = 0; i < pairs.length; i += 2) c.set(pairs[i], pairs[i + 1]);
    return c;
  }

  @Test
  void referenceConfHasGpusOffAndRequiresCuda() {
    GpuSettings s = GpuSettings.of(ConfigLoader.load(Path.of("does-not-exist"), List.of(), List.of()));
    assertEquals(new GpuSettings(false, 1, 0, 1, true), s);
    assertThrows(CycleLakeException.class, () -> new GpuSettings(true, 1.5, 0, 2, true));
    assertThrows(CycleLakeException.class, () -> new GpuSettings(true, 2, 0, 1, true));
  }

  @Test
  void withoutDynamicAllocationTheProfileAsksTaskGpusOnly() {
    ResourceProfile p = GpuScheduling.profile(ON, conf("spark://127.0.0.1:7077",
        "spark.executor.resource.gpu.amount", "2"));
    assertTrue(p instanceof TaskResourceProfile, "Spark 3.5 accepts task requests only without dynamic allocation");
    assertEquals(1.0, p.taskResources().get("gpu").get().amount());
    assertTrue(p.executorResources().isEmpty());
    ResourceProfile cpus = GpuScheduling.profile(new GpuSettings(true, 0.5, 2, 1, true), conf("yarn",
        "spark.executor.resource.gpu.amount", "1"));
    assertEquals(0.5, cpus.taskResources().get("gpu").get().amount());
    assertEquals(2.0, cpus.taskResources().get("cpus").get().amount());
  }

  @Test
  void withDynamicAllocationTheProfileAlsoAsksExecutorGpus() {
    ResourceProfile p = GpuScheduling.profile(new GpuSettings(true, 1, 0, 2, true), conf("k8s://https://api:6443",
        "spark.dynamicAllocation.enabled", "true",
        "spark.executor.resource.gpu.discoveryScript", "/opt/cyclelake/gpu/getGpusResources.sh",
        "spark.executor.resource.gpu.vendor", "nvidia.com"));
    assertFalse(p instanceof TaskResourceProfile);
    var gpu = p.executorResources().get("gpu").get();
    assertEquals(2, gpu.amount());
    assertEquals("/opt/cyclelake/gpu/getGpusResources.sh", gpu.discoveryScript());
    assertEquals("nvidia.com", gpu.vendor());
  }

  @Test
  void localModeAndExecutorsWithoutGpusAreConfigurationErrors() {
    var local = assertThrows(CycleLakeException.class, () -> GpuScheduling.profile(ON, conf("local[2]")));
    assertEquals(ErrorCode.CONFIG_INVALID, local.code());
    assertTrue(local.getMessage().contains("local mode"), local.getMessage());
    var none = assertThrows(CycleLakeException.class, () -> GpuScheduling.profile(ON, conf("spark://h:7077")));
    assertTrue(none.getMessage().contains("spark.executor.resource.gpu.amount"), none.getMessage());
    assertTrue(none.getMessage().contains("announce 0"), none.getMessage());
  }

  @Test
  void aTaskNeedsItsAddressAndCudaUnlessAllowed() {
    ResourceInformation two = new ResourceInformation("gpu", new String[] {"1"});
    String[] got = TaskPlacement.addresses(Map.of("gpu", two));
    assertEquals(List.of("1"), List.of(got));
    assertEquals(0, TaskPlacement.addresses(Map.of()).length);
    // GPUs off: anything goes
    TaskPlacement.check(new GpuSettings(false, 1, 0, 1, true), new String[0], "CpuBackend", false);
    // on the CUDA backend with an address: fine
    TaskPlacement.check(ON, got, "JCublasBackend", true);
    var cpu = assertThrows(CycleLakeException.class, () -> TaskPlacement.check(ON, got, "CpuBackend", false));
    assertEquals(ErrorCode.CONFIG_INVALID, cpu.code());
    assertTrue(cpu.getMessage().contains("CpuBackend") && cpu.getMessage().contains("gpu.require-cuda = false"),
        cpu.getMessage());
    TaskPlacement.check(new GpuSettings(true, 1, 0, 1, false), got, "CpuBackend", false);
    var noAddress = assertThrows(CycleLakeException.class,
        () -> TaskPlacement.check(ON, new String[0], "JCublasBackend", true));
    assertTrue(noAddress.getMessage().contains("no 'gpu' address"), noAddress.getMessage());
  }

  @Test
  void outsideATaskBindingRecordsTheBackendAndNoGpu() {
    TaskPlacement p = TaskPlacement.bind(new GpuSettings(false, 1, 0, 1, true), "run-x").finished();
    assertEquals("CpuBackend", p.nd4jBackend(), "the tests run on ND4J's CPU backend");
    assertNull(p.gpuAddress());
    assertNull(p.nd4jDevice());
    assertEquals(-1, p.taskAttemptId());
    assertFalse(p.finishedAt().before(p.startedAt()));
    assertThrows(CycleLakeException.class, () -> TaskPlacement.bind(ON, "run-y"));
  }
}
