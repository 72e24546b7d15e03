package io.cyclelake.model.sequence;

/**
 * Scaled sequences handed to a {@link SequenceModel}: {@code x[i][c][t]} for {@code t < length[i]} (steps beyond are
 * padding, masked out), labels {@code y} (ignored by prediction), and each sequence's cell and cycle (the
 * {@code physics} loss compares predictions of one cell along its cycles).
 */
public record SequenceBatch(double[][][] x, int[] length, double[] y, String[] cell, int[] cycle) {
  public int size() {
    return x.length;
  }

  public int channels() {
    return x.length == 0 ? 0 : x[0].length;
  }

  public int steps() {
    return x.length == 0 ? 0 : x[0][0].length;
  }
}
