package io.cyclelake.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment definition and the pieces of its results page that need no Spark. */
class ExperimentTest {
  @TempDir Path dir;

  private static Config parse(String body) {
    return ConfigFactory.parseString("cyclelake.experiment { title = t, question = q, data = [], steps = [], "
        + "documented = [], targets = [] }\ncyclelake.experiment {" + body + "}").resolve();
  }

  @Test
  void readsDataStepsDocumentedFiguresAndTargetsWithPathsAgainstTheHome() {
    Experiment e = Experiment.from(parse("name = x, data = [{ source = nasa, input = \"../raw\", cells = [B1] }], "
        + "steps = [{ name = a, conf = [\"conf/sweeps/s.conf\"], set = [\"sweep.split = loco\"] }, "
        + "{ name = b, reference = true }], "
        + "documented = [{ name = seed, part = test, r2 = -2.2 }], "
        + "targets = [{ metric = r2, at-least = 0.95 }, { metric = mae, part = validation, at-most = 0.005 }]"),
        dir.resolve("x.conf"), dir.resolve("home"));
    assertEquals("x", e.name());
    assertEquals(dir.resolve("raw"), e.data().get(0).input());
    assertEquals(List.of("B1"), e.data().get(0).cells());
    assertEquals(List.of(dir.resolve("home/conf/sweeps/s.conf")), e.steps().get(0).conf());
    assertEquals(List.of("sweep.split = loco"), e.steps().get(0).set());
    assertEquals(List.of(), e.steps().get(1).conf());
    assertTrue(e.steps().get(1).reference() && !e.steps().get(0).reference());
    assertEquals(-2.2, e.documented().get(0).r2());
    assertTrue(Double.isNaN(e.documented().get(0).mae()));
    assertEquals("test r2 ≥ 0.95", e.targets().get(0).describe());
    assertEquals("validation mae ≤ 0.005", e.targets().get(1).describe());
  }

  @Test
  void mistakesNameTheFileAndWhatIsWrong() {
    Path f = dir.resolve("bad.conf");
    assertEquals("bad.conf: cyclelake.experiment.name is empty", message(parse("name = \"\", steps = [{name = a}]"), f));
    assertTrue(message(parse("name = x"), f).contains("steps is empty"));
    assertTrue(message(parse("name = x, steps = [{name = a}, {name = a}]"), f).contains("same name"));
    assertTrue(message(parse("name = x, steps = [{conf = []}]"), f).contains("has no 'name'"));
    assertTrue(message(parse("name = x, steps = [{name = a}], targets = [{ metric = auc, at-most = 1 }]"), f)
        .contains("'auc'"));
    assertTrue(message(parse("name = x, steps = [{name = a}], targets = [{ metric = mae, at-most = 1, at-least = 0 }]"),
        f).contains("exactly one of at-most, at-least"));
  }

  private String message(Config c, Path f) {
    CycleLakeException ex = assertThrows(CycleLakeException.class, () -> Experiment.from(c, f, dir));
    assertEquals(ErrorCode.CONFIG_INVALID, ex.code());
    String m = ex.getMessage();
    assertTrue(m.startsWith(f.toString()), m);
    return m.substring(dir.toString().length() + 1);
  }

  @Test
  void settingsShowOnlyWhatDiffersFromTheModelDefaults() {
    Config step = ConfigFactory.parseString("cyclelake.model.ridge { alpha = 1.0, fit-intercept = true }");
    assertEquals("", ExperimentReport.settings(step, "ridge", "{\"alpha\":1.0,\"fit-intercept\":true}"));
    assertEquals("alpha=10", ExperimentReport.settings(step, "ridge", "{\"alpha\":10.0,\"fit-intercept\":true}"));
    assertEquals("a.b=2, alpha=0.1", ExperimentReport.settings(step, "ridge", "{\"alpha\":0.1,\"a\":{\"b\":2}}"));
  }

  @Test
  void theIndexBlockIsReplacedInPlaceAndTheWrittenReadingKept() throws Exception {
    Path index = dir.resolve("docs/results.md");
    ExperimentReport.updateIndex(index, "x", "first table\n");
    String text = Files.readString(index, StandardCharsets.UTF_8);
    assertTrue(text.startsWith("# Results\n\n## x\n\n<!-- cyclelake:experiment x "), text);
    Files.writeString(index, text + "\nReading: the dummy wins.\n", StandardCharsets.UTF_8);
    ExperimentReport.updateIndex(index, "y", "other\n");
    ExperimentReport.updateIndex(index, "x", "second table\n");
    text = Files.readString(index, StandardCharsets.UTF_8);
    assertFalse(text.contains("first table"), text);
    assertEquals(1, text.split("second table", -1).length - 1, text);
    assertTrue(text.indexOf("second table") < text.indexOf("Reading: the dummy wins.")
        && text.indexOf("Reading: the dummy wins.") < text.indexOf("## y"), text);
  }

  private static ExperimentReport.Spec spec(String step, String model, double... maeByFold) {
    List<double[]> folds = new java.util.ArrayList<>();
    for (double m : maeByFold) folds.add(new double[] {m, m, Double.NaN, Double.NaN, Double.NaN, Double.NaN});
    return new ExperimentReport.Spec(step, "sw", 0, model, "", java.util.Map.of("test", folds), List.of(), List.of(),
        0.9);
  }

  @Test
  void targetsTakeTheBestMeanOverFoldsAndLeaveReferenceStepsOut() {
    Experiment e = Experiment.from(parse("name = x, steps = [{ name = a }, { name = ref, reference = true }], "
        + "targets = [{ metric = mae, at-most = 0.02 }]"), dir.resolve("x.conf"), dir);
    List<ExperimentReport.TargetOutcome> o = ExperimentReport.targets(e, List.of(spec("a", "ridge", 0.01, 0.05),
        spec("a", "xgboost", 0.02, 0.03), spec("ref", "oracle", 0.0, 0.0)));
    assertEquals("xgboost", o.get(0).best().model(), "mean 0.025 beats 0.03; the reference's 0 does not count");
    assertEquals(0.025, o.get(0).value(), 1e-15);
    assertFalse(o.get(0).met());
    assertEquals("test mae ≤ 0.02: best 0.0250 by a / xgboost — missed by 0.0050", o.get(0).describe());
  }
}
