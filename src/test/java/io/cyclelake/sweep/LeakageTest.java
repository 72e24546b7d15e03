package io.cyclelake.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.cyclelake.model.Preprocessor;
import io.cyclelake.split.Fold;
import io.cyclelake.split.LeaveOneCellOut;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * No statistic of a test cell reaches training: changing the test cell's features and labels (by orders of
 * magnitude) must leave the fitted preprocessor, the saved model and every non-test prediction exactly as they were.
 * A scaler or imputer fitted on all rows of the fold, or a model that saw test rows, fails this test.
 */
class LeakageTest {
  static SweepData data(double testScale, double testShift) {
    String[] cells = {"A", "B", "C", "D"};
    int per = 30;
    int n = cells.length * per;
    String[] cell = new String[n];
    int[] cycle = new int[n];
    double[] amb = new double[n];
    double[] y = new double[n];
    double[][] x = new double[n][3];
    Random r = new Random(5);
    for (int i = 0; i < n; i++) {
      cell[i] = cells[i / per];
      cycle[i] = i % per;
      amb[i] = 24;
      x[i][0] = cycle[i];
      x[i][1] = 3.5 + 0.1 * r.nextGaussian();
      x[i][2] = i % 7 == 0 ? Double.NaN : 20 + r.nextGaussian(); // missing values: imputed with the train mean
      y[i] = 1 - 0.005 * cycle[i] + 0.01 * (x[i][1] - 3.5);
      if (cell[i].equals("A")) { // the test cell of fold 0
        for (int j = 0; j < 3; j++) x[i][j] = x[i][j] * testScale + testShift;
        y[i] = y[i] * testScale + testShift;
      }
    }
    return new SweepData(List.of("f0", "f1", "f2"), cell, cycle, amb, y, x);
  }

  @Test
  void testCellStatisticsDoNotReachTrainingForAnyModel() {
    SweepData clean = data(1, 0);
    SweepData poisoned = data(1000, 50);
    Fold fold = new LeaveOneCellOut().folds(clean.splitRows(),
        ConfigFactory.parseString("validation-cells = 1"), 1).get(0);
    assertEquals(java.util.Set.of("A"), fold.cells(clean.splitRows(), Fold.TEST));
    for (String model : List.of("dummy", "linear", "ridge", "elasticnet", "random-forest", "gbt", "xgboost",
        "neural-ode", "mlp", "mllib-random-forest")) {
      String params = ConfigFactory.parseString(switch (model) {
            case "neural-ode" -> "iterations = 10, eval-every = 2";
            case "mlp" -> "epochs = 20, patience = 5";
            case "mllib-random-forest" -> "num-trees = 5, max-depth = 4";
            default -> "";
          })
          .withFallback(ConfigFactory.defaultReference().getConfig("cyclelake.model." + model))
          .withFallback(ConfigFactory.parseString("num-trees = 10, max-iter = 20, num-round = 20"))
          .root().render(ConfigRenderOptions.concise());
      TaskSpec spec = new TaskSpec("r", 0, model, params, 0, fold.name(), 3, 0.9);
      TaskResult a = run(clean, fold, spec);
      TaskResult b = run(poisoned, fold, spec);
      assertEquals("ok", a.status(), a.error());
      assertEquals("ok", b.status(), b.error());
      assertPreprocessorEquals(a.preprocessor(), b.preprocessor(), model);
      assertArrayEquals(a.model(), b.model(), model + ": the saved model depends on the test cell");
      assertEquals(a.halfWidth(), b.halfWidth(), 0.0, model + ": conformal width depends on the test cell");
      boolean testChanged = false;
      for (int k = 0; k < a.rows().length; k++) {
        if (fold.part()[a.rows()[k]] != Fold.TEST) {
          assertEquals(a.predicted()[k], b.predicted()[k], 0.0, model + " row " + a.rows()[k]);
        } else if (a.predicted()[k] != b.predicted()[k]) {
          testChanged = true;
        }
      }
      if (model.equals("dummy")) {
        // dummy reads no input: its test predictions stay the training mean, unchanged.
        assertEquals(false, testChanged, "dummy: test predictions reacted to the test cell");
        continue;
      }
      // The test rows' inputs did change, so a model that reads them must predict differently there.
      assertEquals(true, testChanged, model + ": test predictions did not react to the changed test inputs");
    }
  }

  @Test
  void preprocessorStatisticsComeFromTheTrainingRowsOnly() {
    SweepData d = data(1000, 50);
    Fold fold = new LeaveOneCellOut().folds(d.splitRows(), ConfigFactory.parseString("validation-cells = 0"), 1)
        .get(0);
    TaskSpec spec = new TaskSpec("r", 0, "ridge", "{\"alpha\":1.0}", 0, fold.name(), 3, 0.9);
    Preprocessor p = FoldRunner.run(d, fold, spec).preprocessor();
    int[] tr = fold.rows(Fold.TRAIN);
    double s = 0;
    for (int i : tr) s += d.x()[i][0];
    assertEquals(s / tr.length, p.mean()[0], 1e-12);
    double all = 0;
    for (double[] row : d.x()) all += row[0];
    assertNotEquals(all / d.x().length, p.mean()[0], 1.0);
  }

  /** In a task's way, or from the driver (a Spark fit on the shared session) for an MLlib model. */
  private static TaskResult run(SweepData data, Fold fold, TaskSpec spec) {
    if (!spec.model().startsWith("mllib-")) return FoldRunner.run(data, fold, spec);
    io.cyclelake.testkit.TestSpark.get();
    return FoldRunner.run(data, fold, spec, (id, fitted) -> {});
  }

  private static void assertPreprocessorEquals(Preprocessor a, Preprocessor b, String model) {
    assertArrayEquals(a.mean(), b.mean(), 0.0, model + ": scaler mean depends on the test cell");
    assertArrayEquals(a.scale(), b.scale(), 0.0, model + ": scaler scale depends on the test cell");
  }
}
