package io.cyclelake.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FoldStatsTest {
  @Test
  void meanAndSampleSdSkipNaN() {
    List<Double> v = List.of(1.0, Double.NaN, 2.0, 4.0);
    assertEquals(7.0 / 3, FoldStats.mean(v), 1e-15);
    // deviations -4/3, -1/3, 5/3: squares sum 42/9, over n - 1 = 2
    assertEquals(Math.sqrt(42.0 / 9 / 2), FoldStats.sd(v), 1e-15);
    assertTrue(Double.isNaN(FoldStats.mean(List.of(Double.NaN))));
    assertTrue(Double.isNaN(FoldStats.sd(List.of(3.0))), "one fold has no spread");
  }
}
