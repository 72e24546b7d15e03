package io.cyclelake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The effective-configuration print (every job prints it when it starts) and the spark-submit line never show secrets. */
class SecretMaskingTest {
  static final List<String> SECRETS = List.of("AKIAEXAMPLEKEY", "s3cr3tS3cret", "azureAccountKey==", "sv=2024&sig=abc",
      "mlflowPass", "gcsPrivateKey", "dbToken123");

  @Test
  void objectStoreAndMlflowCredentialsAreMaskedInTheEffectiveConfiguration() {
    Config c = ConfigLoader.load(Path.of("does-not-exist"), List.of(), List.of(
        "spark.conf.\"spark.hadoop.fs.s3a.access.key\"=AKIAEXAMPLEKEY",
        "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=s3cr3tS3cret",
        "spark.conf.\"spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net\"=\"azureAccountKey==\"",
        "spark.conf.\"spark.hadoop.fs.azure.sas.box.acct.blob.core.windows.net\"=\"sv=2024&sig=abc\"",
        "spark.conf.\"spark.hadoop.google.cloud.auth.service.account.private.key\"=gcsPrivateKey",
        "spark.conf.\"spark.databricks.token\"=dbToken123",
        "lake.path=\"s3a://AKIAEXAMPLEKEY:s3cr3tS3cret@bucket/lake\"",
        "submit.conf.\"spark.mlflow.uri\"=\"https://user:mlflowPass@mlflow.example.com\"",
        "spark.conf.\"spark.executor.cores\"=3"));
    String printed = ConfigRender.hocon(c) + ConfigRender.json(c);
    for (String s : SECRETS) assertFalse(printed.contains(s), () -> s + " is printed: " + printed);
    assertTrue(printed.contains("s3a://***@bucket/lake"), printed);
    assertTrue(printed.contains("https://***@mlflow.example.com"), printed);
    assertTrue(printed.contains("spark.executor.cores"), "ordinary settings stay: " + printed);
    assertEquals("s3a://AKIAEXAMPLEKEY:s3cr3tS3cret@bucket/lake", c.getString("cyclelake.lake.path"),
        "only the print is masked; the job uses the real value");
  }

  @Test
  void theSparkSubmitLineIsMasked() {
    List<String> cmd = List.of("spark-submit", "--conf", "spark.hadoop.fs.s3a.secret.key=s3cr3tS3cret", "--conf",
        "spark.executor.cores=3", "--lake", "s3a://AKIAEXAMPLEKEY:s3cr3tS3cret@bucket/lake");
    String printed = String.join(" ", ConfigRender.maskArgs(cmd));
    for (String s : SECRETS) assertFalse(printed.contains(s), printed);
    assertEquals("spark-submit --conf spark.hadoop.fs.s3a.secret.key=*** --conf spark.executor.cores=3 --lake "
        + "s3a://***@bucket/lake", printed);
  }
}
