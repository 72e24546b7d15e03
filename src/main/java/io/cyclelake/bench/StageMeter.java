package io.cyclelake.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Measures one benchmark stage in this JVM: wall time, the peak heap (sum over the heap's memory pools of their peak
 * usage since the stage began, {@link MemoryPoolMXBean#getPeakUsage}), GC time and process CPU time from the JVM's
 * MX beans, the system load average before and after, and, through a {@link SparkListener}, what the stage's Spark
 * tasks did: their count, run and CPU time, GC time, input and shuffle bytes, spills, and the slowest Spark stages. In
 * local mode the executors run in this JVM, so the heap and GC figures cover them too.
 */
public final class StageMeter extends SparkListener {
  /** What a benchmark stage cost. Times in seconds, sizes in bytes. */
  public record Measure(double wallSeconds, long peakHeapBytes, double gcSeconds, double cpuSeconds,
      double loadBefore, double loadAfter, int sparkTasks, double taskRunSeconds, double taskCpuSeconds,
      double taskGcSeconds, long inputBytes, long shuffleReadBytes, long shuffleWriteBytes, long spilledBytes,
      List<Map<String, Object>> slowestSparkStages) {}

  private final SparkContext sc;
  private final int keepStages;
  private long t0;
  private long gc0;
  private long cpu0;
  private double load0;
  private int tasks;
  private long runMs;
  private long cpuNs;
  private long gcMs;
  private long input;
  private long shuffleRead;
  private long shuffleWrite;
  private long spilled;
  private final List<Map<String, Object>> stages = new ArrayList<>();

  /** @param keepStages how many of the slowest Spark stages to keep per benchmark stage */
  public StageMeter(SparkContext sc, int keepStages) {
    this.sc = sc;
    this.keepStages = keepStages;
  }

  /** Resets the counters and the pools' peaks and starts the clock; registers the listener. */
  public synchronized StageMeter start() {
    drain();
    tasks = 0;
    runMs = 0;
    cpuNs = 0;
    gcMs = 0;
    input = 0;
    shuffleRead = 0;
    shuffleWrite = 0;
    spilled = 0;
    stages.clear();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.isValid()) p.resetPeakUsage();
    }
    gc0 = gcMillis();
    cpu0 = processCpuNanos();
    load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    sc.addSparkListener(this);
    t0 = System.nanoTime();
    return this;
  }

  /** Stops the clock, waits for the listener bus to deliver the stage's task events, and returns the figures. */
  public Measure stop() {
    double wall = (System.nanoTime() - t0) / 1e9;
    long gc = gcMillis() - gc0;
    long cpu = processCpuNanos() - cpu0;
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.isValid()) peak += p.getPeakUsage().getUsed();
    }
    double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    drain();
    sc.removeSparkListener(this);
    synchronized (this) {
      List<Map<String, Object>> slowest = new ArrayList<>(stages);
      slowest.sort(Comparator.comparingDouble((Map<String, Object> m) -> (Double) m.get("seconds")).reversed());
      if (slowest.size() > keepStages) slowest = new ArrayList<>(slowest.subList(0, keepStages));
      return new Measure(wall, peak, gc / 1e3, cpu / 1e9, load0, load1, tasks, runMs / 1e3, cpuNs / 1e9, gcMs / 1e3,
          input, shuffleRead, shuffleWrite, spilled, slowest);
    }
  }

  private void drain() {
    try {
      sc.listenerBus().waitUntilEmpty(30_000L);
    } catch (TimeoutException e) {
      // The figures of tasks whose events are still queued are missing; the wall time is not affected.
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    TaskMetrics m = e.taskMetrics();
    tasks++;
    if (m == null) return;
    runMs += m.executorRunTime();
    cpuNs += m.executorCpuTime();
    gcMs += m.jvmGCTime();
    input += m.inputMetrics().bytesRead();
    shuffleRead += m.shuffleReadMetrics().totalBytesRead();
    shuffleWrite += m.shuffleWriteMetrics().bytesWritten();
    spilled += m.diskBytesSpilled();
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo s = e.stageInfo();
    if (s.submissionTime().isEmpty() || s.completionTime().isEmpty()) return;
    Map<String, Object> m = new LinkedHashMap<>();
    String name = s.name();
    m.put("name", name.length() > 80 ? name.substring(0, 80) : name);
    m.put("seconds", ((Long) s.completionTime().get() - (Long) s.submissionTime().get()) / 1e3);
    m.put("tasks", s.numTasks());
    stages.add(m);
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, g.getCollectionTime());
    }
    return t;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
