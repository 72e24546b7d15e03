package io.cyclelake.features.telemetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Resample1HzTest {
  static final double NaN = Double.NaN;

  @Test
  void meanMinMaxPerSecondRepeatsOnceGapsMarkedSegmentsSplit() {
    long s = 1_000_000L;
    long[] t = {10 * s, 10 * s + 500_000, 10 * s + 500_000, 11 * s + 100, 14 * s, 14 * s, 100 * s};
    double[][] v = {
        {1, 3, 3, 5, 7, 8, 9},
        {NaN, 2, 2, NaN, 1, 1, NaN}};
    Resample1Hz.Result r = Resample1Hz.aggregate(t, v, 5);
    // seconds 10, 11, 12 (gap), 13 (gap), 14 in segment 0; 100 in segment 1 (hole of 86 s > 5)
    assertArrayEquals(new long[] {10, 11, 12, 13, 14, 100}, r.second());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1}, r.segment());
    assertArrayEquals(new int[] {2, 1, 0, 0, 1, 1}, r.count());
    assertEquals(2.0, r.mean()[0][0]);
    assertEquals(1.0, r.min()[0][0]);
    assertEquals(3.0, r.max()[0][0]);
    assertEquals(2.0, r.mean()[1][0]);       // the NaN is left out of channel 1
    assertTrue(Double.isNaN(r.mean()[1][1])); // channel 1 not logged in second 11
    assertTrue(Double.isNaN(r.mean()[0][2])); // gap rows hold no values
    assertEquals(7.0, r.mean()[0][4]);       // first of the two samples at 14 s kept
    assertEquals(2, r.duplicates());
    assertEquals(1, r.conflicts());          // 7 vs 8
  }

  @Test
  void rejectsBadInput() {
    assertThrows(IllegalArgumentException.class, () -> Resample1Hz.aggregate(new long[] {2, 1}, new double[][] {{1, 2}}, 5));
    assertThrows(IllegalArgumentException.class, () -> Resample1Hz.aggregate(new long[] {1, 2}, new double[][] {{1}}, 5));
    assertEquals(0, Resample1Hz.aggregate(new long[0], new double[][] {{}}, 5).rows());
  }
}
