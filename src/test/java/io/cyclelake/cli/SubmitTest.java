package io.cyclelake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmitTest {
  @Test
  void theSameCommandGoesToSparkSubmitWithTheClusterSettings() {
    var config = ConfigLoader.load(Path.of("none"), List.of(), List.of(
        "submit.master=\"spark://h:7077\"", "submit.deploy-mode=cluster", "submit.conf.\"spark.eventLog.enabled\"=true"));
    List<String> cmd = Submit.command(config, Path.of("/opt/spark"), Path.of("/app/cyclelake.jar"),
        List.of("train", "--submit", "--master", "spark://h:7077", "--cells", "B0005"));
    assertEquals("/opt/spark/bin/spark-submit", cmd.get(0));
    assertEquals(List.of("--class", "io.cyclelake.cli.CycleLake", "--master", "spark://h:7077",
        "--deploy-mode", "cluster"), cmd.subList(1, 7));
    assertTrue(cmd.contains("spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension"));
    assertTrue(cmd.contains("spark.eventLog.enabled=true"));
    int jar = cmd.indexOf("/app/cyclelake.jar");
    assertEquals(List.of("train", "--cells", "B0005"), cmd.subList(jar + 1, cmd.size()));
  }
}
