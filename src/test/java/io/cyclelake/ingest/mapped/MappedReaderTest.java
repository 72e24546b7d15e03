package io.cyclelake.ingest.mapped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.testkit.CollectingSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapped reader with conf/sources/example-mapped.conf on generated files, good and bad. */
class MappedReaderTest {
  static final Path EXAMPLE = Path.of("conf/sources/example-mapped.conf");
  static final String HEADER = "Datum;Zeit;Zyklus;Schritt;Spannung;Strom;Temperatur;Ladung;Entladung;Energie";

  @TempDir Path dir;

  static SourceReader reader(Path mapping) {
    return new MappedReader().configured(ConfigFactory.parseMap(Map.of("mapping", mapping.toString())));
  }

  static String de(double v) {
    return String.format(Locale.ROOT, "%.9f", v).replace('.', ',');
  }

  /** A row in the example's layout: hours, mV, mA with charge negative, K, mAh, mWh, local Berlin time. */
  static String line(Profile.Row r) {
    String date = java.time.format.DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss")
        .format(Instant.ofEpochSecond((long) r.epochS()).atZone(java.time.ZoneId.of("Europe/Berlin")));
    return String.join(";", date, de(r.timeS() / 3600), Integer.toString(r.cycle()), Integer.toString(r.step()),
        de(r.voltageV() * 1000), de(-r.currentA() * 1000), de(r.temperatureC() + 273.15), de(r.chargeAh() * 1000),
        de(r.dischargeAh() * 1000), de(r.dischargeAh() * 3.7 * 1000));
  }

  static Path example(Path file, List<Profile.Row> rows) throws IOException {
    return Profile.write(file, List.of("Prüfstand 7; Export", "Kanal;3"), HEADER, rows, MappedReaderTest::line);
  }

  @Test
  void exampleMappingConvertsUnitsSignTimeAndFindsCellsInFileNames() throws IOException {
    List<Profile.Row> rows = Profile.cycles(3);
    example(dir.resolve("CELL-A_run1.csv"), rows);
    example(dir.resolve("CELL-B_run1.csv"), rows);
    SourceReader r = reader(EXAMPLE);
    IngestPlan plan = r.plan(dir, ConfigFactory.empty(), Set.of());
    assertEquals(2, plan.files().size());
    assertEquals(12, plan.operations().size());
    for (String cell : List.of("CELL-A", "CELL-B")) {
      List<Operation> ops = plan.operations().stream().filter(o -> o.cellId().equals(cell))
          .sorted(java.util.Comparator.comparingInt(Operation::cycleIndex)).toList();
      for (int k = 0; k < 6; k++) {
        Operation o = ops.get(k);
        assertEquals(k, o.cycleIndex());
        assertEquals(k % 2 == 0 ? "charge" : "discharge", o.cycleType());
        assertEquals(Profile.PHASE_AH, o.capacityAh(), 1e-9, "capacity of " + cell + " op " + k + " from mAh");
      }
      // 2023-03-01 11:00:00 in Berlin (CET) is 10:00 UTC.
      assertEquals(Instant.parse("2023-03-01T10:00:00Z"), ops.get(0).startTime());
    }
    CollectingSink sink = CollectingSink.parseAll(r, plan);
    assertEquals(List.of(), sink.rejected);
    assertEquals(2 * rows.size(), sink.samples.size());
    List<SampleRecord> a = sink.samples.stream().filter(s -> s.cellId().equals("CELL-A")).toList();
    for (int k = 0; k < rows.size(); k++) {
      Profile.Row p = rows.get(k);
      SampleRecord s = a.get(k);
      assertEquals(p.voltageV(), s.voltageV(), 1e-9, "mV -> V");
      assertEquals(p.currentA(), s.currentA(), 1e-9, "mA, charge negative -> A, charge positive");
      assertEquals(p.temperatureC(), s.temperatureC(), 1e-6, "K -> degC");
      assertEquals(p.step(), s.stepIndex());
      assertEquals(k + 4L, s.sourceLine(), "two preamble lines and the header come first");
    }
    // time_s counts from the operation's first row; h -> s.
    SampleRecord secondOfFirstDischarge = a.get(Profile.CHARGE_ROWS + Profile.REST_ROWS + 1);
    assertEquals("discharge", secondOfFirstDischarge.cycleType());
    assertEquals(60.0, secondOfFirstDischarge.timeS(), 1e-5);
    // Rest rows after a charge belong to the charge.
    assertEquals("charge", a.get(Profile.CHARGE_ROWS).cycleType());
    assertEquals(0.0, a.get(Profile.CHARGE_ROWS).currentA());
  }

