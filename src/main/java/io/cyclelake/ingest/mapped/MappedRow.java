package io.cyclelake.ingest.mapped;

/**
 * One accepted data line of a mapped CSV, in canonical units, current as declared by the mapping (charge positive
 * once {@link CsvMapping#chargePositive()} is applied). Optional values are null when the column is absent or empty.
 *
 * @param line 1-based line in the file
 * @param epochSeconds the row's absolute time (from {@code unix-time} or {@code datetime}), seconds since 1970
 */
public record MappedRow(
    long line,
    String cellId,
    Integer cycle,
    Integer step,
    double timeS,
    double voltageV,
    double currentA,
    Double temperatureC,
    Double ambientTemperatureC,
    Double chargeCapacityAh,
    Double dischargeCapacityAh,
    Double epochSeconds) {

  /** {@code -i}, but 0 stays 0 (not -0.0, which would print and compare as a sign). */
  static double negate(double i) {
    return i == 0 ? 0.0 : -i;
  }

  /** The same row with the current negated (a file written with the opposite sign convention). */
  MappedRow flipped() {
    return new MappedRow(line, cellId, cycle, step, timeS, voltageV, negate(currentA), temperatureC, ambientTemperatureC,
        chargeCapacityAh, dischargeCapacityAh, epochSeconds);
  }
}
