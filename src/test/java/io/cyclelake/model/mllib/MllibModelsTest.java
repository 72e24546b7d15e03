package io.cyclelake.model.mllib;

import static io.cyclelake.model.TabularModelsTest.mae;
import static io.cyclelake.model.TabularModelsTest.params;
import static io.cyclelake.model.TabularModelsTest.x;
import static io.cyclelake.model.TabularModelsTest.y;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.internal.Registry;
import io.cyclelake.model.SparkTabularModel;
import io.cyclelake.model.TabularModel;
import io.cyclelake.testkit.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark MLlib's random forest and GBT behind {@link TabularModel}, on the shared local[2] session: y = 1 + 2·x0 −
 * 0.5·x1 + noise with x2 irrelevant (standard-normal inputs, as in TabularModelsTest).
 */
class MllibModelsTest {
  static final Registry<TabularModel> MODELS = Registry.load(TabularModel.class, TabularModel::name, "model");
  @TempDir static Path dir;

  static SparkTabularModel model(String name) {
    return (SparkTabularModel) MODELS.get(name);
  }

  @BeforeAll
  static void session() {
    TestSpark.get();
  }

  @Test
  void bothBeatTheDummyRankTheInformativeFeatureFirstAndReloadFromTheirDirectory() {
    double[][] x = x(300, 3);
    double[] y = y(x, 0.05, 4);
    double[][] xt = x(100, 5);
    double[] yt = y(xt, 0, 6);
    double dummy = mae(MODELS.get("dummy").fit(x, y, null, null, params("dummy", ""), 1).predict(xt), yt);
    for (String[] m : new String[][] {{"mllib-random-forest", "num-trees = 20, max-depth = 6, feature-subset = all"},
        {"mllib-gbt", "max-iter = 20, max-depth = 3, step-size = 0.3"}}) {
      String name = m[0];
      SparkTabularModel.SparkFitted f = model(name).fit(x, y, null, null, params(name, m[1]), 7);
      double[] p = f.predict(xt);
      double err = mae(p, yt);
      assertTrue(err < 0.5 * dummy, name + " test MAE " + err + " vs the dummy's " + dummy);
      double[] imp = f.importance();
      assertEquals(3, imp.length);
      assertEquals(1.0, Arrays.stream(imp).sum(), 1e-9, name + " importance " + Arrays.toString(imp));
      assertTrue(imp[0] > imp[1] && imp[1] > imp[2], name + " importance " + Arrays.toString(imp));
      assertEquals("impurity", f.importanceKind());
      assertTrue(f.describe().startsWith(name + " (Spark MLlib): "), f.describe());

      String path = dir.resolve(name).toString();
      f.saveTo(path);
      assertTrue(Files.isDirectory(dir.resolve(name).resolve("metadata")), "MLlib's writer layout under " + path);
      SparkTabularModel.SparkFitted back = model(name).load(path);
      io.cyclelake.testkit.Rounding.assertSameToRounding(p, back.predict(xt), name);
      assertArrayEquals(imp, back.importance(), 0.0, name);
      f.saveTo(path); // overwrites
      CycleLakeException bytes = assertThrows(CycleLakeException.class, f::save);
      assertTrue(bytes.getMessage().contains("saved as a directory"), bytes.getMessage());
    }
  }

  @Test
  void gbtStopsEarlyOnTheValidationRowsAndTheSeedFixesTheForest() {
    double[][] x = x(200, 8);
    double[] y = y(x, 1.0, 9);
    double[][] xv = x(100, 10);
    double[] yv = y(xv, 1.0, 11);
    var settings = params("mllib-gbt", "max-iter = 20, max-depth = 5, step-size = 0.5");
    SparkTabularModel.SparkFitted stopped = model("mllib-gbt").fit(x, y, xv, yv, settings, 1);
    int kept = Integer.parseInt(stopped.describe().replaceAll(".*: (\\d+) trees kept.*", "$1"));
    assertTrue(kept < 20, stopped.describe());
    SparkTabularModel.SparkFitted off = model("mllib-gbt").fit(x, y, xv, yv,
        params("mllib-gbt", "max-iter = 20, max-depth = 5, step-size = 0.5, early-stopping = false"), 1);
    assertTrue(off.describe().contains(": 20 trees kept"), off.describe());

    var rf = params("mllib-random-forest", "num-trees = 5, feature-subset = sqrt");
    double[][] probe = x(10, 12);
    assertArrayEquals(model("mllib-random-forest").fit(x, y, null, null, rf, 5).predict(probe),
        model("mllib-random-forest").fit(x, y, null, null, rf, 5).predict(probe), 0.0);
  }

  @Test
  void badSettingsAndFitsInsideATaskAreClearErrors() {
    double[][] x = x(20, 1);
    double[] y = y(x, 0.1, 2);
    CycleLakeException bad = assertThrows(CycleLakeException.class, () -> model("mllib-random-forest")
        .fit(x, y, null, null, params("mllib-random-forest", "num-trees = 0"), 1));
    assertEquals(ErrorCode.CONFIG_INVALID, bad.code());
    assertTrue(bad.getMessage().contains("model.mllib-random-forest") && bad.getMessage().contains("numTrees"),
        bad.getMessage());
    CycleLakeException loss = assertThrows(CycleLakeException.class, () -> model("mllib-gbt")
        .fit(x, y, null, null, params("mllib-gbt", "loss = cubic"), 1));
    assertEquals(ErrorCode.CONFIG_INVALID, loss.code());

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    List<String> inTask = jsc.parallelize(List.of(1), 1).map(i -> {
      try {
        MODELS.get("mllib-random-forest").fit(x, y, null, null, params("mllib-random-forest", ""), 1);
        return "fitted";
      } catch (CycleLakeException e) {
        return e.getMessage();
      }
    }).collect();
    assertTrue(inTask.get(0).contains("must be fitted on the driver"), inTask.get(0));
  }
}
