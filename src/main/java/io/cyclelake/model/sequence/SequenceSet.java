package io.cyclelake.model.sequence;

import io.cyclelake.split.SplitRows;
import java.io.Serializable;
import java.util.List;

/**
 * Labelled per-cycle sequences as plain arrays (one entry per labelled cycle, ordered by cell and cycle), small enough
 * to broadcast: {@code x[i][c][t]} is channel c at step t of cycle i, valid for {@code t < length[i]}.
 *
 * @param y the label of each cycle (SOH, or RUL in discharges: the label task's)
 * @param nSamples samples the cycle had in {@code timeseries} before resampling or truncation
 */
public record SequenceSet(List<String> channels, int maxLength, String[] cell, int[] cycle, double[] ambientC,
    double[] y, int[] nSamples, int[] length, double[][][] x) implements Serializable {

  public SequenceSet {
    int n = cell.length;
    if (cycle.length != n || ambientC.length != n || y.length != n || nSamples.length != n || length.length != n
        || x.length != n) {
      throw new IllegalArgumentException("SequenceSet arrays differ in length");
    }
  }

  public int size() {
    return cell.length;
  }

  public SplitRows splitRows() {
    return new SplitRows(cell, cycle, ambientC);
  }

  /** The given rows, scaled by {@code scaler}, as a batch for a {@link SequenceModel}. */
  public SequenceBatch batch(int[] rows, SequenceScaler scaler) {
    return batch(rows, scaler, LabelScaler.IDENTITY);
  }

  /** The given rows, sequences scaled by {@code scaler} and labels by {@code labels}. */
  public SequenceBatch batch(int[] rows, SequenceScaler scaler, LabelScaler labels) {
    int[] len = new int[rows.length];
    double[] yy = new double[rows.length];
    String[] cc = new String[rows.length];
    int[] cy = new int[rows.length];
    for (int k = 0; k < rows.length; k++) {
      len[k] = length[rows[k]];
      yy[k] = (y[rows[k]] - labels.mean()) / labels.scale();
      cc[k] = cell[rows[k]];
      cy[k] = cycle[rows[k]];
    }
    return new SequenceBatch(scaler.transform(x, length, rows), len, yy, cc, cy);
  }
}
