package io.cyclelake.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Equality to 1e-12 relative to max(1, |value|). For Spark MLlib's reloaded GBT: its predictions (a weighted sum of
 * tree outputs) came out a rounding step apart from the in-memory model's in some runs (1.750404381332904 vs
 * 1.7504043813329044; 0.017875195691634316 vs 0.01787519569163437, a sum of terms of about 2), so an exact
 * comparison was flaky; a real save/load defect is orders of magnitude larger.
 */
public final class Rounding {
  private Rounding() {}

  public static void assertSameToRounding(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tol = 1e-12 * Math.max(1.0, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol, what + " differs at " + i + " by more than 1e-12: "
          + expected[i] + " vs " + actual[i]);
    }
  }
}
