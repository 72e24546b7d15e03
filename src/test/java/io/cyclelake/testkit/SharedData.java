package io.cyclelake.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data sets in ../shared/data. The path comes from the environment variable CYCLELAKE_DATA, else the system
 * property cyclelake.test.data (set by the pom). Tests that need it are skipped, with the reason, when it is absent.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    String env = System.getenv("CYCLELAKE_DATA");
    String prop = System.getProperty("cyclelake.test.data", "../shared/data");
    return Path.of(env != null && !env.isBlank() ? env : prop).toAbsolutePath().normalize();
  }

  /** The named sub-folder, or the test is skipped with a message saying where it looked. */
  public static Path require(String dataset) {
    Path p = root().resolve(dataset);
    assumeTrue(Files.isDirectory(p), () -> "skipped: real data set '" + dataset + "' not found at " + p
        + " (set CYCLELAKE_DATA to the folder holding nasa-pcoe/ and calce-cs2/)");
    return p;
  }
}
