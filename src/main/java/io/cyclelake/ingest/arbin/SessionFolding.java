package io.cyclelake.ingest.arbin;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Folds the sessions (files) of one cell into one monotonic cycle index for the cell.
 *
 * <p>Sessions are ordered by their start time ({@code Date_Time} of the first row), not by file name: CALCE names
 * files after the day they were saved, not the day the session began (e.g. {@code CS2_35_10_15_10} began on
 * 2010-10-08). Ties are broken by session id so the result does not depend on listing order.
 *
 * <p>Arbin restarts {@code Cycle_Index} at 1 in every file, so a cycle's global number is its local number plus an
 * offset, the sum of the highest local cycle of every earlier session. Global numbers are then strictly increasing
 * across sessions, and keep any gaps the file's own numbering had. (A file whose {@code Cycle_Index} starts below 1,
 * which Arbin does not write, is shifted further so that its first cycle still follows the previous one.)
 *
 * <p>A cycle that a session boundary cut in two (the tester stopped mid-cycle, and the next file starts again at
 * {@code Cycle_Index} 1) stays two cycles: the halves live in different files with separately reset counters, and
 * joining them would need guesses about what happened in between. {@link FoldedCycle#firstInSession()} and
 * {@link FoldedCycle#lastInSession()} mark the cycles that may be such halves, so analyses can drop them or filter
 * them by capacity (on CS2, e.g., the last cycle of CS2_35_11_01_10 stops 30 s before the end of its discharge).
 *
 * <p>Duplicate sessions: a session with the same start time and the same per-cycle aggregates as an earlier one is
 * the same test exported twice (CALCE ships {@code CS2_35_2_4_11} and {@code CS2_35_2_10_11} with byte-identical
 * time series, likewise for CS2_38). Counting it would invent cycles, so it is skipped and reported as a duplicate.
 * Two sessions that start at the same time but differ cannot both be right for one tester channel, and there is no
 * order to put them in: that fails the cell.
 */
public final class SessionFolding {
  private SessionFolding() {}

  /**
   * Where a session landed.
   *
   * @param sessionId the session
   * @param startExcel its start, Excel serial date
   * @param session 1-based number in start-time order, 0 for a duplicate
   * @param offset added to its local cycles to get global ones
   * @param maxLocalCycle its highest {@code Cycle_Index}
   * @param duplicateOf the id of the session it duplicates, or null
   */
  public record Placement(String sessionId, double startExcel, int session, int offset, int maxLocalCycle,
      String duplicateOf) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * A folded cell.
   *
   * @param cycles all cycles of the kept sessions by increasing global cycle
   * @param placements every session given, duplicates included, in start-time order
   */
  public record Result(List<FoldedCycle> cycles, List<Placement> placements) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The sessions skipped as duplicates. */
    public List<Placement> duplicates() {
      return placements.stream().filter(p -> p.duplicateOf() != null).toList();
    }
  }

  /**
   * Folds one cell's sessions, given in any order.
   *
   * @throws CycleLakeException INPUT_MALFORMED if two different sessions start at the same time
   */
  public static Result fold(List<Session> sessions) {
    List<Session> ordered = new ArrayList<>(sessions);
    ordered.sort(Comparator.comparingDouble(Session::startExcel).thenComparing(Session::id));
    List<FoldedCycle> cycles = new ArrayList<>();
    List<Placement> placements = new ArrayList<>();
    List<Session> kept = new ArrayList<>();
    int offset = 0;
    for (Session s : ordered) {
      Session twin = null;
      for (int i = kept.size() - 1; i >= 0 && kept.get(i).startExcel() == s.startExcel(); i--) {
        Session k = kept.get(i);
        if (k.rows() != s.rows() || !k.cycles().equals(s.cycles())) {
          throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "sessions " + k.id() + " and " + s.id()
              + " both start at " + s.start() + " but hold different data; one tester channel runs one session at a "
              + "time, so one of the files belongs to another cell or test: remove it",
              new SourceLocation(s.id(), 0, 0, "Date_Time"), null);
        }
        twin = k;
      }
      if (twin != null) {
        placements.add(new Placement(s.id(), s.startExcel(), 0, offset, s.maxLocalCycle(), twin.id()));
        continue;
      }
      kept.add(s);
      int number = kept.size();
      // Arbin counts from 1; a file with Cycle_Index 0 or below is shifted further so numbers stay strictly increasing.
      int lowest = s.cycles().isEmpty() ? 1 : s.cycles().get(0).localCycle();
      if (lowest < 1) offset += 1 - lowest;
      placements.add(new Placement(s.id(), s.startExcel(), number, offset, s.maxLocalCycle(), null));
      List<LocalCycle> local = s.cycles();
      for (int i = 0; i < local.size(); i++) {
        LocalCycle c = local.get(i);
        cycles.add(new FoldedCycle(offset + c.localCycle(), c.localCycle(), s.id(), number, c.start(), c.durationS(),
            c.chargeAh(), c.dischargeAh(), c.chargeWh(), c.dischargeWh(), c.coulombChargeAh(),
            c.coulombDischargeAh(), c.meanInternalResistanceOhm(), c.rows(), i == 0, i == local.size() - 1));
      }
      offset += Math.max(s.maxLocalCycle(), 0);
    }
    return new Result(List.copyOf(cycles), List.copyOf(placements));
  }
}
