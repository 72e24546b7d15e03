package io.cyclelake.ingest;

/**
 * One sample of a charge or discharge, in canonical units (see {@code Tables.TIMESERIES_SCHEMA}).
 *
 * @param stepIndex the cycler's step number, null if the source has none
 */
public record SampleRecord(
    String cellId,
    int cycleIndex,
    String cycleType,
    int sampleIndex,
    Double timeS,
    Double voltageV,
    Double currentA,
    Double temperatureC,
    Double instrumentCurrentA,
    Double instrumentVoltageV,
    String sourceFile,
    long sourceLine,
    Integer stepIndex) {

  /** A sample of a source without step numbers. */
  public SampleRecord(String cellId, int cycleIndex, String cycleType, int sampleIndex, Double timeS, Double voltageV,
      Double currentA, Double temperatureC, Double instrumentCurrentA, Double instrumentVoltageV, String sourceFile,
      long sourceLine) {
    this(cellId, cycleIndex, cycleType, sampleIndex, timeS, voltageV, currentA, temperatureC, instrumentCurrentA,
        instrumentVoltageV, sourceFile, sourceLine, null);
  }
}
