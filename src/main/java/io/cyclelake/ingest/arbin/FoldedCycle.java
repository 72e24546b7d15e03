package io.cyclelake.ingest.arbin;

import java.io.Serializable;
import java.time.Instant;

/**
 * One cycle of a cell on the cell's single cycle index, as {@link SessionFolding} places it.
 *
 * @param cycle global cycle number of the cell: the session's offset plus {@code localCycle}; strictly increasing
 *     in time across all sessions
 * @param localCycle {@code Cycle_Index} in its file
 * @param sessionId the session (file) the cycle comes from
 * @param session 1-based number of that session in start-time order (duplicates not counted)
 * @param start {@code Date_Time} of the cycle's first row (tester clock labelled UTC, see {@link ExcelDates})
 * @param durationS seconds from the cycle's first logged row to its last
 * @param chargeAh charge capacity from Arbin's cumulative counter, Ah (see {@link LocalCycle} for how)
 * @param dischargeAh discharge capacity from Arbin's cumulative counter, Ah, positive
 * @param chargeWh charge energy from the counter, Wh
 * @param dischargeWh discharge energy from the counter, Wh, positive
 * @param coulombChargeAh charge by integrating positive current, Ah, a cross-check of {@code chargeAh}
 * @param coulombDischargeAh discharge by integrating negative current, Ah, positive, a cross-check of
 *     {@code dischargeAh}
 * @param meanInternalResistanceOhm mean reported internal resistance over rows where it is positive, ohm; null if
 *     none
 * @param rows rows of the cycle
 * @param firstInSession the session's first cycle: it may have begun before the file did (the tester was restarted
 *     in the middle of a cycle); it is not merged with the previous session's last cycle
 * @param lastInSession the session's last cycle: it may be cut short by the end of the session
 */
public record FoldedCycle(
    int cycle,
    int localCycle,
    String sessionId,
    int session,
    Instant start,
    double durationS,
    double chargeAh,
    double dischargeAh,
    double chargeWh,
    double dischargeWh,
    double coulombChargeAh,
    double coulombDischargeAh,
    Double meanInternalResistanceOhm,
    long rows,
    boolean firstInSession,
    boolean lastInSession) implements Serializable {
  private static final long serialVersionUID = 1L;
}
