package io.cyclelake.ingest;

import java.io.Serializable;

/** An input row that failed a rule; see {@code Tables.QUARANTINE_SCHEMA}. {@code column} is 1-based or null. */
public record QuarantineRecord(
    String source,
    String sourceFile,
    long sourceLine,
    Integer column,
    String columnName,
    String cellId,
    Integer cycleIndex,
    String rule,
    String message,
    String raw) implements Serializable {

  static final int MAX_RAW = 1000;

  public QuarantineRecord {
    if (raw != null && raw.length() > MAX_RAW) raw = raw.substring(0, MAX_RAW);
  }
}
