package io.cyclelake.model;

import static io.cyclelake.model.TabularModelsTest.mae;
import static io.cyclelake.model.TabularModelsTest.params;
import static io.cyclelake.model.TabularModelsTest.x;
import static io.cyclelake.model.TabularModelsTest.y;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.ClassificationMetrics;
import io.cyclelake.internal.Registry;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML models of the telemetry task, on the shared local[2] session: {@code mllib-logistic} and
 * {@code xgboost-spark} classifiers, {@code mllib-ridge} and {@code xgboost-spark} regressors. Each is checked against
 * a closed form or the plain-Java model with the same objective, for class weighting, and for a save/load round trip.
 */
class SparkMlModelsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void session() {
    TestSpark.get();
  }

  static Config telemetry(String name, String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference().getConfig("cyclelake.telemetry." + name));
  }

  /** Imbalanced labels: P(y = 1) = σ(−2.5 + 2·x0 − x1), about 15 % positives. */
  static double[] labels(double[][] x, long seed) {
    Random r = new Random(seed);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double p = 1 / (1 + Math.exp(-(-2.5 + 2 * x[i][0] - x[i][1])));
      y[i] = r.nextDouble() < p ? 1 : 0;
    }
    return y;
  }

  static double mean(double[] v) {
    return Arrays.stream(v).average().orElseThrow();
  }

  @Test
  void mllibLogisticIsThePlainJavaLogisticWithTheSamePenaltyAndBalancesTheClasses() {
    double[][] x = x(400, 21);
    double[] y = labels(x, 22);
    double pos = Arrays.stream(y).sum();
    assertTrue(pos > 20 && pos < 120, "positives " + pos);
    double[][] probe = x(50, 23);
    TabularClassifier mllib = TabularClassifiers.byName("mllib-logistic");
    double reg = 0.01;
    for (boolean balance : new boolean[] {false, true}) {
      String b = "balance-classes = " + balance;
      TabularClassifier.Fitted f = mllib.fit(x, y, null, null,
          telemetry("mllib-logistic", b + ", reg-param = " + reg + ", tolerance = 1e-12, max-iter = 1000"), 1);
      // MLlib: (1/Σw)·Σ w·logloss + reg/2·||β||²; plain Java: Σ w·logloss + l2/2·||β||², so l2 = reg·Σw.
      double sumW = balance ? 2 * (x.length - pos) : x.length;
      TabularClassifier.Fitted plain = TabularClassifiers.byName("logistic").fit(x, y, null, null,
          telemetry("logistic", b + ", l2 = " + reg * sumW + ", max-iter = 100"), 1);
      assertArrayEquals(plain.probability(probe), f.probability(probe), 1e-4, b);
      double meanP = mean(f.probability(x));
      if (balance) {
        // positives weigh negatives/positives: the weighted classes are even, so probabilities sit near one half
        assertTrue(meanP > 0.35, "balanced mean probability " + meanP);
      } else {
        // with an unpenalised intercept, the mean probability is the positive share (up to the small penalty)
        assertEquals(pos / x.length, meanP, 0.01, "unbalanced mean probability");
      }
    }
  }

  @Test
  void sparkClassifiersRankWellAndReloadFromTheirDirectories() {
    double[][] x = x(600, 31);
    double[] y = labels(x, 32);
    double[][] xt = x(300, 33);
    double[] yt = labels(xt, 34);
    for (String[] m : new String[][] {{"mllib-logistic", ""}, {"xgboost-spark", "num-round = 30, num-workers = 2"}}) {
      String name = m[0];
      var c = (SparkTabularClassifier) TabularClassifiers.byName(name);
      SparkTabularClassifier.SparkFitted f = c.fit(x, y, null, null, telemetry(name, m[1]), 7);
      double[] p = f.probability(xt);
      double auc = ClassificationMetrics.rocAuc(yt, p);
      assertTrue(auc > 0.8, name + " test ROC AUC " + auc);
      assertTrue(f.describe().startsWith(name + " ("), f.describe());
      String path = dir.resolve("cls-" + name).toString();
      f.saveTo(path);
      assertTrue(Files.isDirectory(dir.resolve("cls-" + name).resolve("metadata")), "Spark ML writer layout");
      assertArrayEquals(p, c.load(path).probability(xt), 0.0, name);
      CycleLakeException bytes = assertThrows(CycleLakeException.class, f::save);
      assertTrue(bytes.getMessage().contains("saved as a directory"), bytes.getMessage());
      CycleLakeException load = assertThrows(CycleLakeException.class, () -> c.load(new byte[] {1}));
      assertEquals(ErrorCode.INPUT_MALFORMED, load.code());
    }
  }

  @Test
  void xgboostSparkBalancesTheClassesThroughScalePosWeight() {
    double[][] x = x(400, 41);
    double[] y = labels(x, 42);
    TabularClassifier c = TabularClassifiers.byName("xgboost-spark");
    double off = mean(c.fit(x, y, null, null, telemetry("xgboost-spark", "num-round = 30, balance-classes = false"),
        1).probability(x));
    double on = mean(c.fit(x, y, null, null, telemetry("xgboost-spark", "num-round = 30, balance-classes = true"),
        1).probability(x));
    assertTrue(on > off + 0.1, "mean probability with balance " + on + " vs without " + off);
    CycleLakeException one = assertThrows(CycleLakeException.class, () -> c.fit(x, new double[x.length], null, null,
        telemetry("xgboost-spark", ""), 1));
    assertEquals(ErrorCode.NO_TRAINING_DATA, one.code());
  }

  @Test
  void mllibRidgeIsRidgeWithAlphaScaledByRowsOverLabelSdAndXgboostSparkFits() {
    Registry<TabularModel> models = Registry.load(TabularModel.class, TabularModel::name, "model");
    double[][] x = x(200, 51);
    double[] y = y(x, 0.3, 52);
    double[][] probe = x(40, 53);
    double reg = 0.05;
    double my = mean(y);
    double ss = 0;
    for (double v : y) ss += (v - my) * (v - my);
    double sdY = Math.sqrt(ss / y.length); // population standard deviation (MLlib's summarizer)
    TabularModel.Fitted spark = models.get("mllib-ridge").fit(x, y, null, null,
        params("mllib-ridge", "reg-param = " + reg), 1);
    TabularModel.Fitted plain = models.get("ridge").fit(x, y, null, null,
        params("ridge", "alpha = " + x.length * reg / sdY), 1);
    assertArrayEquals(plain.predict(probe), spark.predict(probe), 1e-6, "mllib-ridge vs ridge");
    assertEquals("abs-coefficient", spark.importanceKind());
    double[] imp = spark.importance();
    assertTrue(imp[0] > imp[1] && imp[1] > imp[2], Arrays.toString(imp));

    double[] yt = y(probe, 0, 54);
    double dummy = mae(models.get("dummy").fit(x, y, null, null, params("dummy", ""), 1).predict(probe), yt);
    TabularModel.Fitted xgb = models.get("xgboost-spark").fit(x, y, null, null,
        params("xgboost-spark", "num-round = 60, num-workers = 2"), 1);
    double err = mae(xgb.predict(probe), yt);
    assertTrue(err < 0.5 * dummy, "xgboost-spark MAE " + err + " vs the dummy's " + dummy);
    assertEquals("mean-abs-shap", xgb.importanceKind());
    assertTrue(xgb.describe().startsWith("xgboost-spark (XGBoost4J-Spark, 2 workers): "), xgb.describe());
  }
}
