package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.ingest.CsvLine;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reader and the folding on the real CALCE CS2 cells (../shared/data/calce-cs2, see its PROVENANCE.md): every
 * channel file of CS2_35..38 is read and folded, and the result is checked against the statistics sheets, coulomb
 * counting and the counts PROVENANCE gives. Prints the figures.
 */
class CalceCs2Test {
  /** What PROVENANCE.md and manifest.csv say about each cell. */
  record Cell(String name, int sessions, int statisticsFiles, int dischargesOver300mAh, int duplicates) {}

  static final List<Cell> CELLS = List.of(
      new Cell("CS2_35", 25, 15, 924, 1),
      new Cell("CS2_36", 26, 14, 909, 0),
      new Cell("CS2_37", 27, 15, 986, 0),
      new Cell("CS2_38", 28, 16, 1057, 1));

  static final double STATISTICS_TOLERANCE_AH = 1e-4;
  static final double COULOMB_TOLERANCE = 0.005;
  static final double BIG_DISCHARGE_AH = 0.3;

  @Test
  void fourCellsFoldIntoOneIndexThatAgreesWithStatisticsAndCoulombCounting() throws IOException {
    Path root = SharedData.require("calce-cs2");
    Map<String, List<String>> manifestOrder = manifestOrder(root.resolve("manifest.csv"));
    long t0 = System.nanoTime();
    int cellsWhoseNamesLie = 0;
    long allRows = 0;
    for (Cell cell : CELLS) {
      Path dir = root.resolve(cell.name());
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".channel.csv.gz")).sorted().toList();
      }
      // (b) one session per file
      assertEquals(cell.sessions(), files.size(), cell.name() + " sessions");

      List<QuarantineRecord> rejected = new ArrayList<>();
      List<Session> sessions = new ArrayList<>();
      long rows = 0;
      for (Path f : files) {
        Session s = ArbinChannelFile.readSession(f, cell.name(), rejected::add);
        assertEquals(ArbinChannelFile.sessionStart(f), s.startExcel(), "the cheap start is the full read's start");
        sessions.add(s);
        rows += s.rows();
      }
      allRows += rows;
      assertEquals(List.of(), rejected.stream().limit(5).toList(), "PROVENANCE: no bad fields in CS2");
      SessionFolding.Result r = SessionFolding.fold(sessions);

      // Start-time order is the manifest's chronological order, and not the file names' order.
      List<String> order = r.placements().stream().map(p -> Path.of(p.sessionId()).getFileName().toString()).toList();
      assertEquals(manifestOrder.get(cell.name()), order, cell.name() + " sessions in start-time order");
      List<String> byName = files.stream().map(p -> p.getFileName().toString()).toList();
      if (!order.equals(byName)) cellsWhoseNamesLie++;
      assertEquals(cell.duplicates(), r.duplicates().size(), cell.name() + " duplicate sessions " + r.duplicates());

      // (a) one strictly increasing cycle index, advancing with time across sessions
      List<FoldedCycle> cycles = r.cycles();
      for (int i = 1; i < cycles.size(); i++) {
        FoldedCycle a = cycles.get(i - 1);
        FoldedCycle b = cycles.get(i);
        assertTrue(b.cycle() > a.cycle(), cell.name() + ": cycle " + b.cycle() + " after " + a.cycle());
        assertTrue(!b.start().isBefore(a.start()), cell.name() + ": cycle " + b.cycle() + " starts before " + a.cycle());
        assertTrue(b.session() >= a.session());
      }
      int distinctPairs = sessions.stream().mapToInt(s -> s.cycles().size()).sum();

      // (c) discharge per cycle from the channel counters = differenced statistics sheet
      int statisticsFiles = 0;
      int compared = 0;
      double maxDischargeDiff = 0;
      double maxChargeDiff = 0;
      for (Session s : sessions) {
        Path stats = Path.of(s.id().replace(".channel.csv.gz", ".statistics.csv"));
        if (!Files.exists(stats)) continue;
        statisticsFiles++;
        Map<Integer, LocalCycle> byIndex = new HashMap<>();
        s.cycles().forEach(c -> byIndex.put(c.localCycle(), c));
        List<ArbinStatisticsFile.Row> sheet = ArbinStatisticsFile.read(stats, cell.name(), rejected::add);
        for (ArbinStatisticsFile.Cycle sc : ArbinStatisticsFile.perCycle(sheet)) {
          LocalCycle lc = byIndex.get(sc.cycleIndex());
          assertNotNull(lc, stats + ": cycle " + sc.cycleIndex() + " has no rows in the channel file");
          maxDischargeDiff = Math.max(maxDischargeDiff, Math.abs(lc.dischargeAh() - sc.dischargeAh()));
          maxChargeDiff = Math.max(maxChargeDiff, Math.abs(lc.chargeAh() - sc.chargeAh()));
          compared++;
        }
      }
      assertEquals(List.of(), rejected.stream().limit(5).toList());
      assertEquals(cell.statisticsFiles(), statisticsFiles, cell.name() + " statistics files");
      assertTrue(maxDischargeDiff <= STATISTICS_TOLERANCE_AH, cell.name() + " max |channel - statistics| discharge "
          + maxDischargeDiff + " Ah");

      // (d) coulomb counting vs the counter, over every (file, Cycle_Index) that discharged > 0.3 Ah, as PROVENANCE
      // counts them (duplicate files included); then over the folded cycles.
      List<Double> rel = new ArrayList<>();
      for (Session s : sessions) {
        for (LocalCycle c : s.cycles()) {
          if (c.dischargeAh() > BIG_DISCHARGE_AH) {
            rel.add(Math.abs(c.coulombDischargeAh() - c.dischargeAh()) / c.dischargeAh());
          }
        }
      }
      rel.sort(Comparator.naturalOrder());
      double median = rel.size() % 2 == 1 ? rel.get(rel.size() / 2)
          : (rel.get(rel.size() / 2 - 1) + rel.get(rel.size() / 2)) / 2;
      double max = rel.get(rel.size() - 1);
      assertEquals(cell.dischargesOver300mAh(), rel.size(), cell.name() + " cycles discharging > 0.3 Ah");
      assertTrue(max < COULOMB_TOLERANCE, cell.name() + " max relative coulomb difference " + max);
      List<FoldedCycle> big = cycles.stream().filter(c -> c.dischargeAh() > BIG_DISCHARGE_AH).toList();

      System.out.printf(Locale.ROOT, "%s: %d sessions (%d kept, %d duplicate: %s), %d rows, %d (file, Cycle_Index) "
              + "pairs, %d folded cycles (last global cycle %d), %d with discharge > 0.3 Ah%n",
          cell.name(), files.size(), files.size() - r.duplicates().size(), r.duplicates().size(),
          r.duplicates().stream().map(p -> Path.of(p.sessionId()).getFileName() + " = "
              + Path.of(p.duplicateOf()).getFileName()).toList(),
          rows, distinctPairs, cycles.size(), cycles.get(cycles.size() - 1).cycle(), big.size());
      System.out.printf(Locale.ROOT, "  statistics: %d files, %d cycles compared, max |discharge diff| %.2e Ah, "
          + "max |charge diff| %.2e Ah%n", statisticsFiles, compared, maxDischargeDiff, maxChargeDiff);
      System.out.printf(Locale.ROOT, "  coulomb vs counter, %d (file, cycle) discharges > 0.3 Ah: median %.2e, "
          + "max %.2e relative%n", rel.size(), median, max);
      System.out.printf(Locale.ROOT, "  discharge capacity: first big cycle %.4f Ah (cycle %d, %s), last %.4f Ah "
              + "(cycle %d, %s)%n", big.get(0).dischargeAh(), big.get(0).cycle(), big.get(0).start(),
          big.get(big.size() - 1).dischargeAh(), big.get(big.size() - 1).cycle(), big.get(big.size() - 1).start());
    }
    assertTrue(cellsWhoseNamesLie > 0, "PROVENANCE: file names do not give the session order");
    System.out.printf(Locale.ROOT, "CS2: %d rows in %d cells read and folded in %.1f s; name order differs from start "
        + "order in %d of 4 cells%n", allRows, CELLS.size(), (System.nanoTime() - t0) / 1e9, cellsWhoseNamesLie);
  }

  /** Channel file names per cell in manifest.csv's file_order_in_cell (its chronological order). */
  private static Map<String, List<String>> manifestOrder(Path manifest) throws IOException {
    List<String> lines = Files.readAllLines(manifest);
    List<String> h = CsvLine.split(lines.get(0), ',');
    int cell = h.indexOf("cell");
    int order = h.indexOf("file_order_in_cell");
    int channel = h.indexOf("channel_csv_gz");
    Map<String, TreeMap<Integer, String>> m = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) continue;
      List<String> f = CsvLine.split(line, ',');
      m.computeIfAbsent(f.get(cell), k -> new TreeMap<>())
          .put(Integer.parseInt(f.get(order)), Path.of(f.get(channel)).getFileName().toString());
    }
    Map<String, List<String>> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v.values())));
    return out;
  }
}
