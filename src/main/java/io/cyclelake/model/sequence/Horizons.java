package io.cyclelake.model.sequence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Targets of a several-output sequence model whose outputs look ahead: output k of the sequence of a cell's
 * labelled discharge at position p (in cycle order among that cell's labelled discharges) has as target the label
 * of the cell's discharge at position {@code p + horizons[k]}; none (NaN) when the cell has no labelled discharge that
 * far ahead. Horizon 0 is the sequence's own label. Positions count the discharges present in the arrays given, so a
 * training fold's targets come from training sequences only.
 */
public final class Horizons {
  private Horizons() {}

  /**
   * @return {@code [output][row]}, NaN where there is no target
   */
  public static double[][] targets(String[] cell, int[] cycle, double[] y, int[] horizons) {
    int n = cell.length;
    Map<String, List<Integer>> byCell = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) byCell.computeIfAbsent(cell[i], c -> new ArrayList<>()).add(i);
    double[][] out = new double[horizons.length][n];
    for (List<Integer> rows : byCell.values()) {
      rows.sort(Comparator.comparingInt(i -> cycle[i]));
      for (int p = 0; p < rows.size(); p++) {
        for (int k = 0; k < horizons.length; k++) {
          int q = p + horizons[k];
          out[k][rows.get(p)] = q < rows.size() ? y[rows.get(q)] : Double.NaN;
        }
      }
    }
    return out;
  }

  /** {@link #targets} of a batch's own sequences and (scaled) labels. */
  public static double[][] targets(SequenceBatch b, int[] horizons) {
    return targets(b.cell(), b.cycle(), b.y(), horizons);
  }

  /** Names of the outputs: {@code label} for horizon 0, {@code label+h} for h discharges ahead. */
  public static String name(int horizon) {
    return horizon == 0 ? "label" : "label+" + horizon;
  }
}
