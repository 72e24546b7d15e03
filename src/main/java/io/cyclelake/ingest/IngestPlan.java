package io.cyclelake.ingest;

import java.util.List;

/**
 * What a reader found on the driver: the operations it will ingest, the files whose rows the executors parse,
 * and the listing rows it already rejected.
 *
 * @param listingLines data lines read while planning (listing rows accepted + quarantined)
 */
public record IngestPlan(
    List<Operation> operations, List<InputFile> files, List<QuarantineRecord> quarantined, long listingLines) {}
