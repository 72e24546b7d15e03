package io.cyclelake.ingest;

import java.io.Serializable;
import java.time.Instant;

/**
 * One operation (charge, discharge or impedance run) as listed by a source, in canonical units.
 *
 * @param capacityAh capacity the source's own counters give for the operation (NASA: a discharge's
 *     {@code Capacity}; Arbin: the charge or discharge counter's increase), Ah, positive; null if none
 * @param internalResistanceOhm DC internal resistance the cycler reported during the operation (Arbin's
 *     {@code Internal_Resistance(Ohm)}, mean of its positive values), ohm; null if none
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
    String sourceFile,
    Double internalResistanceOhm) implements Serializable {

  /** An operation whose source reports no internal resistance. */
  public Operation(String cellId, int cycleIndex, String cycleType, Double ambientTemperatureC, Instant startTime,
      Double capacityAh, Double reOhm, Double rctOhm, String sourceOperationId, String sourceFile) {
    this(cellId, cycleIndex, cycleType, ambientTemperatureC, startTime, capacityAh, reOhm, rctOhm, sourceOperationId,
        sourceFile, null);
  }
}
