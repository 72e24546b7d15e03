package io.cyclelake.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.internal.Registry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FoldSplittersTest {
  /** Cells A..D with 10 operations each; D is cycled at 4 degC for its first 5 operations, then at 24 degC. */
  static SplitRows rows() {
    String[] cells = {"C", "A", "D", "B"};
    int n = 40;
    String[] cell = new String[n];
    int[] cycle = new int[n];
    double[] amb = new double[n];
    for (int i = 0; i < n; i++) {
      cell[i] = cells[i / 10];
      cycle[i] = 9 - i % 10; // reverse order: splitters must sort by cycle themselves
      amb[i] = switch (cell[i]) {
        case "A" -> 4;
        case "B" -> 44;
        case "C" -> 24;
        default -> cycle[i] < 5 ? 4 : 24;
      };
    }
    return new SplitRows(cell, cycle, amb);
  }

  static FoldSplitter splitter(String name) {
    return Registry.load(FoldSplitter.class, FoldSplitter::name, "split").get(name);
  }

  static Config defaults(String name) {
    return ConfigFactory.defaultReference().getConfig("cyclelake.split." + name);
  }

  @Test
  void everySplitterIsFoundByName() {
    assertEquals(Set.of("chronological", "loco", "group-kfold", "temperature-holdout"),
        Registry.load(FoldSplitter.class, FoldSplitter::name, "split").names());
  }

  @Test
  void locoTestsEachCellOnceAndValidatesOnTheNextCell() {
    SplitRows r = rows();
    List<Fold> folds = splitter("loco").folds(r, defaults("loco").withValue("validation-cells",
        ConfigFactory.parseString("v = 1").getValue("v")), 1);
    assertEquals(4, folds.size());
    List<String> order = List.of("A", "B", "C", "D");
    for (int f = 0; f < 4; f++) {
      Fold fold = folds.get(f);
      assertEquals(Set.of(order.get(f)), fold.cells(r, Fold.TEST));
      assertEquals(Set.of(order.get((f + 1) % 4)), fold.cells(r, Fold.VALIDATION));
      assertEquals(2, fold.cells(r, Fold.TRAIN).size());
      assertEquals(0, fold.count(Fold.UNUSED));
      assertTrue(fold.name().startsWith("test=" + order.get(f)), fold.name());
    }
  }

  @Test
  void groupKFoldPutsEveryCellInExactlyOneTestFold() {
    SplitRows r = rows();
    List<Fold> folds = splitter("group-kfold").folds(r, defaults("group-kfold").withValue("k",
        ConfigFactory.parseString("v = 2").getValue("v")), 7);
    assertEquals(2, folds.size());
    Set<String> tested = new HashSet<>();
    for (Fold f : folds) {
      assertEquals(2, f.cells(r, Fold.TEST).size());
      for (String c : f.cells(r, Fold.TEST)) assertTrue(tested.add(c), c + " tested twice");
      Set<String> overlap = new HashSet<>(f.cells(r, Fold.TRAIN));
      overlap.retainAll(f.cells(r, Fold.TEST));
      assertTrue(overlap.isEmpty(), "a cell both trains and tests: " + overlap);
    }
    assertEquals(Set.of("A", "B", "C", "D"), tested);
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> splitter("group-kfold").folds(r,
        defaults("group-kfold").withValue("k", ConfigFactory.parseString("v = 5").getValue("v")), 7));
    assertEquals(ErrorCode.CONFIG_INVALID, e.code());
  }

  @Test
  void temperatureHoldoutSplitsPerOperationAndValidatesOnTheLastTrainingCycles() {
    SplitRows r = rows();
    Config s = ConfigFactory.parseString("train-temperatures-c = [4, 44], test-temperatures-c = [24], "
        + "tolerance-c = 1, validation-fraction = 0.2");
    Fold f = splitter("temperature-holdout").folds(r, s, 1).get(0);
    // D's operations at 4 degC (cycles 0-4) train or validate, those at 24 degC (5-9) test, like all of C.
    for (int i = 0; i < r.size(); i++) {
      boolean test = r.ambientC()[i] == 24;
      assertEquals(test, f.part()[i] == Fold.TEST, "row " + i);
    }
    assertEquals(Set.of("C", "D"), f.cells(r, Fold.TEST));
    assertEquals(Set.of("A", "B", "D"), f.cells(r, Fold.VALIDATION));
    // 20 % of A's and B's 10 training cycles and of D's 5: the last ones by cycle index.
    assertEquals(2 + 2 + 1, f.count(Fold.VALIDATION));
    for (int i = 0; i < r.size(); i++) {
      if (f.part()[i] == Fold.VALIDATION) assertTrue(r.cycle()[i] >= (r.cell()[i].equals("D") ? 4 : 8), "row " + i);
    }
    Config none = ConfigFactory.parseString("train-temperatures-c = [4], test-temperatures-c = [60], "
        + "tolerance-c = 1, validation-fraction = 0");
    assertEquals(ErrorCode.NO_TRAINING_DATA, assertThrows(CycleLakeException.class,
        () -> splitter("temperature-holdout").folds(r, none, 1)).code());
  }

  @Test
  void chronologicalFoldMatchesTheSparkAssignmentSizes() {
    SplitRows r = rows();
    Fold f = splitter("chronological").folds(r, defaults("chronological"), 1).get(0);
    int[] sizes = ChronologicalSplit.sizes(10, 0.7, 0.15);
    assertEquals(4 * sizes[0], f.count(Fold.TRAIN));
    assertEquals(4 * sizes[1], f.count(Fold.VALIDATION));
    for (int i = 0; i < r.size(); i++) {
      byte expected = r.cycle()[i] < sizes[0] ? Fold.TRAIN : r.cycle()[i] < sizes[0] + sizes[1] ? Fold.VALIDATION
          : Fold.TEST;
      assertEquals(expected, f.part()[i], "row " + i);
    }
  }
}
