package io.cyclelake.ingest;

import java.util.List;
import java.util.Map;

/**
 * What a reader found on the driver: the operations it will ingest, the files whose rows the executors parse,
 * and the listing rows it already rejected.
 *
 * @param listingLines data lines read while planning (listing rows accepted + quarantined)
 * @param notes by file path: what the reader changed about a file it read (e.g. a current sign it negated); the
 *     manifest records the note in the file's {@code error} column, prefixed {@code note: }, with status {@code ok}
 */
public record IngestPlan(
    List<Operation> operations, List<InputFile> files, List<QuarantineRecord> quarantined, long listingLines,
    Map<String, String> notes) {

  public IngestPlan {
    notes = Map.copyOf(notes);
  }

  /** A plan without notes. */
  public IngestPlan(List<Operation> operations, List<InputFile> files, List<QuarantineRecord> quarantined,
      long listingLines) {
    this(operations, files, quarantined, listingLines, Map.of());
  }
}
