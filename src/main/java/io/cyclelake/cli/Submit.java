package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.lake.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns a command line into the spark-submit call that runs the same command on a cluster. */
final class Submit {
  private Submit() {}

  /**
   * The spark-submit argument list: master, deploy mode and resources from {@code cyclelake.submit}, the Delta and
   * session settings of {@code cyclelake.spark.conf}, then the application jar and the command's own arguments
   * without {@code --submit} (and without the options that spark-submit now carries).
   */
  static List<String> command(Config config, Path sparkHome, Path appJar, List<String> args) {
    Config s = config.getConfig("cyclelake.submit");
    List<String> cmd = new ArrayList<>(List.of(
        sparkHome.resolve("bin").resolve("spark-submit").toString(),
        "--class", CycleLake.class.getName(),
        "--master", s.getString("master"),
        "--deploy-mode", s.getString("deploy-mode"),
        "--driver-memory", s.getString("driver-memory"),
        "--executor-memory", s.getString("executor-memory"),
        "--executor-cores", s.getString("executor-cores"),
        "--num-executors", s.getString("num-executors")));
    for (Map.Entry<String, String> e : SparkSessions.sparkConf(config).entrySet()) {
      cmd.add("--conf");
      cmd.add(e.getKey() + "=" + e.getValue());
    }
    s.getConfig("conf").entrySet().forEach(e -> {
      cmd.add("--conf");
      cmd.add(String.join(".", com.typesafe.config.ConfigUtil.splitPath(e.getKey())) + "="
          + e.getValue().unwrapped());
    });
    cmd.add(appJar.toString());
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--submit")) continue;
      if (a.equals("--master") || a.equals("--deploy-mode")) {
        i++;
        continue;
      }
      if (a.startsWith("--master=") || a.startsWith("--deploy-mode=")) continue;
      cmd.add(a);
    }
    return cmd;
  }

  /** Runs spark-submit with this process's console and returns its exit code. */
  static int run(Config config, List<String> args) {
    String home = System.getenv("SPARK_HOME");
    if (home == null || home.isBlank()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID,
          "--submit needs SPARK_HOME to point at a Spark 3.5 installation (with bin/spark-submit)");
    }
    Path jar = Path.of(System.getProperty("cyclelake.app.jar", "target/cyclelake.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "the application jar " + jar.toAbsolutePath()
          + " is missing; build it with `mvn -DskipTests package` (jobs/cyclelake does this by itself)");
    }
    List<String> cmd = command(config, Path.of(home), jar, args);
    System.out.println("cyclelake: " + String.join(" ", io.cyclelake.config.ConfigRender.maskArgs(cmd)));
    try {
      return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot start spark-submit: " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
