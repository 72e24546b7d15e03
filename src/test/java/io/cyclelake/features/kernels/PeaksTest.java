package io.cyclelake.features.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cyclelake.features.kernels.Peaks.Peak;
import io.cyclelake.features.kernels.Peaks.PeakOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeaksTest {
  private static int[] indices(List<Peak> peaks) {
    return peaks.stream().mapToInt(Peak::index).toArray();
  }

  @Test
  void gaussianFwhmAndProminence() {
    double dx = 0.01;
    double sigma = 1.3;
    double mu = 0.373;
    double amplitude = 2;
    double baseline = 0.5;
    int n = 2001; // x = -10 .. 10
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double x = -10 + dx * i;
      y[i] = baseline + amplitude * Math.exp(-(x - mu) * (x - mu) / (2 * sigma * sigma));
    }
    List<Peak> peaks = Peaks.find(y);
    assertEquals(1, peaks.size());
    Peak p = peaks.get(0);
    assertEquals(Math.round((mu + 10) / dx), p.index());
    // The tails reach the flat baseline (to ~1e-12), so the prominence is the sampled peak's height above it, and
    // that is the amplitude up to the peak falling between samples: 1 - exp(-(dx/2)² / 2σ²) ≈ (dx/σ)² / 8.
    assertEquals(p.height() - baseline, p.prominence(), 1e-11);
    assertEquals(amplitude, p.prominence(), amplitude * (dx / sigma) * (dx / sigma) / 8);
    assertEquals(p.height() - p.prominence() / 2, p.widthHeight(), 1e-15);
    double fwhm = 2 * Math.sqrt(2 * Math.log(2)) * sigma;
    assertEquals(2.3548 * sigma, fwhm, 1e-4 * sigma);
    assertEquals(fwhm, p.width() * dx, dx);
    assertEquals(mu - fwhm / 2, -10 + p.leftIps() * dx, dx);
    assertEquals(mu + fwhm / 2, -10 + p.rightIps() * dx, dx);
  }

  @Test
  void flatToppedPeaksReportTheirMiddleRoundedDown() {
    assertArrayEquals(new int[] {3, 8}, Peaks.localMaxima(new double[] {0, 1, 2, 2, 2, 1, 0, 1, 3, 3, 1, 0}));
    // A plateau touching an end, a step up into a higher plateau and the end samples are not peaks.
    assertArrayEquals(new int[] {3}, Peaks.localMaxima(new double[] {3, 3, 1, 2, 1}));
    assertArrayEquals(new int[] {}, Peaks.localMaxima(new double[] {0, 1, 1, 2, 2}));
    assertArrayEquals(new int[] {}, Peaks.localMaxima(new double[] {5}));
  }

  // Local maxima at 1 (5), 3 (3) and 5 (4).
  private static final double[] Y = {0, 5, 1, 3, 2, 4, 0};

  @Test
  void prominencesBasesAndWidthsByHand() {
    List<Peak> peaks = Peaks.find(Y);
    assertArrayEquals(new int[] {1, 3, 5}, indices(peaks));
    // Peak 3: left walk stops at 5 > 3 (min 1 at 2), right walk at 4 > 3 (min 2 at 4): 3 - max(1, 2) = 1.
    Peak p = peaks.get(1);
    assertEquals(1, p.prominence(), 0);
    assertEquals(2, p.leftBase());
    assertEquals(4, p.rightBase());
    // Width at 3 - 0.5·1 = 2.5: crossings 2 + 1.5/2 = 2.75 and 4 - 0.5/1 = 3.5.
    assertEquals(2.5, p.widthHeight(), 0);
    assertEquals(2.75, p.leftIps(), 1e-15);
    assertEquals(3.5, p.rightIps(), 1e-15);
    assertEquals(0.75, p.width(), 1e-15);
    // Peak 1: nothing higher on either side, so the global minimum 0 on both sides: prominence 5.
    assertEquals(new Peak(1, 5, 5, 0, 6, 1.125, 2.5, 0.5, 1.625), peaks.get(0));
    // Peak 5: left walk passes 3 (<= 4) and stops at 5; min 1 at 2. Right base 6. 4 - max(1, 0) = 3.
    assertEquals(new Peak(5, 4, 3, 2, 6, 1.125, 2.5, 4.25, 5.375), peaks.get(2));
  }

  @Test
  void filters() {
    assertArrayEquals(new int[] {1, 5}, indices(Peaks.find(Y, PeakOptions.DEFAULT.withHeight(3.5))));
    assertArrayEquals(new int[] {3}, indices(Peaks.find(Y, PeakOptions.DEFAULT.withHeight(2, 3.5))));
    assertArrayEquals(new int[] {1, 5}, indices(Peaks.find(Y, PeakOptions.DEFAULT.withProminence(2))));
    assertArrayEquals(new int[] {1, 5}, indices(Peaks.find(Y, PeakOptions.DEFAULT.withWidth(1))));
    // Smaller neighbour drop: peak 1 -> 4, peak 3 -> 1, peak 5 -> 2.
    assertArrayEquals(new int[] {1, 5}, indices(Peaks.find(Y, PeakOptions.DEFAULT.withThreshold(1.5, Double.NaN))));
    // Distance 3: the highest (1) removes 3 (2 samples away); 5 is 4 away and stays.
    assertArrayEquals(new int[] {1, 5}, indices(Peaks.find(Y, PeakOptions.DEFAULT.withDistance(3))));
    assertArrayEquals(new int[] {1}, indices(Peaks.find(Y, PeakOptions.DEFAULT.withDistance(4.5)))); // ceil -> 5
    // wlen 3 limits peak 5's window to [4, 6]: 4 - max(2, 0) = 2.
    Peak p5 = Peaks.find(Y, PeakOptions.DEFAULT.withWlen(3)).get(2);
    assertEquals(2, p5.prominence(), 0);
    assertEquals(4, p5.leftBase());
    // Equal heights competing under distance: the rightmost is kept.
    assertArrayEquals(new int[] {3},
        indices(Peaks.find(new double[] {0, 2, 0, 2, 0}, PeakOptions.DEFAULT.withDistance(3))));
  }

  @Test
  void describeAndRelHeight() {
    // Full width at the base (relHeight 1) of the middle peak runs between its bases.
    Peak p = Peaks.describe(Y, new int[] {3}, 1.0, 0).get(0);
    assertEquals(2, p.widthHeight(), 0);
    assertEquals(2.5, p.leftIps(), 1e-15); // 2 + (2 - 1) / (3 - 1)
    assertEquals(4, p.rightIps(), 0);
  }

  @Test
  void argumentsAreChecked() {
    assertEquals("y[2] is NaN; peaks need a NaN-free signal (trim undefined ends)",
        assertThrows(IllegalArgumentException.class, () -> Peaks.find(new double[] {0, 1, Double.NaN, 0}))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> PeakOptions.DEFAULT.withDistance(0.5));
    assertThrows(IllegalArgumentException.class, () -> PeakOptions.DEFAULT.withRelHeight(-1));
    assertThrows(IllegalArgumentException.class, () -> Peaks.describe(Y, new int[] {7}, 0.5, 0));
  }
}
