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
 * @param splits by file path: the byte-range splits of a file that several Spark tasks parse (see {@link FileSplit},
 *     {@link SplitPolicy}); a file not listed is parsed whole by one task
 */
public record IngestPlan(
    List<Operation> operations, List<InputFile> files, List<QuarantineRecord> quarantined, long listingLines,
    Map<String, String> notes, Map<String, List<FileSplit>> splits) {

  public IngestPlan {
    notes = Map.copyOf(notes);
    splits = Map.copyOf(splits);
  }

  /** A plan without splits. */
  public IngestPlan(List<Operation> operations, List<InputFile> files, List<QuarantineRecord> quarantined,
      long listingLines, Map<String, String> notes) {
    this(operations, files, quarantined, listingLines, notes, Map.of());
  }

  /** A plan without notes. */
  public IngestPlan(List<Operation> operations, List<InputFile> files, List<QuarantineRecord> quarantined,
      long listingLines) {
    this(operations, files, quarantined, listingLines, Map.of());
  }
}
