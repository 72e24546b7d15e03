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
    Map<String, Integer> code = new TreeMap<>();
    for (String c : b.cell()) code.putIfAbsent(c, 0);
    int k0 = 0;
    for (Map.Entry<String, Integer> e : code.entrySet()) e.setValue(k0++);
    float[] out = new float[rows.length * 3];
    for (int k = 0; k < rows.length; k++) {
      int i = rows[k];
      out[3 * k] = (float) b.y()[i];
      out[3 * k + 1] = b.cycle()[i];
      out[3 * k + 2] = code.get(b.cell()[i]);
    }
    return out;
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

  public static int[] all(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
  }
}
