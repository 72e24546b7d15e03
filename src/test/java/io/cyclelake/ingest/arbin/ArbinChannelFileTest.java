package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.QuarantineRecord;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel reader on small hand-made exports. */
class ArbinChannelFileTest {
  @TempDir Path dir;
  final List<ArbinRow> rows = new ArrayList<>();
  final List<QuarantineRecord> rejected = new ArrayList<>();

  private ArbinChannelFile.Summary read(Path f) throws IOException {
    return ArbinChannelFile.read(f, "CS2_99", rows::add, rejected::add);
  }

  @Test
  void realHeaderWithBomAndExtraColumnInAnotherOrder() throws IOException {
    // Real CS2 rows (CS2_35_8_30_10 lines 2-3), behind a BOM, with a foreign column in front and two columns swapped.
    Path f = ChannelCsv.write(dir.resolve("a.csv"), List.of(
        "\uFEFFComment,Data_Point,Test_Time(s),Date_Time,Step_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),"
            + "Discharge_Capacity(Ah),Charge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),dV/dt(V/s),"
            + "Internal_Resistance(Ohm),Is_FC_Data,AC_Impedance(Ohm),ACI_Phase_Angle(Deg)",
        "x,1,30.00057576575465,40409.598391203705,30.000576347203801,1,1,0,3.5119624137878418,0.5,0,0,0,"
            + "-3.2377243769587949E-5,0,0,0,0",
        "",
        "\"y, quoted\",2,60.015454423717571,40409.598738425928,60.015455015191705,1,1,-1.1,3.5122861862182617,0.75,"
            + "0.25,1.5,2.5,0,9.3198992311954498E-2,0,0,0"));
    ArbinChannelFile.Summary s = read(f);
    assertEquals(new ArbinChannelFile.Summary(2, 2, 0), s, "the blank line is not data");
    assertEquals(List.of(), rejected);
    ArbinRow r = rows.get(1);
    assertEquals(4, r.line());
    assertEquals(60.015454423717571, r.testTimeS());
    assertEquals(40409.598738425928, r.dateTimeExcel());
    assertEquals(60.015455015191705, r.stepTimeS());
    assertEquals(1, r.stepIndex());
    assertEquals(1, r.cycleIndex());
    assertEquals(-1.1, r.currentA());
    assertEquals(3.5122861862182617, r.voltageV());
    assertEquals(0.25, r.chargeAh(), "found by name, not by position");
    assertEquals(0.75, r.dischargeAh());
    assertEquals(1.5, r.chargeWh());
    assertEquals(2.5, r.dischargeWh());
    assertEquals(0.093198992311954498, r.internalResistanceOhm());
    assertEquals(0.0, rows.get(0).internalResistanceOhm(), "a zero stays a zero; aggregation knows what it means");
  }

