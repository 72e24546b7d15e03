package io.cyclelake.sweep;

import io.cyclelake.split.SplitRows;
import java.io.Serializable;
import java.util.List;

/**
 * The labelled rows of a sweep as plain arrays (one row per discharge: hundreds to a few thousand rows), broadcast to
 * every task. {@code x[i][j]} is NaN where feature j of row i is missing.
 */
public record SweepData(List<String> features, String[] cell, int[] cycle, double[] ambientC, double[] y,
    double[][] x) implements Serializable {
  public SplitRows splitRows() {
    return new SplitRows(cell, cycle, ambientC);
  }
}
