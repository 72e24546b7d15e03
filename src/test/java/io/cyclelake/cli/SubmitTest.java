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
    // A standalone cluster-mode driver gets Spark's Java 17 options only this way.
    assertTrue(cmd.contains("spark.driver.extraJavaOptions=" + Submit.JAVA17_OPTIONS));
  }

  @Test
  void onlyStandaloneClusterModeGetsTheDriverOptionsAndAUserSettingWins() {
    // Client mode, and cluster mode on YARN or Kubernetes: spark-submit gives the driver the options itself.
    for (List<String> sets : List.of(List.of("submit.deploy-mode=client", "submit.master=\"spark://h:7077\""),
        List.of("submit.deploy-mode=cluster", "submit.master=yarn"),
        List.of("submit.deploy-mode=cluster", "submit.master=\"k8s://https://api:6443\""))) {
      var c = ConfigLoader.load(Path.of("none"), List.of(), sets);
      List<String> cmd = Submit.command(c, Path.of("/opt/spark"), Path.of("/app/cyclelake.jar"), List.of("tables"));
      assertTrue(cmd.stream().noneMatch(a -> a.startsWith("spark.driver.extraJavaOptions=")), cmd.toString());
    }
    List<String> cmd;
    var own = ConfigLoader.load(Path.of("none"), List.of(), List.of("submit.deploy-mode=cluster",
        "submit.master=\"spark://h:7077\"",
        "submit.conf.\"spark.driver.extraJavaOptions\"=\"-Dx=1\""));
    cmd = Submit.command(own, Path.of("/opt/spark"), Path.of("/app/cyclelake.jar"), List.of("tables"));
    assertEquals(1, cmd.stream().filter(a -> a.startsWith("spark.driver.extraJavaOptions=")).count());
    assertTrue(cmd.contains("spark.driver.extraJavaOptions=-Dx=1"), cmd.toString());
  }

  @Test
  void theDriverOptionsAreTheOnesTheBuildGivesSpark() {
    // The test JVM runs with the pom's ${spark.jvm.opens} (Spark's JavaModuleOptions): the same list, option for option.
    List<String> jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String option : Submit.JAVA17_OPTIONS.split(" ")) assertTrue(jvm.contains(option), option + " not in " + jvm);
  }
}
