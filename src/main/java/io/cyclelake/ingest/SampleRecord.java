package io.cyclelake.ingest;

/** One sample of a charge or discharge, in canonical units (see {@code Tables.TIMESERIES_SCHEMA}). */
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
    long sourceLine) {}
