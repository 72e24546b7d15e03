package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.xlsx.Workbooks;
import io.cyclelake.testkit.CollectingSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arbin workbooks (.xlsx) read like their CSV export: the same rows, operations and samples. */
class ArbinXlsxTest {
  @TempDir Path dir;

  static List<String> session(double start) {
    ChannelCsv c = new ChannelCsv(start).resistance(0.08);
    for (int k = 0; k < 4; k++) c.cycle(30, 28 - k).nextCycle();
    return c.lines();
  }

  @Test
  void aWorkbookGivesTheRowsOfItsCsvExport() throws IOException {
    List<String> lines = session(40406.5);
    Path csv = ChannelCsv.write(dir.resolve("s.csv"), lines);
    Path xlsx = Workbooks.fromCsv(dir.resolve("s.xlsx"), "Channel_1-008", lines);
    List<ArbinRow> a = new ArrayList<>();
    List<ArbinRow> b = new ArrayList<>();
    ArbinChannelFile.read(csv, a::add, q -> { throw new AssertionError(q.toString()); });
    ArbinChannelFile.read(xlsx, b::add, q -> { throw new AssertionError(q.toString()); });
    assertEquals(lines.size() - 1, a.size());
    assertEquals(a, b, "same values, and line numbers equal to the sheet's row numbers");
  }

  @Test
  void theReaderTakesWorkbooksAndSkipsASessionPresentAsBoth() throws IOException {
    Path csvCell = Files.createDirectories(dir.resolve("in/CSV1"));
    Path xlsxCell = Files.createDirectories(dir.resolve("in/XLS1"));
    List<String> first = session(40406.5);
    List<String> second = session(40410.5);
    ChannelCsv.write(csvCell.resolve("a.channel.csv"), first);
    ChannelCsv.write(csvCell.resolve("b.channel.csv"), second);
    Workbooks.fromCsv(xlsxCell.resolve("a.xlsx"), "Channel_1-008", first);
    Workbooks.fromCsv(xlsxCell.resolve("b.xlsx"), "Channel_1-008", second);
    ArbinReader r = new ArbinReader();
    IngestPlan plan = r.plan(dir.resolve("in"), com.typesafe.config.ConfigFactory.empty(), Set.of());
    List<String> fromCsv = ops(plan, "CSV1");
    assertEquals(16, fromCsv.size());
    assertEquals(fromCsv, ops(plan, "XLS1"));
    CollectingSink s = CollectingSink.parseAll(r, plan);
    assertEquals(List.of(), s.rejected);
    assertEquals(s.samples.stream().filter(x -> x.cellId().equals("CSV1")).count(),
        s.samples.stream().filter(x -> x.cellId().equals("XLS1")).count());

    // The same session as CSV export and as workbook in one cell folder: read once, the other quarantined.
    ChannelCsv.write(xlsxCell.resolve("a.channel.csv"), first);
    IngestPlan both = r.plan(dir.resolve("in"), com.typesafe.config.ConfigFactory.empty(), Set.of("XLS1"));
    assertEquals(fromCsv, ops(both, "XLS1"));
    assertEquals(List.of("duplicate-session"), both.quarantined().stream().map(q -> q.rule()).toList());
  }

  /** The cell's operations as comparable text: index, type, capacity. */
  static List<String> ops(IngestPlan p, String cell) {
    return p.operations().stream().filter(o -> o.cellId().equals(cell))
        .sorted(Comparator.comparingInt(Operation::cycleIndex))
        .map(o -> o.cycleIndex() + " " + o.cycleType() + " " + o.capacityAh() + " " + o.internalResistanceOhm())
        .toList();
  }
}
