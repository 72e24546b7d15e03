package io.cyclelake.sweep;

import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.testkit.TestSpark;
import java.util.Arrays;

/**
 * The child JVM of {@link SweepCrashSafetyTest}: runs a sweep on a lake ({@code args[0]}) with the test's Spark
 * settings and the config overrides of the other arguments, printing progress; the parent kills it (SIGKILL) between
 * two of the sweep's commits.
 */
public final class SweepCrashChild {
  private SweepCrashChild() {}

  public static void main(String[] args) {
    Lake lake = new Lake(TestSpark.get(), args[0]);
    System.out.println("child: started");
    SweepJob.run(lake, TestSpark.config(Arrays.copyOfRange(args, 1, args.length)), new Progress(System.out));
    System.out.println("child: finished");
    System.exit(0);
  }
}
