package io.cyclelake.ingest.arbin;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * One test session (one Arbin file) of a cell, reduced to what folding needs: when it started and its per-cycle
 * aggregates. Small enough to collect per cell inside a Spark task.
 *
 * @param id names the session in results and errors, usually the file path
 * @param startExcel {@code Date_Time} of the session's first row, Excel serial date (days since 1899-12-30)
 * @param cycles the session's cycles by increasing {@code Cycle_Index}
 * @param rows accepted rows in the file
 */
public record Session(String id, double startExcel, List<LocalCycle> cycles, long rows) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Session {
    if (id == null) throw new IllegalArgumentException("a session needs an id");
    if (!Double.isFinite(startExcel)) throw new IllegalArgumentException(id + ": the start time must be finite");
    cycles = List.copyOf(cycles);
    for (int i = 1; i < cycles.size(); i++) {
      if (cycles.get(i).localCycle() <= cycles.get(i - 1).localCycle()) {
        throw new IllegalArgumentException(id + ": cycles must have increasing Cycle_Index, found "
            + cycles.get(i - 1).localCycle() + " then " + cycles.get(i).localCycle());
      }
    }
  }

  /** The session an aggregator has seen, starting at its first row. */
  public static Session of(String id, CycleAggregator agg) {
    return new Session(id, agg.firstDateTimeExcel(), agg.cycles(), agg.rows());
  }

  /** The start as an instant (tester clock labelled UTC, see {@link ExcelDates}). */
  public Instant start() {
    return ExcelDates.toInstant(startExcel);
  }

  /** The highest {@code Cycle_Index} in the session, 0 if it has no cycle: what the next session is shifted by. */
  public int maxLocalCycle() {
    return cycles.isEmpty() ? 0 : cycles.get(cycles.size() - 1).localCycle();
  }
}