  @Test
  void badRowsAreQuarantinedWithRuleLineAndColumnAndNothingIsLost() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(example(dir.resolve("C1_x.csv"), Profile.cycles(2))));
    // Data lines start at line 4 (index 3).
    lines.set(5, lines.get(5).replaceFirst(";[^;]*;([^;]*;[^;]*;[^;]*)$", ";abc;$1"));      // text in Strom? no: Temperatur
    lines.set(6, replaceField(lines.get(6), 4, "3600mV"));     // unit glued to the value
    lines.set(7, replaceField(lines.get(7), 5, ""));           // empty current
    lines.set(8, lines.get(8).substring(0, lines.get(8).lastIndexOf(';'))); // a field short
    lines.set(9, replaceField(lines.get(9), 4, "inf"));         // infinite voltage
    lines.set(10, replaceField(lines.get(10), 2, "1,5"));       // fractional cycle
    lines.set(40, replaceField(lines.get(40), 2, "1"));         // cycle 1 after cycle 2
    lines.set(11, replaceField(lines.get(11), 0, "31.02.2023 10:00:00")); // impossible date
    Path f = dir.resolve("C1_x.csv");
    Files.write(f, lines);
    SourceReader r = reader(EXAMPLE);
    IngestPlan plan = r.plan(dir, ConfigFactory.empty(), Set.of());
    CollectingSink sink = CollectingSink.parseAll(r, plan);
    Map<Long, QuarantineRecord> q = sink.rejected.stream().collect(Collectors.toMap(QuarantineRecord::sourceLine,
        x -> x));
    assertEquals(Set.of(6L, 7L, 8L, 9L, 10L, 11L, 12L, 41L), q.keySet());
    assertRule(q.get(6L), "number", 7, "Temperatur");
    assertRule(q.get(7L), "number", 5, "Spannung");
    assertRule(q.get(8L), "required", 6, "Strom");
    assertRule(q.get(9L), "field-count", null, null);
    assertRule(q.get(10L), "finite", 5, "Spannung");
    assertRule(q.get(11L), "integer", 3, "Zyklus");
    assertRule(q.get(12L), "datetime", 1, "Datum");
    assertRule(q.get(41L), "cycle-order", 3, "Zyklus");
    assertTrue(q.get(8L).raw().startsWith(lines.get(7).substring(0, 10)), "raw text kept");
    assertEquals(f.toString(), q.get(8L).sourceFile());
    assertEquals("C1", q.get(8L).cellId());
    long dataLines = lines.size() - 3;
    assertEquals(dataLines, sink.samples.size() + sink.rejected.size(), "rows read = accepted + quarantined");
  }

  static String replaceField(String line, int index, String value) {
    String[] f = line.split(";", -1);
    f[index] = value;
    return String.join(";", f);
  }

  static void assertRule(QuarantineRecord q, String rule, Integer column, String name) {
    assertEquals(rule, q.rule(), q.toString());
    assertEquals(column, q.column(), q.toString());
    assertEquals(name, q.columnName(), q.toString());
    assertEquals("mapped", q.source());
  }

  @Test
  void aFileInAnotherLayoutFailsNamingFileLineAndColumn() throws IOException {
    Path f = Profile.write(dir.resolve("C2_x.csv"), List.of("a", "b"), HEADER.replace(';', ','), Profile.cycles(1),
        p -> line(p).replace(';', ','));
    CycleLakeException e = assertThrows(CycleLakeException.class,
        () -> reader(EXAMPLE).plan(dir, ConfigFactory.empty(), Set.of()));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertEquals(f.toString(), e.where().orElseThrow().file());
    assertEquals(3, e.where().orElseThrow().line());
    assertTrue(e.getMessage().contains("delimiter"), e.getMessage());

    Files.delete(f);
    Path g = Profile.write(dir.resolve("C3_x.csv"), List.of("a", "b"), HEADER.replace("Strom", "Current"),
        Profile.cycles(1), MappedReaderTest::line);
    e = assertThrows(CycleLakeException.class, () -> reader(EXAMPLE).plan(dir, ConfigFactory.empty(), Set.of()));
    assertEquals(g.toString(), e.where().orElseThrow().file());
    assertEquals("Strom", e.where().orElseThrow().field());
  }

  @Test
  void aFileWrittenWithTheOppositeSignFailsOrIsFlippedByPolicy() throws IOException {
    // Current written charge-positive, while the mapping declares charge-negative.
    Profile.write(dir.resolve("C4_x.csv"), List.of("a", "b"), HEADER, Profile.cycles(2),
        p -> replaceField(line(p), 5, de(p.currentA() * 1000)));
    SourceReader fail = reader(EXAMPLE);
    IngestPlan plan = fail.plan(dir, ConfigFactory.empty(), Set.of());
    assertEquals(List.of(), plan.operations());
    InputFile file = plan.files().get(0);
    CycleLakeException e = assertThrows(CycleLakeException.class,
        () -> fail.parse(file, Map.of(), new CollectingSink()));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertTrue(e.getMessage().contains("voltage moving against the current"), e.getMessage());

    Path flipConf = dir.resolve("flip.conf");
    Files.writeString(flipConf, "include file(\"" + EXAMPLE.toAbsolutePath() + "\")\non-sign-mismatch = flip\n");
    Files.createDirectories(dir.resolve("in"));
    Files.move(dir.resolve("C4_x.csv"), dir.resolve("in/C4_x.csv"));
    SourceReader flip = reader(flipConf);
    IngestPlan p2 = flip.plan(dir.resolve("in"), ConfigFactory.empty(), Set.of());
    assertEquals(4, p2.operations().size());
    assertTrue(p2.notes().get(dir.resolve("in/C4_x.csv").toString()).startsWith("current negated: "), p2.notes()
        .toString());
    CollectingSink sink = CollectingSink.parseAll(flip, p2);
    assertTrue(sink.samples.stream().filter(s -> s.cycleType().equals("charge")).allMatch(s -> s.currentA() >= 0));
    assertTrue(sink.samples.stream().filter(s -> s.cycleType().equals("discharge")).allMatch(s -> s.currentA() <= 0));
  }

  @Test
  void cellsFromAColumnAndCyclesFromTheCurrentWhenThereIsNoCycleColumn() throws IOException {
    Path conf = dir.resolve("m.conf");
    Files.writeString(conf, String.join("\n",
        "files = \"*.txt\"", "delimiter = tab",
        "columns {", "  time { header = t_ms, unit = ms }", "  voltage { header = U, unit = V }",
        "  current { header = I, unit = A }", "  cell { header = Cell }", "  unix-time { header = Epoch, unit = s }",
        "}"));
    List<String> out = new ArrayList<>();
    for (String cell : List.of("X1", "X2")) {
      for (Profile.Row p : Profile.cycles(3)) {
        out.add(String.join("\t", String.valueOf((long) (p.timeS() * 1000)), String.valueOf(p.voltageV()),
            String.valueOf(p.currentA()), cell, String.valueOf(p.epochS())));
      }
    }
    Files.createDirectories(dir.resolve("in"));
    Files.writeString(dir.resolve("in/mixed.txt"), "t_ms\tU\tI\tCell\tEpoch\n" + String.join("\n", out) + "\n");
    SourceReader r = reader(conf);
    IngestPlan plan = r.plan(dir.resolve("in"), ConfigFactory.empty(), Set.of("X2"));
    assertEquals(12, plan.operations().size(), "the file holds X2, so both cells are ingested");
    for (String cell : List.of("X1", "X2")) {
      assertEquals(List.of(0, 1, 2, 3, 4, 5), plan.operations().stream().filter(o -> o.cellId().equals(cell))
          .map(Operation::cycleIndex).sorted().toList());
    }
    CollectingSink sink = CollectingSink.parseAll(r, plan);
    assertEquals(out.size(), sink.samples.size());
    assertNull(sink.samples.get(0).temperatureC());
    assertEquals(Instant.ofEpochSecond((long) Profile.START_EPOCH), plan.operations().get(0).startTime());
  }
}
