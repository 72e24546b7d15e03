package io.cyclelake.split;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Leave one cell out: fold {@code i} tests on the i-th cell (sorted by id) and trains on the others. With
 * {@code validation-cells = m > 0}, the m cells that follow the test cell in sorted order (cyclically) validate.
 */
public final class LeaveOneCellOut implements FoldSplitter {
  @Override
  public String name() {
    return "loco";
  }

  @Override
  public List<Fold> folds(SplitRows rows, Config settings, long seed) {
    List<String> cells = rows.distinctCells();
    int m = settings.getInt("validation-cells");
    if (m < 0 || cells.size() < 2 + m) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "split.loco needs at least validation-cells + 2 cells; "
          + "got " + cells.size() + " cells " + cells + " and validation-cells = " + m);
    }
    List<Fold> out = new ArrayList<>();
    for (int t = 0; t < cells.size(); t++) {
      String test = cells.get(t);
      List<String> val = new ArrayList<>();
      for (int j = 1; j <= m; j++) val.add(cells.get((t + j) % cells.size()));
      out.add(GroupKFold.byCells("test=" + test + (val.isEmpty() ? "" : ",validation=" + String.join("+", val)),
          rows, Set.of(test), Set.copyOf(val)));
    }
    return out;
  }
}
