package io.cyclelake.split;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a {@link FoldSplitter} sees of each labelled row: its cell, its operation index and the ambient temperature of
 * the operation (NaN if unknown). Arrays of equal length.
 */
public record SplitRows(String[] cell, int[] cycle, double[] ambientC) implements Serializable {
  public SplitRows {
    if (cell.length != cycle.length || cell.length != ambientC.length) {
      throw new IllegalArgumentException("cell, cycle and ambientC differ in length: " + cell.length + ", "
          + cycle.length + ", " + ambientC.length);
    }
  }

  public int size() {
    return cell.length;
  }

  public List<String> distinctCells() {
    return new ArrayList<>(new TreeSet<>(List.of(cell)));
  }
}
