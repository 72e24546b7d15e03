package io.cyclelake.lake;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session from {@code cyclelake.spark}: embedded by default, or the one spark-submit set up. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Gets or creates the session. Settings that spark-submit (or the environment) already gave win over the
   * configured ones, and the configured master is used only when no master is set.
   */
  public static SparkSession getOrCreate(Config config) {
    SparkConf given = new SparkConf(true);
    SparkSession.Builder b = SparkSession.builder().appName(config.getString("cyclelake.spark.app-name"));
    if (!given.contains("spark.master")) b.master(config.getString("cyclelake.spark.master"));
    for (Map.Entry<String, String> e : sparkConf(config).entrySet()) {
      if (!given.contains(e.getKey())) b.config(e.getKey(), e.getValue());
    }
    return b.getOrCreate();
  }

  /** {@code cyclelake.spark.conf} flattened to Spark keys; quoted ("spark.x.y") and nested forms both work. */
  public static Map<String, String> sparkConf(Config config) {
    Map<String, String> out = new TreeMap<>();
    Config c = config.getConfig("cyclelake.spark.conf");
    c.entrySet().forEach(e ->
        out.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped())));
    return out;
  }
}
