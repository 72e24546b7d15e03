package io.cyclelake.ingest.synthetic;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link SyntheticFleet} generates.
 *
 * @param cells number of cells, 1..9999; ids are {@code S0001}, {@code S0002}, ...
 * @param cyclesPerCell charge/discharge pairs per cell, at least 2; each cell ages from fresh to its end-of-test state
 *     over this many cycles
 * @param ambientTemperaturesC ambient temperatures in °C (each in -20..60), assigned round-robin to the cells
 * @param sampleIntervalS time between samples in seconds, in (0, 120]
 * @param seed seed of every random draw; the same spec always gives the same files
 */
public record FleetSpec(int cells, int cyclesPerCell, List<Double> ambientTemperaturesC, double sampleIntervalS,
    long seed) {

  /** Largest sample interval accepted: a coarser grid leaves too few samples per discharge to be useful. */
  public static final double MAX_SAMPLE_INTERVAL_S = 120.0;

  public FleetSpec {
    if (cells < 1 || cells > 9999) {
      throw new IllegalArgumentException("FleetSpec.cells must be between 1 and 9999, got " + cells);
    }
    if (cyclesPerCell < 2) {
      throw new IllegalArgumentException("FleetSpec.cyclesPerCell must be >= 2, got " + cyclesPerCell);
    }
    if (ambientTemperaturesC == null || ambientTemperaturesC.isEmpty()) {
      throw new IllegalArgumentException(
          "FleetSpec.ambientTemperaturesC must hold at least one temperature, got " + ambientTemperaturesC);
    }
    List<Double> temps = new ArrayList<>(ambientTemperaturesC.size());
    for (int i = 0; i < ambientTemperaturesC.size(); i++) {
      Double t = ambientTemperaturesC.get(i);
      if (t == null || !(t >= -20.0 && t <= 60.0)) {
        throw new IllegalArgumentException("FleetSpec.ambientTemperaturesC[" + i + "] must be a temperature in "
            + "-20..60 °C, got " + t);
      }
      temps.add(t);
    }
    ambientTemperaturesC = List.copyOf(temps);
    if (!(sampleIntervalS > 0.0 && sampleIntervalS <= MAX_SAMPLE_INTERVAL_S)) {
      throw new IllegalArgumentException("FleetSpec.sampleIntervalS must be > 0 and <= " + MAX_SAMPLE_INTERVAL_S
          + " seconds, got " + sampleIntervalS);
    }
  }

  /** 6 cells, 200 cycles each, at 4, 24 and 43 °C (round-robin), sampled every 10 s, seed 42. */
  public static FleetSpec demo() {
    return new FleetSpec(6, 200, List.of(4.0, 24.0, 43.0), 10.0, 42L);
  }

  /** Ambient temperature of the cell with this 0-based index. */
  public double ambientTemperatureC(int cellIndex) {
    return ambientTemperaturesC.get(cellIndex % ambientTemperaturesC.size());
  }
}
