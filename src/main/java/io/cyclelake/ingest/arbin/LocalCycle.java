package io.cyclelake.ingest.arbin;

import java.io.Serializable;
import java.time.Instant;

/**
 * The aggregate of one {@code Cycle_Index} within one file (session): what {@link SessionFolding} needs, so the time
 * series need not be kept. Built by {@link CycleAggregator}.
 *
 * <p>Capacities and energies are the increase of Arbin's cumulative counters from {@code before} (their value on
 * the file's row just before this cycle's first row; zero for the file's first cycle, because Arbin resets the
 * counters at the start of every session) to {@code last} (their value on this cycle's last row). Measured from the
 * previous row rather than from this cycle's first row, the per-cycle values add up exactly to the file's totals,
 * nothing that accrued between two logged rows is lost, and they are what differencing the statistics sheet's
 * end-of-cycle values gives. On CALCE CS2 both choices agree to 2e-11 Ah, since cycles begin with a rest step.
 * {@code last} rather than the maximum: the counters never decrease (checked in all 106 CS2 files), so the two are
 * equal, and {@code last} needs no extra state.
 *
 * @param localCycle {@code Cycle_Index} in the file
 * @param rows accepted rows of this cycle
 * @param firstLine 1-based file line of the cycle's first row
 * @param lastLine 1-based file line of the cycle's last row
 * @param firstTestTimeS {@code Test_Time(s)} of the first row, seconds since the session start
 * @param lastTestTimeS {@code Test_Time(s)} of the last row
 * @param firstDateTimeExcel {@code Date_Time} of the first row, Excel serial date
 * @param before the counters on the file's row before the first row ({@link Counters#ZERO} for the first cycle)
 * @param last the counters on the last row
 * @param meanInternalResistanceOhm mean {@code Internal_Resistance(Ohm)} over the rows where it is positive, ohm;
 *     Arbin writes 0 until it has measured the resistance in the session, and averaging those zeros would bias the
 *     first cycle of every file; null if no row has a positive value
 * @param coulombChargeAh charge by integrating positive current over {@code Test_Time}, Ah (see
 *     {@link CycleAggregator} for the rule)
 * @param coulombDischargeAh discharge by integrating negative current over {@code Test_Time}, Ah, positive
 */
public record LocalCycle(
    int localCycle,
    long rows,
    long firstLine,
    long lastLine,
    double firstTestTimeS,
    double lastTestTimeS,
    double firstDateTimeExcel,
    Counters before,
    Counters last,
    Double meanInternalResistanceOhm,
    double coulombChargeAh,
    double coulombDischargeAh) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Increase of the counters over the cycle. */
  public Counters increase() {
    return last.minus(before);
  }

  /** Charge capacity of the cycle from Arbin's counter, Ah. */
  public double chargeAh() {
    return last.chargeAh() - before.chargeAh();
  }

  /** Discharge capacity of the cycle from Arbin's counter, Ah (positive). */
  public double dischargeAh() {
    return last.dischargeAh() - before.dischargeAh();
  }

  /** Charge energy of the cycle from Arbin's counter, Wh. */
  public double chargeWh() {
    return last.chargeWh() - before.chargeWh();
  }

  /** Discharge energy of the cycle from Arbin's counter, Wh (positive). */
  public double dischargeWh() {
    return last.dischargeWh() - before.dischargeWh();
  }

  /** Seconds from the cycle's first logged row to its last; 0 for a one-row cycle. */
  public double durationS() {
    return lastTestTimeS - firstTestTimeS;
  }

  /** The first row's {@code Date_Time} as an instant (tester clock labelled UTC, see {@link ExcelDates}). */
  public Instant start() {
    return ExcelDates.toInstant(firstDateTimeExcel);
  }
}
