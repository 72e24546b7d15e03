package io.cyclelake.ingest;

/**
 * One point of an impedance sweep. {@code parts} holds, in {@code Tables.IMPEDANCE_SCHEMA} order, the real and
 * imaginary parts of sense current, battery current, current ratio, impedance and rectified impedance (nulls allowed).
 */
public record ImpedanceRecord(
    String cellId, int cycleIndex, int pointIndex, Double[] parts, String sourceFile, long sourceLine) {
  public static final int PARTS = 10;

  public ImpedanceRecord {
    if (parts.length != PARTS) throw new IllegalArgumentException("expected " + PARTS + " parts, got " + parts.length);
  }
}