  @Test
  void missingRequiredColumnFailsTheFileAtItsHeader() throws IOException {
    Path f = ChannelCsv.write(dir.resolve("b.csv.gz"), List.of(
        ChannelCsv.HEADER.replace("Current(A),", ""), "1,30,40409.5,30,1,1,3.5,0,0,0,0,0,0,0,0,0"));
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> read(f));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(new SourceLocation(f.toString(), 1, 0, "Current(A)"), e.where().orElseThrow());
    assertTrue(e.getMessage().contains("Current(A)"), e.getMessage());
  }

  @Test
  void withoutResistanceColumnTheResistanceIsNull() throws IOException {
    List<String> lines = new ChannelCsv(40409.5).cycle(1, 1).lines().stream()
        .map(l -> String.join(",", dropColumn(l.split(","), 13))).toList();
    read(ChannelCsv.write(dir.resolve("c.csv"), lines));
    assertEquals(3, rows.size());
    assertNull(rows.get(0).internalResistanceOhm());
  }

  private static String[] dropColumn(String[] f, int i) {
    List<String> l = new ArrayList<>(Arrays.asList(f));
    l.remove(i);
    return l.toArray(String[]::new);
  }

  @Test
  void emptyFileIsMalformed() throws IOException {
    Path f = Files.writeString(dir.resolve("empty.csv"), "");
    assertEquals(ErrorCode.INPUT_MALFORMED, assertThrows(CycleLakeException.class, () -> read(f)).code());
  }

  @Test
  void badFieldsAreQuarantinedWithLineAndColumnAndTheRestIsKept() throws IOException {
    List<String> lines = new ArrayList<>(new ChannelCsv(40409.5).cycle(2, 2).nextCycle().cycle(1, 1).lines());
    // lines: 1 header, 2-6 cycle 1 (rest, 2 charge, 2 discharge), 7-9 cycle 2.
    lines.set(3, lines.get(3).replaceFirst(",1.0,3.6,", ",one amp,3.6,"));   // Current(A), 7th column
    lines.set(4, lines.get(4).replaceFirst(",3,1,-1.0,", ",3,x,-1.0,"));     // Cycle_Index, 6th column
    lines.set(5, lines.get(5) + ",extra");                                   // 18 fields
    lines.set(6, lines.get(6).replaceFirst(",3.6,", ",NaN,"));               // Voltage(V), 8th column
    lines.add(lines.get(2));                                                 // cycle 1 again, after cycle 2
    Path f = ChannelCsv.write(dir.resolve("d.csv"), lines);
    ArbinChannelFile.Summary s = read(f);
    assertEquals(new ArbinChannelFile.Summary(9, 4, 5), s);
    assertEquals(List.of(2L, 3L, 8L, 9L), rows.stream().map(ArbinRow::line).toList());
    assertEquals(List.of(4L, 5L, 6L, 7L, 10L), rejected.stream().map(QuarantineRecord::sourceLine).toList());
    assertEquals(List.of("number", "integer", "field-count", "finite", "cycle-order"),
        rejected.stream().map(QuarantineRecord::rule).toList());
    QuarantineRecord text = rejected.get(0);
    assertEquals(7, text.column());
    assertEquals("Current(A)", text.columnName());
    assertEquals(1, text.cycleIndex(), "the cycle is read first so the record can name it");
    assertEquals("arbin", text.source());
    assertEquals("CS2_99", text.cellId());
    assertEquals(f.toString(), text.sourceFile());
    assertEquals(lines.get(3), text.raw());
    assertEquals(6, rejected.get(1).column());
    assertNull(rejected.get(2).column());
    assertEquals(8, rejected.get(3).column());
    assertEquals(6, rejected.get(4).column());
  }

  @Test
  void timeGoingBackIsQuarantined() throws IOException {
    List<String> lines = new ArrayList<>(new ChannelCsv(40409.5).cycle(2, 0).lines());
    lines.set(2, lines.get(2).replaceFirst("^2,72.0,", "2,10.0,"));
    read(ChannelCsv.write(dir.resolve("t.csv"), lines));
    assertEquals(List.of("time-order"), rejected.stream().map(QuarantineRecord::rule).toList());
    assertEquals(3, rejected.get(0).sourceLine());
    assertEquals(2, rejected.get(0).column());
    assertEquals(List.of(2L, 4L), rows.stream().map(ArbinRow::line).toList());
  }

  @Test
  void truncatedGzipKeepsTheLinesBeforeTheDamageThenFails() throws IOException {
    ChannelCsv c = new ChannelCsv(40409.5);
    for (int i = 0; i < 300; i++) c.cycle(5, 5).nextCycle();
    Path whole = c.write(dir.resolve("whole.csv.gz"));
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.csv.gz"), Arrays.copyOf(bytes, bytes.length / 2));
    io.cyclelake.errors.CycleLakeException e = assertThrows(io.cyclelake.errors.CycleLakeException.class,
        () -> read(cut));
    assertInstanceOf(EOFException.class, e.getCause(), "the gzip read error itself, after the good lines");
    assertEquals(cut.toString(), e.where().orElseThrow().file());
    assertEquals(rows.size() + 2, e.where().orElseThrow().line(), "the error names the cut line");
    assertTrue(rows.size() > 100, "lines before the damage are kept: " + rows.size());
    for (int i = 0; i < rows.size(); i++) assertEquals(i + 2, rows.get(i).line(), "no line lost before the cut");
    assertEquals(1, rejected.size());
    assertEquals("truncated", rejected.get(0).rule());
    assertEquals(rows.size() + 2, rejected.get(0).sourceLine(), "the cut line follows the header and the good lines");
    assertEquals(Double.parseDouble(c.lines().get(rows.size()).split(",")[1]), rows.get(rows.size() - 1).testTimeS(),
        "the last good row is the file's line before the cut");

    // Cut inside the header: the read error, not a misleading "missing column".
    Path header = Files.write(dir.resolve("header.csv.gz"), Arrays.copyOf(bytes, 40));
    for (org.junit.jupiter.api.function.Executable x : List.<org.junit.jupiter.api.function.Executable>of(
        () -> read(header), () -> ArbinChannelFile.sessionStart(header))) {
      io.cyclelake.errors.CycleLakeException h = assertThrows(io.cyclelake.errors.CycleLakeException.class, x);
      assertInstanceOf(EOFException.class, h.getCause());
      assertEquals(1, h.where().orElseThrow().line());
    }
  }

  @Test
  void sessionStartReadsOnlyToTheFirstGoodRow() throws IOException {
    List<String> lines = new ArrayList<>(new ChannelCsv(40409.5).cycle(1, 1).lines());
    lines.set(1, lines.get(1).replaceFirst(",40409", ",x40409"));
    Path f = ChannelCsv.write(dir.resolve("s.csv.gz"), lines);
    assertEquals(40409.5 + 72 / 86400.0, ArbinChannelFile.sessionStart(f), 1e-12, "the first row is bad: the next one");
    Session s = ArbinChannelFile.readSession(f, "CS2_99", rejected::add);
    assertEquals(ArbinChannelFile.sessionStart(f), s.startExcel());
    assertEquals(1, rejected.size());

    // A cut file still has a start if its first row survived: the start needs no more than that.
    ChannelCsv big = new ChannelCsv(40500.25);
    for (int i = 0; i < 300; i++) big.cycle(5, 5).nextCycle();
    byte[] bytes = Files.readAllBytes(big.write(dir.resolve("big.csv.gz")));
    Path cut = Files.write(dir.resolve("bigcut.csv.gz"), Arrays.copyOf(bytes, bytes.length / 2));
    assertEquals(40500.25 + 36 / 86400.0, ArbinChannelFile.sessionStart(cut), 1e-12);

    Path headerOnly = ChannelCsv.write(dir.resolve("h.csv"), List.of(ChannelCsv.HEADER));
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> ArbinChannelFile.sessionStart(headerOnly));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(ErrorCode.INPUT_MALFORMED, assertThrows(CycleLakeException.class,
        () -> ArbinChannelFile.readSession(headerOnly, null, rejected::add)).code());
  }
}
