package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.config.ConfigRender;
import io.cyclelake.lake.Lake;
import io.cyclelake.lake.SparkSessions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command takes: configuration layers, the lake, and where Spark runs. */
final class Common {
  @Option(names = "--conf", paramLabel = "FILE", description = "Extra HOCON config file (repeatable; later wins).")
  List<Path> confFiles = new ArrayList<>();

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting, e.g. --set lake.path=/data/lake (repeatable; wins over files).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--lake", paramLabel = "PATH", description = "Lake directory or URI (cyclelake.lake.path).")
  String lake;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master: embedded default local[*]; with --submit, the cluster's master.")
  String master;

  @Option(names = "--submit",
      description = "Run through $SPARK_HOME/bin/spark-submit with the application jar (settings: cyclelake.submit).")
  boolean submit;

  @Option(names = "--deploy-mode", paramLabel = "MODE", description = "With --submit: client or cluster.")
  String deployMode;

  private Config config;

  Config config() {
    if (config == null) {
      List<String> all = new ArrayList<>(sets);
      if (lake != null) all.add(0, "lake.path=" + quote(lake));
      if (master != null) {
        all.add(0, (submit ? "submit.master=" : "spark.master=") + quote(master));
      }
      if (deployMode != null) all.add(0, "submit.deploy-mode=" + quote(deployMode));
      config = ConfigLoader.load(home(), confFiles, all);
    }
    return config;
  }

  /** Forgets the built configuration and sets the --conf files again (a command that runs several jobs in turn). */
  void resetConfig(List<Path> files) {
    confFiles = new ArrayList<>(files);
    config = null;
  }

  static Path home() {
    return Path.of(System.getProperty("cyclelake.home", ".")).toAbsolutePath().normalize();
  }

  Lake openLake() {
    return new Lake(SparkSessions.getOrCreate(config()), config().getString("cyclelake.lake.path"));
  }

  /** Prints the effective configuration, as every job does when it starts. */
  void printConfig(PrintStream out, String job) {
    out.println("cyclelake " + job + ": effective configuration (secrets masked)");
    for (String line : ConfigRender.hocon(config()).split("\n")) out.println("  | " + line);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
