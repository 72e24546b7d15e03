package io.cyclelake.split;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * k folds over cells: the cells, sorted and shuffled with the seed, are dealt round-robin into k groups; fold i tests
 * on group i. With {@code validation-cells = m > 0}, the first m cells of the next group validate.
 */
public final class GroupKFold implements FoldSplitter {
  @Override
  public String name() {
    return "group-kfold";
  }

  @Override
  public List<Fold> folds(SplitRows rows, Config settings, long seed) {
    List<String> cells = rows.distinctCells();
    int k = settings.getInt("k");
    int m = settings.getInt("validation-cells");
    if (k < 2 || k > cells.size() || m < 0) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "split.group-kfold needs 2 <= k <= number of cells and "
          + "validation-cells >= 0; got k = " + k + ", validation-cells = " + m + " and " + cells.size() + " cells");
    }
    Collections.shuffle(cells, new Random(seed));
    List<List<String>> groups = new ArrayList<>();
    for (int g = 0; g < k; g++) groups.add(new ArrayList<>());
    for (int i = 0; i < cells.size(); i++) groups.get(i % k).add(cells.get(i));
    List<Fold> out = new ArrayList<>();
    for (int g = 0; g < k; g++) {
      List<String> next = groups.get((g + 1) % k);
      if (m > 0 && (next.size() < m || cells.size() - groups.get(g).size() - m < 1)) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "split.group-kfold: validation-cells = " + m
            + " leaves no training cell in fold " + g + " (" + cells.size() + " cells, k = " + k + ")");
      }
      List<String> val = next.subList(0, Math.min(m, next.size()));
      out.add(byCells("fold=" + g + ",test=" + String.join("+", groups.get(g)), rows, Set.copyOf(groups.get(g)),
          Set.copyOf(val)));
    }
    return out;
  }

  /** Rows of {@code test} cells test, of {@code validation} cells validate, the rest train. */
  static Fold byCells(String name, SplitRows rows, Set<String> test, Set<String> validation) {
    byte[] part = new byte[rows.size()];
    for (int i = 0; i < part.length; i++) {
      String c = rows.cell()[i];
      part[i] = test.contains(c) ? Fold.TEST : validation.contains(c) ? Fold.VALIDATION : Fold.TRAIN;
    }
    return new Fold(name, part);
  }
}
