package io.cyclelake.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.internal.Registry;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

public class TabularModelsTest {
  static final Registry<TabularModel> MODELS = Registry.load(TabularModel.class, TabularModel::name, "model");

  /** {@code cyclelake.model.<name>} of reference.conf with {@code overrides} (HOCON) on top. */
  public static Config params(String name, String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference().getConfig("cyclelake.model." + name));
  }

  /** y = 1 + 2·x0 − 0.5·x1 (+ noise), x2 irrelevant; standard-normal inputs. */
  public static double[][] x(int n, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][3];
    for (double[] row : x) for (int j = 0; j < 3; j++) row[j] = r.nextGaussian();
    return x;
  }

  public static double[] y(double[][] x, double noise, long seed) {
    Random r = new Random(seed);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = 1 + 2 * x[i][0] - 0.5 * x[i][1] + noise * r.nextGaussian();
    return y;
  }

  public static double mae(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
    return s / a.length;
  }

  @Test
  void everyModelIsFoundByName() {
    assertEquals(Set.of("dummy", "linear", "ridge", "elasticnet", "random-forest", "gbt", "xgboost", "neural-ode",
        "mlp", "mllib-random-forest", "mllib-gbt", "mllib-ridge", "xgboost-spark"), MODELS.names());
    assertEquals(Set.of("mllib-random-forest", "mllib-gbt", "mllib-ridge", "xgboost-spark"), MODELS.names().stream()
        .filter(n -> MODELS.get(n).fitsWithSpark()).collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void dummyPredictsTheTrainingMeanWhateverTheInputs() {
    double[][] x = {{0, 5}, {1, -3}, {2, 8}, {3, 0}};
    double[] y = {1, 2, 3, 6}; // mean (1 + 2 + 3 + 6) / 4 = 3
    double[][] xVal = {{9, 9}};
    double[] yVal = {100}; // validation rows are not part of the mean
    TabularModel.Fitted f = MODELS.get("dummy").fit(x, y, xVal, yVal, params("dummy", ""), 1);
    assertArrayEquals(new double[] {3, 3, 3}, f.predict(new double[][] {{0, 0}, {-1e6, 1e6}, {7, 7}}), 0.0);
    assertArrayEquals(new double[] {0, 0}, f.importance(), 0.0);
    assertEquals("none", f.importanceKind());
    assertTrue(f.describe().contains("training mean 3 of 4 rows"), f.describe());
    assertArrayEquals(new double[] {3}, MODELS.get("dummy").load(f.save()).predict(new double[][] {{1, 1}}), 0.0);
  }

  @Test
  void linearRecoversTheCoefficientsAndRidgeShrinksThem() {
    double[][] x = x(200, 1);
    double[] y = y(x, 0, 2);
    TabularModel.Fitted ols = MODELS.get("linear").fit(x, y, null, null, params("linear", ""), 1);
    double[] probe = ols.predict(new double[][] {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
    assertEquals(1, probe[0], 1e-6);
    assertEquals(2, probe[1] - probe[0], 1e-6);
    assertEquals(-0.5, probe[2] - probe[0], 1e-6);
    assertEquals(0, probe[3] - probe[0], 1e-6);
    double[] imp = ols.importance();
    assertEquals(2, imp[0], 1e-6);
    TabularModel.Fitted ridge = MODELS.get("ridge").fit(x, y, null, null, params("ridge", "alpha = 200"), 1);
    double slope = ridge.predict(new double[][] {{1, 0, 0}})[0] - ridge.predict(new double[][] {{0, 0, 0}})[0];
    assertTrue(slope > 0.5 && slope < 1.9, "ridge shrinks the slope: " + slope);
    TabularModel.Fitted en = MODELS.get("elasticnet").fit(x, y, null, null,
        params("elasticnet", "alpha = 0.3, l1-ratio = 1"), 1);
    assertEquals(0, en.importance()[2], 0.0, "lasso drops the irrelevant feature: " + en.describe());
    assertTrue(en.importance()[0] > 1.4, en.describe());
  }

  @Test
  void treeModelsFitAndRankTheRelevantFeatureFirst() {
    double[][] x = x(300, 3);
    double[] y = y(x, 0.05, 4);
    double[][] xt = x(100, 5);
    double[] yt = y(xt, 0, 6);
    for (String name : new String[] {"random-forest", "gbt", "xgboost"}) {
      TabularModel.Fitted f = MODELS.get(name).fit(x, y, null, null, params(name, ""), 7);
      double err = mae(f.predict(xt), yt);
      assertTrue(err < 0.5, name + " test MAE " + err + " (a constant predictor has about 1.7)");
      double[] imp = f.importance();
      assertTrue(imp[0] > imp[1] && imp[1] > imp[2], name + " importance " + java.util.Arrays.toString(imp));
    }
  }

  @Test
  void earlyStoppingKeepsFewerRoundsWhenValidationStopsImproving() {
    double[][] x = x(200, 8);
    double[] y = y(x, 1.0, 9);
    double[][] xv = x(100, 10);
    double[] yv = y(xv, 1.0, 11);
    TabularModel.Fitted g = MODELS.get("gbt").fit(x, y, xv, yv,
        params("gbt", "max-iter = 300, max-depth = 5, step-size = 0.3"), 1);
    assertTrue(g.describe().matches(".*\\d+ rounds grown, \\d+ kept.*"), g.describe());
    int kept = ((io.cyclelake.model.tree.TreeEnsemble) g).trees().size();
    assertTrue(kept < 300, g.describe());
    TabularModel.Fitted xg = MODELS.get("xgboost").fit(x, y, xv, yv,
        params("xgboost", "num-round = 300, eta = 0.3, max-depth = 5, early-stopping-rounds = 5"), 1);
    assertTrue(xg.describe().contains("used (best validation RMSE)"), xg.describe());
  }

  @Test
  void xgboostShapContributionsSumToThePrediction() {
    double[][] x = x(150, 12);
    double[] y = y(x, 0.1, 13);
    TabularModel.Fitted f = MODELS.get("xgboost").fit(x, y, null, null, params("xgboost", "num-round = 50"), 1);
    double[][] probe = x(5, 14);
    double[] p = f.predict(probe);
    double[][] c = f.contributions(probe);
    for (int i = 0; i < probe.length; i++) {
      double s = 0;
      for (double v : c[i]) s += v;
      assertEquals(p[i], s, 1e-4, "row " + i);
      assertEquals(4, c[i].length);
    }
  }

  @Test
  void savedModelsPredictTheSameAfterLoading(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    double[][] x = x(120, 15);
    double[] y = y(x, 0.1, 16);
    double[][] probe = x(20, 17);
    for (String name : MODELS.names()) {
      TabularModel m = MODELS.get(name);
      // neural-ode, mlp: a few iterations suffice to test saving (their fits are tested in NeuralOdeTest, MlpModelTest)
      String few = switch (name) {
        case "neural-ode" -> "iterations = 5";
        case "mlp" -> "epochs = 5";
        // MLlib: a few small trees (fits and directories are tested in MllibModelsTest)
        case "mllib-random-forest" -> "num-trees = 3, max-depth = 3";
        case "mllib-gbt" -> "max-iter = 3";
        case "xgboost-spark" -> "num-round = 5";
        default -> "";
      };
      if (m.fitsWithSpark()) io.cyclelake.testkit.TestSpark.get();
      TabularModel.Fitted f = m.fit(x, y, null, null, params(name, few), 3);
      TabularModel.Fitted back;
      if (m instanceof SparkTabularModel s) {
        // saved by MLlib's writer as a directory, not as bytes
        String path = dir.resolve(name).toString();
        ((SparkTabularModel.SparkFitted) f).saveTo(path);
        back = s.load(path);
      } else {
        back = m.load(f.save());
      }
      if (m instanceof SparkTabularModel) {
        io.cyclelake.testkit.Rounding.assertSameToRounding(f.predict(probe), back.predict(probe), name);
      } else {
        assertArrayEquals(f.predict(probe), back.predict(probe), 0.0, name);
      }
    }
  }
}
