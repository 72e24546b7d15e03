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
   * Spark's own Java 17 module options ({@code JavaModuleOptions}). spark-submit gives them to a client-mode driver
   * and to executors, but a driver that a standalone worker starts in cluster deploy mode does not get them and
   * fails with {@code IllegalAccessError ... sun.nio.ch.DirectBuffer}; {@link #command} passes them as
   * {@code spark.driver.extraJavaOptions} in cluster mode on a standalone master ({@code spark://}) unless that key is
   * set in {@code cyclelake.submit.conf} (YARN and Kubernetes drivers get them from Spark).
   */
  static final String JAVA17_OPTIONS = "-XX:+IgnoreUnrecognizedVMOptions"
      + " --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
      + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED"
      + " --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
      + " --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
      + " --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"
      + " --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
      + " --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED"
      + " --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
      + " --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false";

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
    Map<String, String> extra = new java.util.TreeMap<>();
    s.getConfig("conf").entrySet().forEach(e -> extra.put(
        String.join(".", com.typesafe.config.ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped())));
    if (s.getString("deploy-mode").equals("cluster") && s.getString("master").startsWith("spark://")) {
      extra.putIfAbsent("spark.driver.extraJavaOptions", JAVA17_OPTIONS);
    }
    for (Map.Entry<String, String> e : extra.entrySet()) {
      cmd.add("--conf");
      cmd.add(e.getKey() + "=" + e.getValue());
    }
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
