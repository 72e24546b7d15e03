package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-cycle aggregation while rows stream by: counter increases, resistance, coulomb counting. */
class CycleAggregatorTest {
  private static ArbinRow row(long line, double t, double stepT, int step, int cycle, double amps, double qc,
      double qd, double ir) {
    return new ArbinRow(line, t, 40409.5 + t / 86400, stepT, step, cycle, amps, 3.6, qc, qd, qc * 3.6, qd * 3.7, ir);
  }

  private static LocalCycle only(List<ArbinRow> rows) {
    CycleAggregator a = new CycleAggregator();
    rows.forEach(a);
    assertEquals(1, a.cycles().size());
    return a.cycles().get(0);
  }

  @Test
  void aStepThatBeganBetweenTwoRowsIsSplitWhereItBegan() {
    // Rest, then a -1 A discharge that began at t=10 (its first row at t=30 says Step_Time 20), then a rest that
    // began at t=80. Discharge: 20 s + 30 s + 20 s at 1 A = 70 A s. A plain trapezoid over the rows with I<0 gives
    // 30 A s, and one over all rows 15 + 30 + 15 = 60 A s.
    LocalCycle c = only(List.of(
        row(2, 0, 0, 1, 1, 0, 0, 0, 0),
        row(3, 30, 20, 2, 1, -1, 0, 20 / 3600.0, 0),
        row(4, 60, 50, 2, 1, -1, 0, 50 / 3600.0, 0),
        row(5, 90, 10, 3, 1, 0, 0, 70 / 3600.0, 0)));
    assertEquals(70 / 3600.0, c.coulombDischargeAh(), 1e-12);
    assertEquals(0.0, c.coulombChargeAh());
    assertEquals(c.dischargeAh(), c.coulombDischargeAh(), 1e-12, "what Arbin's counter says");
  }

  @Test
  void aSignChangeWithinAStepIsSplitAtTheZeroCrossing() {
    LocalCycle c = only(List.of(row(2, 0, 5, 2, 1, 1, 0, 0, 0), row(3, 10, 15, 2, 1, -1, 0, 0, 0)));
    assertEquals(2.5 / 3600, c.coulombChargeAh(), 1e-12);
    assertEquals(2.5 / 3600, c.coulombDischargeAh(), 1e-12);
  }

  @Test
  void countersIncreaseFromThePreviousRowAndResistanceIgnoresUnmeasuredZeros() {
    CycleAggregator a = new CycleAggregator();
    List.of(
        row(2, 30, 30, 1, 1, 0, 0.05, 0, 0),     // counters reset at the file start: 0.05 Ah belongs to cycle 1
        row(3, 60, 60, 2, 1, 1, 0.10, 0, 0),
        row(4, 90, 90, 2, 1, 1, 0.20, 0.01, 0.1),
        row(5, 120, 30, 1, 2, 0, 0.25, 0.01, 0.2), // 0.05 Ah accrued between lines 4 and 5: cycle 2's
        row(6, 150, 60, 1, 2, 0, 0.40, 0.03, 0.3),
        row(9, 180, 30, 1, 5, 0, 0.40, 0.03, 0)).forEach(a);
    assertEquals(6, a.rows());
    assertEquals(40409.5 + 30 / 86400.0, a.firstDateTimeExcel());
    List<LocalCycle> c = a.cycles();
    assertEquals(List.of(1, 2, 5), c.stream().map(LocalCycle::localCycle).toList());
    assertEquals(0.20, c.get(0).chargeAh(), 1e-12);
    assertEquals(0.20, c.get(1).chargeAh(), 1e-12, "from line 4's 0.20, not line 5's 0.25");
    assertEquals(0.0, c.get(2).chargeAh());
    assertEquals(0.02, c.get(1).dischargeAh(), 1e-12);
    assertEquals(0.02 * 3.7, c.get(1).dischargeWh(), 1e-12);
    assertEquals(0.20 * 3.6, c.get(1).chargeWh(), 1e-12);
    assertEquals(new Counters(0.20, 0.01, 0.20 * 3.6, 0.01 * 3.7), c.get(1).before());
    assertEquals(0.1, c.get(0).meanInternalResistanceOhm(), 1e-12);
    assertEquals(0.25, c.get(1).meanInternalResistanceOhm(), 1e-12);
    assertNull(c.get(2).meanInternalResistanceOhm());
    assertEquals(3, c.get(0).rows());
    assertEquals(2, c.get(0).firstLine());
    assertEquals(4, c.get(0).lastLine());
    assertEquals(60.0, c.get(0).durationS());
    assertEquals(ExcelDates.toInstant(40409.5 + 120 / 86400.0), c.get(1).start());
  }

  @Test
  void rowsOutOfOrderAreRefused() {
    CycleAggregator a = new CycleAggregator();
    a.accept(row(2, 30, 30, 1, 2, 0, 0, 0, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> a.accept(row(3, 60, 60, 1, 1, 0, 0, 0, 0)));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }
}
