package io.cyclelake.ingest.telemetry;

/**
 * One accepted logger row in canonical units.
 *
 * @param epochMicros sample time, UTC microseconds
 * @param channels values in the order of {@code Tables.TELEMETRY_CHANNELS}; NaN = not logged
 */
public record TelemetrySample(String deviceId, long epochMicros, double[] channels, String sourceFile,
    long sourceLine) {}
