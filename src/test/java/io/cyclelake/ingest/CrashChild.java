package io.cyclelake.ingest;

import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Path;
import java.util.Set;

/**
 * The child JVM of {@link CrashSafetyTest}: ingests a NASA-layout folder into a lake (or, with {@code features} for
 * the folder, computes the features) with the test's Spark settings, printing progress; the parent kills it (SIGKILL) in the middle of the writes.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    Lake lake = new Lake(TestSpark.get(), args[0]);
    System.out.println("child: started");
    if (args[1].equals("features")) {
      io.cyclelake.features.FeaturesJob.run(lake, TestSpark.config(), new Progress(System.out));
    } else {
      IngestJob.run(lake, SourceReaders.byName("nasa"), Path.of(args[1]),
          TestSpark.config().getConfig("cyclelake.ingest.nasa"), Set.of(), false, new Progress(System.out));
    }
    System.out.println("child: finished");
    System.exit(0);
  }
}
