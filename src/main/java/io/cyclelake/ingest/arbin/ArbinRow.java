package io.cyclelake.ingest.arbin;

import java.io.Serializable;

/**
 * One data row of an Arbin channel export, with the columns the pipeline uses. Units are those of the Arbin header.
 * Capacities and energies are Arbin's counters: cumulative since the start of the file (session), not per cycle.
 *
 * @param line 1-based line number in the file (the header is line 1)
 * @param testTimeS {@code Test_Time(s)}: seconds since the start of this session
 * @param dateTimeExcel {@code Date_Time}: Excel serial date of the tester's clock, see {@link ExcelDates}
 * @param stepTimeS {@code Step_Time(s)}: seconds since the start of the current step; Arbin logs on a fixed
 *     interval, so a step's first row usually comes well after the step began, and this says when it did
 * @param stepIndex {@code Step_Index}: schedule step number
 * @param cycleIndex {@code Cycle_Index}: cycle counter, restarts at 1 in every file
 * @param currentA {@code Current(A)}: positive while charging, negative while discharging
 * @param voltageV {@code Voltage(V)}: terminal voltage
 * @param chargeAh {@code Charge_Capacity(Ah)}, cumulative within the file
 * @param dischargeAh {@code Discharge_Capacity(Ah)}, cumulative within the file, positive
 * @param chargeWh {@code Charge_Energy(Wh)}, cumulative within the file
 * @param dischargeWh {@code Discharge_Energy(Wh)}, cumulative within the file, positive
 * @param internalResistanceOhm {@code Internal_Resistance(Ohm)} as written (0 until Arbin has measured it in the
 *     session); null when the column is absent or the field empty
 */
public record ArbinRow(
    long line,
    double testTimeS,
    double dateTimeExcel,
    double stepTimeS,
    int stepIndex,
    int cycleIndex,
    double currentA,
    double voltageV,
    double chargeAh,
    double dischargeAh,
    double chargeWh,
    double dischargeWh,
    Double internalResistanceOhm) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The four cumulative counters of this row. */
  public Counters counters() {
    return new Counters(chargeAh, dischargeAh, chargeWh, dischargeWh);
  }
}
