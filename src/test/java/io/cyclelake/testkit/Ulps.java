package io.cyclelake.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/**
 * Equality up to a few units in the last place. For Spark MLlib's reloaded GBT: its predictions came out one ulp
 * apart from the in-memory model's in some runs (three times in one day; e.g. 1.750404381332904 vs
 * 1.7504043813329044), so an exact comparison was flaky; a real save/load defect is orders of magnitude larger.
 */
public final class Ulps {
  private Ulps() {}

  public static void assertWithinUlps(double[] expected, double[] actual, int ulps, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double tol = ulps * Math.ulp(Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol, what + " differs at " + i + " by more than " + ulps
          + " ulp: " + expected[i] + " vs " + actual[i] + " (" + Arrays.toString(actual) + ")");
    }
  }
}
