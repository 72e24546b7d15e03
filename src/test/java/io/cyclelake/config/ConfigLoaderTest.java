package io.cyclelake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path home;

  @Test
  void layersApplyInOrderReferenceHomeFileSet() throws Exception {
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/cyclelake.conf"), "cyclelake.lake.path = home-lake\ncyclelake.train.seed = 7");
    Path extra = home.resolve("extra.conf");
    Files.writeString(extra, "cyclelake.lake.path = file-lake");
    Config c = ConfigLoader.load(home, List.of(extra), List.of("train.model=xgboost", "cyclelake.report.latest-runs=9"));
    assertEquals("file-lake", c.getString("cyclelake.lake.path"));
    assertEquals(7, c.getInt("cyclelake.train.seed"));
    assertEquals(9, c.getInt("cyclelake.report.latest-runs"));
    assertEquals("local[*]", c.getString("cyclelake.spark.master"), "reference default");
    Config set = ConfigLoader.load(home, List.of(extra), List.of("lake.path=/data/x y"));
    assertEquals("/data/x y", set.getString("cyclelake.lake.path"), "an unparsable HOCON value is taken as text");
  }

  @Test
  void unknownKeysAndWrongTypesNameTheirOrigin() throws Exception {
    Path bad = home.resolve("bad.conf");
    Files.writeString(bad, "cyclelake {\n  lake.pathh = x\n}\n");
    var e = assertThrows(CycleLakeException.class, () -> ConfigLoader.load(home, List.of(bad), List.of()));
    assertEquals(ErrorCode.CONFIG_INVALID, e.code());
    assertTrue(e.getMessage().contains("cyclelake.lake.pathh"), e.getMessage());
    assertEquals(2L, e.where().orElseThrow().line());
    var wrongType = assertThrows(CycleLakeException.class,
        () -> ConfigLoader.load(home, List.of(), List.of("train.seed=abc")));
    assertEquals(ErrorCode.CONFIG_INVALID, wrongType.code());
    var missing = assertThrows(CycleLakeException.class,
        () -> ConfigLoader.load(home, List.of(home.resolve("nope.conf")), List.of()));
    assertEquals(ErrorCode.CONFIG_FILE_MISSING, missing.code());
    assertEquals(ErrorCode.CONFIG_INVALID,
        assertThrows(CycleLakeException.class, () -> ConfigLoader.load(home, List.of(), List.of("novalue"))).code());
  }

  @Test
  void sparkSettingsAreFreeFormAndSecretsAreMasked() {
    Config c = ConfigLoader.load(home, List.of(), List.of(
        "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=abc123", "spark.conf.\"spark.executor.cores\"=3"));
    String rendered = ConfigRender.hocon(c);
    assertFalse(rendered.contains("abc123"), rendered);
    assertTrue(rendered.contains("***"));
    assertEquals("3", io.cyclelake.lake.SparkSessions.sparkConf(c).get("spark.executor.cores"));
    assertEquals("io.delta.sql.DeltaSparkSessionExtension",
        io.cyclelake.lake.SparkSessions.sparkConf(c).get("spark.sql.extensions"));
    assertEquals(12, ConfigRender.hash(c, "cyclelake.train").length());
  }
}
