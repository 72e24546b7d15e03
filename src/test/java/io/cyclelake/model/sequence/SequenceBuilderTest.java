package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import org.junit.jupiter.api.Test;

class SequenceBuilderTest {
  @Test
  void resamplingALinearSignalIsExactOnAnIrregularGrid() {
    double[] t = {0, 1, 3, 4, 10};
    double[][] ch = {new double[5], new double[5]};
    for (int k = 0; k < 5; k++) {
      ch[0][k] = 4.2 - 0.1 * t[k];
      ch[1][k] = t[k];
    }
    double[][] out = new double[2][6];
    int len = SequenceBuilder.build(SequenceBuilder.Mode.RESAMPLE, t, ch, 6, out);
    assertEquals(6, len);
    for (int j = 0; j < 6; j++) {
      double tj = 10.0 * j / 5;
      assertEquals(4.2 - 0.1 * tj, out[0][j], 1e-12);
      assertEquals(tj, out[1][j], 1e-12);
    }
  }

  @Test
  void resamplingSkipsNaNAndHoldsEnds() {
    double[] t = {0, 1, 2, 3, 4};
    double[][] ch = {{Double.NaN, 1, Double.NaN, 3, Double.NaN}, {Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN}};
    double[][] out = new double[2][5];
    SequenceBuilder.build(SequenceBuilder.Mode.RESAMPLE, t, ch, 5, out);
    assertArrayEquals(new double[] {1, 1, 2, 3, 3}, out[0], 1e-12);
    for (double v : out[1]) assertTrue(Double.isNaN(v));
  }

  @Test
  void truncationKeepsTheFirstSamplesAndPads() {
    double[] t = {0, 1, 2};
    double[][] ch = {{5, 6, 7}};
    double[][] out = new double[1][5];
    assertEquals(3, SequenceBuilder.build(SequenceBuilder.Mode.TRUNCATE, t, ch, 5, out));
    assertArrayEquals(new double[] {5, 6, 7, 0, 0}, out[0]);
    double[][] shorter = new double[1][2];
    assertEquals(2, SequenceBuilder.build(SequenceBuilder.Mode.TRUNCATE, t, ch, 2, shorter));
    assertArrayEquals(new double[] {5, 6}, shorter[0]);
  }

  @Test
  void badInputsAreErrors() {
    double[][] out = new double[1][4];
    CycleLakeException back = assertThrows(CycleLakeException.class, () -> SequenceBuilder.build(
        SequenceBuilder.Mode.TRUNCATE, new double[] {0, 2, 1}, new double[][] {{1, 2, 3}}, 4, out));
    assertEquals(ErrorCode.INPUT_MALFORMED, back.code());
    CycleLakeException one = assertThrows(CycleLakeException.class, () -> SequenceBuilder.build(
        SequenceBuilder.Mode.RESAMPLE, new double[] {0}, new double[][] {{1}}, 4, out));
    assertEquals(ErrorCode.INPUT_MALFORMED, one.code());
    assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(CycleLakeException.class,
        () -> SequenceBuilder.Mode.of("pad")).code());
  }

  @Test
  void scalerUsesTrainingRowsAndValidStepsOnly() {
    double[][][] x = {
        {{1, 3, 99}}, // length 2: the 99 is padding
        {{5, 7, 0}},
        {{1000, 1000, 1000}} // not a training row
    };
    int[] length = {2, 2, 3};
    SequenceScaler s = SequenceScaler.fit(x, length, new int[] {0, 1}, 1);
    assertEquals(4.0, s.mean()[0], 1e-12);
    assertEquals(Math.sqrt(20.0 / 3), s.scale()[0], 1e-12);
    double[][][] z = s.transform(x, length, new int[] {0, 2});
    assertEquals((1 - 4) / Math.sqrt(20.0 / 3), z[0][0][0], 1e-12);
    assertEquals(0.0, z[0][0][2]);
    assertEquals((1000 - 4) / Math.sqrt(20.0 / 3), z[1][0][2], 1e-9);
  }

  @Test
  void tensorsCarryMasksAndSideLabels() {
    SequenceBatch b = new SequenceBatch(new double[][][] {{{1, 2, 0}, {3, 4, 0}}, {{5, 6, 7}, {8, 9, 10}}},
        new int[] {2, 3}, new double[] {0.9, 0.8}, new String[] {"B", "A"}, new int[] {4, 6});
    int[] rows = {0, 1};
    assertArrayEquals(new float[] {1, 2, 0, 3, 4, 0, 5, 6, 7, 8, 9, 10}, SequenceTensors.featureArray(b, rows));
    assertArrayEquals(new float[] {1, 1, 0, 1, 1, 1}, SequenceTensors.maskArray(b, rows));
    assertArrayEquals(new float[] {0.9f, 4, 1, 0.8f, 6, 0}, SequenceTensors.labelArray(b, rows));
  }
}
