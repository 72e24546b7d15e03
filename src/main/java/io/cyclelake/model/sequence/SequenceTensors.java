package io.cyclelake.model.sequence;

import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J tensors of a {@link SequenceBatch}: features {@code [n, channels, steps]} (float), feature mask
 * {@code [n, steps]} (1 for the valid steps, 0 for padding), labels {@code [n, 3]} (target, cycle number, cell as
 * a number, see {@link DL4JLoss}) and label mask {@code [n, 1]} (1 for every labelled sequence).
 */
public final class SequenceTensors {
  private SequenceTensors() {}

  /** Features as one flat array in c order, for {@code [n, channels, steps]}. */
  public static float[] featureArray(SequenceBatch b, int[] rows) {
    int c = b.channels();
    int t = b.steps();
    float[] out = new float[rows.length * c * t];
    for (int k = 0; k < rows.length; k++) {
      double[][] s = b.x()[rows[k]];
      for (int j = 0; j < c; j++) {
        int base = (k * c + j) * t;
        for (int u = 0; u < b.length()[rows[k]]; u++) out[base + u] = (float) s[j][u];
      }
    }
    return out;
  }

  /** Feature mask as a flat {@code [n, steps]} array. */
  public static float[] maskArray(SequenceBatch b, int[] rows) {
    int t = b.steps();
    float[] out = new float[rows.length * t];
    for (int k = 0; k < rows.length; k++) {
      for (int u = 0; u < b.length()[rows[k]]; u++) out[k * t + u] = 1f;
    }
    return out;
  }

  /** Labels {@code [target, cycle, cell number]} per row, flat; cell numbers follow the sorted cell ids. */
  public static float[] labelArray(SequenceBatch b, int[] rows) {
    return labelArray(b, rows, new double[][] {b.y()});
  }

  /**
   * Labels {@code [target_0 .. target_K−1, cycle, cell number]} per row, flat, for a model of K outputs;
   * {@code targets[k][i]} is output k's target for sequence i of the batch (NaN = none: written as 0, masked by
   * {@link #labelMask}).
   */
  public static float[] labelArray(SequenceBatch b, int[] rows, double[][] targets) {
    Map<String, Integer> code = new TreeMap<>();
    for (String c : b.cell()) code.putIfAbsent(c, 0);
    int k0 = 0;
    for (Map.Entry<String, Integer> e : code.entrySet()) e.setValue(k0++);
    int nk = targets.length;
    int w = nk + 2;
    float[] out = new float[rows.length * w];
    for (int k = 0; k < rows.length; k++) {
      int i = rows[k];
      for (int j = 0; j < nk; j++) out[w * k + j] = Double.isNaN(targets[j][i]) ? 0f : (float) targets[j][i];
      out[w * k + nk] = b.cycle()[i];
      out[w * k + nk + 1] = code.get(b.cell()[i]);
    }
    return out;
  }

  /** Label mask {@code [n, K]}: 1 where output k of the row has a target, 0 where it is NaN. */
  public static INDArray labelMask(int[] rows, double[][] targets) {
    float[] m = new float[rows.length * targets.length];
    for (int k = 0; k < rows.length; k++) {
      for (int j = 0; j < targets.length; j++) m[k * targets.length + j] = Double.isNaN(targets[j][rows[k]]) ? 0f : 1f;
    }
    return Nd4j.create(m, new long[] {rows.length, targets.length}, 'c');
  }

  public static INDArray features(SequenceBatch b, int[] rows) {
    return Nd4j.create(featureArray(b, rows), new long[] {rows.length, b.channels(), b.steps()}, 'c');
  }

  public static INDArray featureMask(SequenceBatch b, int[] rows) {
    return Nd4j.create(maskArray(b, rows), new long[] {rows.length, b.steps()}, 'c');
  }

  /** Features, labels and both masks of {@code rows}. */
  public static DataSet dataSet(SequenceBatch b, int[] rows) {
    INDArray labels = Nd4j.create(labelArray(b, rows), new long[] {rows.length, 3}, 'c');
    INDArray labelMask = Nd4j.ones(DataType.FLOAT, rows.length, 1);
    return new DataSet(features(b, rows), labels, featureMask(b, rows), labelMask);
  }

  /**
   * Features, the K targets of a several-output model ({@link #labelArray(SequenceBatch, int[], double[][])}) and
   * both masks.
   */
  public static DataSet dataSet(SequenceBatch b, int[] rows, double[][] targets) {
    INDArray labels = Nd4j.create(labelArray(b, rows, targets), new long[] {rows.length, targets.length + 2}, 'c');
    return new DataSet(features(b, rows), labels, featureMask(b, rows), labelMask(rows, targets));
  }

  public static int[] all(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
  }
}
