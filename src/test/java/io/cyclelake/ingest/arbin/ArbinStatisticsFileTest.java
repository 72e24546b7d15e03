package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.QuarantineRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArbinStatisticsFileTest {
  static final String HEADER = "Cycle_Index,Test_Time(s),Date_Time,Current(A),Voltage(V),Charge_Capacity(Ah),"
      + "Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),Internal_Resistance(Ohm),AC_Impedance(Ohm),"
      + "ACI_Phase_Angle(Deg),Charge_Time(s),DisCharge_Time(s),Vmax_On_Cycle(V)";
  // The first three rows of CS2_35_10_29_10.statistics.csv.
  static final String ROW1 = "1,11598.425681845596,40473.692175925928,8.8380329543724656E-4,3.3892531394958496,"
      + "0.97134576361317304,0.97653661383971802,3.8987045876504531,3.543028409263183,9.3198992311954498E-2,0,0,"
      + "8040.4480039352738,3197.8543145494241,4.2001385688781738";
  static final String ROW2 = "2,23211.568017691479,40473.826608796298,7.031940040178597E-4,3.3866629600524902,"
      + "1.9476839653037969,1.951855740556913,7.8093390669369844,7.0812052679450233,9.3924500048160553E-2,0,0,"
      + "8059.2437230746655,3193.822603943212,4.2001385688781738";
  static final String ROW3 = "3,34759.44016011824,40473.960277777776,7.031940040178597E-4,3.3473248481750488,"
      + "2.9249696625927779,2.9366363024296591,11.720661485772364,10.668778501403535,9.2388570308685303E-2,0,0,"
      + "7963.2655320260765,3224.5284196800826,4.2001385688781738";

  @TempDir Path dir;
  final List<QuarantineRecord> rejected = new ArrayList<>();

  @Test
  void cumulativeRowsAreDifferencedIntoCycles() throws IOException {
    Path f = ChannelCsv.write(dir.resolve("s.statistics.csv"), List.of("\uFEFF" + HEADER, ROW1, ROW2, ROW3));
    List<ArbinStatisticsFile.Row> rows = ArbinStatisticsFile.read(f, "CS2_35", rejected::add);
    assertEquals(List.of(), rejected);
    assertEquals(3, rows.size());
    ArbinStatisticsFile.Row r = rows.get(1);
    assertEquals(3, r.line());
    assertEquals(1.951855740556913, r.dischargeAh());
    assertEquals(3193.822603943212, r.dischargeTimeS());
    assertEquals(4.2001385688781738, r.vmaxOnCycleV());
    List<ArbinStatisticsFile.Cycle> c = ArbinStatisticsFile.perCycle(rows);
    assertEquals(List.of(1, 2, 3), c.stream().map(ArbinStatisticsFile.Cycle::cycleIndex).toList());
    assertEquals(0.97653661383971802, c.get(0).dischargeAh());
    assertEquals(1.951855740556913 - 0.97653661383971802, c.get(1).dischargeAh());
    assertEquals(2.9249696625927779 - 1.9476839653037969, c.get(2).chargeAh());
    assertEquals(11.720661485772364 - 7.8093390669369844, c.get(2).increase().chargeWh());
  }

  @Test
  void badRowsAreQuarantinedAndGapsLeftOutOfTheDifferences() throws IOException {
    Path f = ChannelCsv.write(dir.resolve("s.statistics.csv"), List.of(HEADER, ROW1,
        ROW2.replace("1.951855740556913", "n/a"), ROW1, ROW3));
    List<ArbinStatisticsFile.Row> rows = ArbinStatisticsFile.read(f, "CS2_35", rejected::add);
    assertEquals(List.of("number", "cycle-order"), rejected.stream().map(QuarantineRecord::rule).toList());
    assertEquals(7, rejected.get(0).column());
    assertEquals(2, rejected.get(0).cycleIndex());
    assertEquals(1, rejected.get(1).column());
    assertEquals(4, rejected.get(1).sourceLine());
    assertEquals(List.of(1, 3), rows.stream().map(ArbinStatisticsFile.Row::cycleIndex).toList());
    assertEquals(List.of(1), ArbinStatisticsFile.perCycle(rows).stream()
        .map(ArbinStatisticsFile.Cycle::cycleIndex).toList(), "cycle 3 minus cycle 1 would be two cycles");
  }

  @Test
  void optionalColumnsMayBeMissingRequiredOnesNot() throws IOException {
    String header = "Cycle_Index,Test_Time(s),Date_Time,Charge_Capacity(Ah),Discharge_Capacity(Ah),"
        + "Charge_Energy(Wh),Discharge_Energy(Wh)";
    Path f = ChannelCsv.write(dir.resolve("min.csv"), List.of(header, "1,10,40473.5,0.5,0.4,2,1.5"));
    ArbinStatisticsFile.Row r = ArbinStatisticsFile.read(f, null, rejected::add).get(0);
    assertNull(r.internalResistanceOhm());
    assertEquals(0.4, r.dischargeAh());
    Path g = ChannelCsv.write(dir.resolve("bad.csv"), List.of(header.replace("Date_Time", "Date"), "1,10,4,0.5,0.4,2,1"));
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> ArbinStatisticsFile.read(g, null, q -> {}));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(new SourceLocation(g.toString(), 1, 0, "Date_Time"), e.where().orElseThrow());
  }
}
