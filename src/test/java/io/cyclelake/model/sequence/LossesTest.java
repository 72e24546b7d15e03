package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import org.junit.jupiter.api.Test;

class LossesTest {
  static final double[] P = {0.91, 0.95, 0.80, 0.70, 0.74};
  static final double[] Y = {0.90, 0.88, 0.86, 0.71, 0.70};
  static final double[] CYCLE = {1, 2, 3, 1, 2};
  static final double[] CELL = {0, 0, 0, 1, 1};

  @Test
  void valuesMatchTheDefinitions() {
    double[] l = new double[5];
    double[] g = new double[5];
    Losses.compute(new Losses.Spec("mse", 1, 0), P, Y, CYCLE, CELL, l, g);
    assertEquals(0.0001, l[0], 1e-12);
    Losses.compute(new Losses.Spec("mae", 1, 0), P, Y, CYCLE, CELL, l, g);
    assertEquals(0.07, l[1], 1e-12);
    Losses.compute(new Losses.Spec("huber", 0.05, 0), P, Y, CYCLE, CELL, l, g);
    assertEquals(0.5 * 0.01 * 0.01, l[0], 1e-12);
    assertEquals(0.05 * (0.07 - 0.025), l[1], 1e-12);
    Losses.compute(new Losses.Spec("mape", 1, 0), P, Y, CYCLE, CELL, l, g);
    assertEquals(100 * 0.06 / 0.86, l[2], 1e-9);
    // physics: cell 0 rises from cycle 1 to 2 by 0.04, falls to 3; cell 1 rises by 0.04 from cycle 1 to 2.
    Losses.compute(new Losses.Spec("physics", 1, 2.0), P, Y, CYCLE, CELL, l, g);
    assertEquals(0.07 * 0.07 + 2.0 * 0.04, l[1], 1e-12);
    assertEquals(0.06 * 0.06, l[2], 1e-12);
    assertEquals(0.04 * 0.04 + 2.0 * 0.04, l[4], 1e-12);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    for (String name : Losses.NAMES) {
      Losses.Spec spec = new Losses.Spec(name, 0.05, 1.5);
      double[] l = new double[5];
      double[] g = new double[5];
      Losses.compute(spec, P, Y, CYCLE, CELL, l, g);
      double h = 1e-6;
      for (int i = 0; i < 5; i++) {
        double[] up = P.clone();
        double[] dn = P.clone();
        up[i] += h;
        dn[i] -= h;
        double fd = (total(spec, up) - total(spec, dn)) / (2 * h);
        // every loss is smooth within h of these points (no residual or rise is within 1e-6 of a kink)
        assertEquals(fd, g[i], 1e-5 * Math.max(1, Math.abs(fd)), name + " d/dp" + i);
      }
    }
  }

  private static double total(Losses.Spec spec, double[] p) {
    double[] l = new double[p.length];
    Losses.compute(spec, p, Y, CYCLE, CELL, l, new double[p.length]);
    double s = 0;
    for (double v : l) s += v;
    return s;
  }

  @Test
  void unknownLossIsNamed() {
    assertEquals(ErrorCode.UNKNOWN_NAME, assertThrows(CycleLakeException.class,
        () -> new Losses.Spec("rmsle", 1, 0)).code());
  }
}
