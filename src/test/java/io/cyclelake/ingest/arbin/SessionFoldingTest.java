package io.cyclelake.ingest.arbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folding a cell's sessions into one cycle index, on hand-made files. */
class SessionFoldingTest {
  @TempDir Path dir;

  // Named like CALCE does, after a later day than the one they began: by name, 10_15 sorts before 9_30, but 9_30
  // began on 2010-09-21 (serial 40442.5) and 10_15 on 2010-10-08 (40459.5).
  private Session early() throws IOException {
    // Cycles (rows at +1 A, rows at -1 A), 0.01 Ah a row: (3, 2), (2, 2), (1, 1).
    ChannelCsv c = new ChannelCsv(40442.5).cycle(3, 2).nextCycle().resistance(0.1).cycle(2, 2).nextCycle().cycle(1, 1);
    return read(c.write(dir.resolve("CS2_99_9_30_10.channel.csv.gz")));
  }

  private Session late() throws IOException {
    // (4, 3), then a cycle the session end cut after one charge row.
    ChannelCsv c = new ChannelCsv(40459.5).cycle(4, 3).nextCycle().cycle(1, 0);
    return read(c.write(dir.resolve("CS2_99_10_15_10.channel.csv.gz")));
  }

  private static Session read(Path f) throws IOException {
    List<Object> rejected = new ArrayList<>();
    Session s = ArbinChannelFile.readSession(f, "CS2_99", rejected::add);
    assertEquals(List.of(), rejected);
    return s;
  }

  @Test
  void sessionsFoldByStartTimeNotByName() throws IOException {
    Session early = early();
    Session late = late();
    assertTrue(late.id().compareTo(early.id()) < 0, "the later session's name sorts first");
    SessionFolding.Result r = SessionFolding.fold(List.of(late, early));

    List<FoldedCycle> c = r.cycles();
    assertEquals(List.of(1, 2, 3, 4, 5), c.stream().map(FoldedCycle::cycle).toList());
    assertEquals(List.of(1, 2, 3, 1, 2), c.stream().map(FoldedCycle::localCycle).toList());
    assertEquals(List.of(1, 1, 1, 2, 2), c.stream().map(FoldedCycle::session).toList());
    assertEquals(List.of(early.id(), early.id(), early.id(), late.id(), late.id()),
        c.stream().map(FoldedCycle::sessionId).toList());
    // By hand from the cumulative counters, 0.01 Ah (and 0.036 Wh at 3.6 V) per row.
    double[] charge = {0.03, 0.02, 0.01, 0.04, 0.01};
    double[] discharge = {0.02, 0.02, 0.01, 0.03, 0.0};
    for (int i = 0; i < 5; i++) {
      FoldedCycle f = c.get(i);
      assertEquals(charge[i], f.chargeAh(), 1e-12, "charge of cycle " + f.cycle());
      assertEquals(discharge[i], f.dischargeAh(), 1e-12, "discharge of cycle " + f.cycle());
      assertEquals(charge[i] * 3.6, f.chargeWh(), 1e-12);
      assertEquals(discharge[i] * 3.6, f.dischargeWh(), 1e-12);
      assertEquals(charge[i], f.coulombChargeAh(), 1e-12, "constant current: coulomb counting is exact");
      assertEquals(discharge[i], f.coulombDischargeAh(), 1e-12);
      assertTrue(i == 0 || f.start().isAfter(c.get(i - 1).start()), "cycles advance in time");
    }
    // Cycle 1 of the early session: rows at 36, 72 .. 216 s, the first one at 40442.5 + 36 s.
    assertEquals(6, c.get(0).rows());
    assertEquals(180.0, c.get(0).durationS(), 1e-9);
    assertEquals(ExcelDates.toInstant(40442.5 + 36 / 86400.0), c.get(0).start());
    assertEquals(null, c.get(0).meanInternalResistanceOhm(), "Arbin's 0 means not measured");
    assertEquals(0.1, c.get(1).meanInternalResistanceOhm(), 1e-12);
    assertEquals(List.of(true, false, false, true, false), c.stream().map(FoldedCycle::firstInSession).toList());
    assertEquals(List.of(false, false, true, false, true), c.stream().map(FoldedCycle::lastInSession).toList());

    assertEquals(List.of(early.id(), late.id()), r.placements().stream().map(SessionFolding.Placement::sessionId)
        .toList());
    assertEquals(List.of(0, 3), r.placements().stream().map(SessionFolding.Placement::offset).toList());
    assertEquals(List.of(), r.duplicates());
    assertEquals(r.cycles(), SessionFolding.fold(List.of(early, late)).cycles(), "input order does not matter");
  }

  @Test
  void anIdenticalSessionExportedTwiceCountsOnce() throws IOException {
    Session early = early();
    Session twin = new Session(early.id() + ".copy", early.startExcel(), early.cycles(), early.rows());
    SessionFolding.Result r = SessionFolding.fold(List.of(late(), early, twin));
    assertEquals(List.of(1, 2, 3, 4, 5), r.cycles().stream().map(FoldedCycle::cycle).toList());
    assertEquals(1, r.duplicates().size());
    SessionFolding.Placement d = r.duplicates().get(0);
    assertEquals(twin.id(), d.sessionId(), "ties are ordered by id, so the later id is the duplicate");
    assertEquals(early.id(), d.duplicateOf());
    assertEquals(0, d.session());
  }

  @Test
  void twoDifferentSessionsWithOneStartFailTheCell() throws IOException {
    Session early = early();
    Session late = late();
    Session clash = new Session("other.csv", early.startExcel(), late.cycles(), late.rows());
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> SessionFolding.fold(List.of(early, clash)));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
  }

  @Test
  void gapsInALocalIndexAreKeptAndTheOffsetIsTheHighestLocalCycle() {
    LocalCycle one = new LocalCycle(1, 1, 2, 2, 0, 0, 40000.1, Counters.ZERO, Counters.ZERO, null, 0, 0);
    LocalCycle four = new LocalCycle(4, 1, 3, 3, 0, 0, 40000.2, Counters.ZERO, Counters.ZERO, null, 0, 0);
    LocalCycle later = new LocalCycle(1, 1, 2, 2, 0, 0, 40001.1, Counters.ZERO, Counters.ZERO, null, 0, 0);
    SessionFolding.Result r = SessionFolding.fold(List.of(
        new Session("b", 40001.1, List.of(later), 1), new Session("a", 40000.1, List.of(one, four), 2),
        new Session("empty", 40000.5, List.of(), 0)));
    assertEquals(List.of(1, 4, 5), r.cycles().stream().map(FoldedCycle::cycle).toList());
    assertEquals(List.of(0, 4, 4), r.placements().stream().map(SessionFolding.Placement::offset).toList());
  }
}
