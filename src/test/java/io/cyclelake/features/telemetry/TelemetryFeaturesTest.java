package io.cyclelake.features.telemetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.schema.Tables;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TelemetryFeaturesTest {
  static int idx(String f) {
    return Tables.TELEMETRY_FEATURES.indexOf(f);
  }

  static TelemetryFeatures.Inputs inputs(long[] s, double[] temp, Random rnd) {
    int n = s.length;
    double[] p = new double[n];
    double[] c = new double[n];
    double[] cool = new double[n];
    double[] amb = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = 50 * rnd.nextDouble();
      c[i] = 100 * rnd.nextDouble();
      cool[i] = 40 + rnd.nextDouble();
      amb[i] = 25;
    }
    return new TelemetryFeatures.Inputs(s, temp, temp.clone(), temp.clone(), cool, amb, p, c);
  }

  @Test
  void slopeMeanMaxOfALinearRampAreExact() {
    int n = 400;
    long[] s = new long[n];
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = 1000 + i;
      t[i] = 40 + 0.05 * i;
    }
    TelemetryFeatures.Inputs in = inputs(s, t, new Random(1));
    double[] f = new double[TelemetryFeatures.NF];
    TelemetryFeatures.features(in, 350, 0, f);
    assertEquals(0.05, f[idx("temp_slope_60s_c_per_s")], 1e-12);
    assertEquals(0.05, f[idx("temp_slope_300s_c_per_s")], 1e-12);
    assertEquals(t[350], f[idx("temp_max_10s_c")], 1e-12);
    assertEquals((t[341] + t[350]) / 2, f[idx("temp_mean_10s_c")], 1e-12);
    assertEquals(1.0, f[idx("valid_fraction_300s")], 1e-12);
    // Windows stop at the segment's start: 20 rows since it began.
    TelemetryFeatures.features(in, 350, 331, f);
    assertEquals((t[331] + t[350]) / 2, f[idx("temp_mean_300s_c")], 1e-12);
    assertEquals(20 / 300.0, f[idx("valid_fraction_300s")], 1e-12);
  }

  @Test
  void featuresDoNotChangeWhenTheFutureDoes() {
    int n = 600;
    long[] s = new long[n];
    double[] t = new double[n];
    Random rnd = new Random(3);
    for (int i = 0; i < n; i++) {
      s[i] = i;
      t[i] = i % 97 == 0 ? Double.NaN : 50 + 10 * rnd.nextGaussian();
    }
    TelemetryFeatures.Inputs a = inputs(s, t, new Random(9));
    TelemetryFeatures.Inputs b = inputs(s, t.clone(), new Random(9));
    for (int i = 301; i < n; i++) {
      b.hottest()[i] = 1000;
      b.powerKw()[i] = -5;
      b.coolant()[i] = 0;
    }
    double[] fa = new double[TelemetryFeatures.NF];
    double[] fb = new double[TelemetryFeatures.NF];
    for (int i = 0; i <= 300; i++) {
      TelemetryFeatures.features(a, i, 0, fa);
      TelemetryFeatures.features(b, i, 0, fb);
      assertArrayEquals(fa, fb, "row " + i);
    }
    TelemetryFeatures.features(a, 301, 0, fa);
    TelemetryFeatures.features(b, 301, 0, fb);
    assertTrue(fa[0] != fb[0]);
  }

  @Test
  void labelsLookAheadWithinTheSegmentOnly() {
    long[] s = {0, 1, 2, 3, 4, 5, 10, 11, 12};
    double[] t = {80, 80, 80, 95, 80, Double.NaN, 80, 80, 80};
    TelemetryFeatures.Labels l = TelemetryFeatures.labels(s, t, 90, 2);
    // row 0: seconds 1, 2 stay below -> 0; rows 1, 2: second 3 exceeds -> 1; row 3: 4 below, 5 missing -> unknown
    assertArrayEquals(new double[] {0, 1, 1, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN},
        l.overheat());
    assertTrue(l.overheatNow()[3]);
    TelemetryFeatures.Labels l30 = TelemetryFeatures.labels(new long[] {0, 1}, new double[] {1, 2}, 90, 1);
    assertTrue(Double.isNaN(l30.deltaT30()[0]));
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 6, 6, 6}, TelemetryFeatures.segmentStarts(s));
  }
}
