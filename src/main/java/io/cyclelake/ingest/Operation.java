package io.cyclelake.ingest;

import java.io.Serializable;
import java.time.Instant;

/**
 * One operation (charge, discharge or impedance run) as listed by a source, in canonical units.
 *
 * @param sourceOperationId the operation's id in the source; samples refer to their operation by it
 */
public record Operation(
    String cellId,
    int cycleIndex,
    String cycleType,
    Double ambientTemperatureC,
    Instant startTime,
    Double capacityAh,
    Double reOhm,
    Double rctOhm,
    String sourceOperationId,
    String sourceFile) implements Serializable {}
