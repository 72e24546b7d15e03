package io.cyclelake.testkit;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM for tests that need a process of their own (a kill, two processes on one lake): this JVM's Java,
 * classpath and Spark module options ({@code --add-opens}), a small heap and C1 only (short-lived), its output and
 * errors in one log file.
 */
public final class ChildJvm {
  private ChildJvm() {}

  public static Process start(Class<?> main, Path log, String... args) throws java.io.IOException {
    return start(main, log, List.of("-Xmx768m", "-XX:TieredStopAtLevel=1"), args);
  }

  /** As {@link #start(Class, Path, String...)} with these JVM options (heap, GC log, ...) instead of the defaults. */
  public static Process start(Class<?> main, Path log, List<String> jvmOptions, String... args)
      throws java.io.IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect")) {
        cmd.add(a);
      }
    }
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(new File(System.getProperty("user.dir"))).start();
  }

  /** The log's text, or a note saying why there is none. */
  public static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
