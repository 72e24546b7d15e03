package io.cyclelake.testkit;

import com.typesafe.config.Config;
import io.cyclelake.config.ConfigLoader;
import io.cyclelake.lake.SparkSessions;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** The one local[2] Spark session every test of the suite shares (Surefire runs the suite in one JVM). */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  /** Test defaults: local[2], 2 shuffle partitions, no UI. */
  public static Config config(String... sets) {
    List<String> all = new java.util.ArrayList<>(List.of(
        "spark.master=\"local[2]\"",
        "spark.conf.\"spark.sql.shuffle.partitions\"=2",
        "spark.conf.\"spark.default.parallelism\"=2"));
    all.addAll(List.of(sets));
    return ConfigLoader.load(Path.of("does-not-exist"), List.of(), all);
  }

  public static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSessions.getOrCreate(config());
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }
}
