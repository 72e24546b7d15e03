package io.cyclelake.ingest.mapped;

import java.util.HashMap;
import java.util.Map;

/**
 * Assigns the rows of one file, in file order, to operations: a cycle (the row's cycle number, or, without a cycle
 * column, a counter that advances whenever the current turns positive after a discharge) and within it the charge
 * (current positive) or the discharge (current negative). A rest row (current 0) belongs to the phase before it; at
 * the start of a cycle that is the charge. Deterministic, so planning and parsing agree on every row's operation.
 */
final class Phases {
  private final String file;
  private final Map<String, State> byCell = new HashMap<>();

  private static final class State {
    int key;
    boolean charging = true;
    boolean started;
  }

  Phases(String file) {
    this.file = file;
  }

  /** The operation id of the row (its current already in the canonical sign). */
  String assign(MappedRow r) {
    State s = byCell.computeIfAbsent(r.cellId(), k -> new State());
    if (r.cycle() != null) {
      if (!s.started || r.cycle() != s.key) {
        s.key = r.cycle();
        s.charging = true;
      }
    } else if (r.currentA() > 0 && !s.charging && s.started) {
      s.key++;
    }
    s.started = true;
    if (r.currentA() > 0) s.charging = true;
    if (r.currentA() < 0) s.charging = false;
    return opId(file, r.cellId(), s.key, s.charging);
  }

  /** Whether the last row assigned for {@code cell} was in a charge. */
  boolean charging(String cell) {
    State s = byCell.get(cell);
    return s == null || s.charging;
  }

  /** Key of the last row assigned for {@code cell}. */
  int key(String cell) {
    return byCell.get(cell).key;
  }

  /** Each cell's state ({key, charging, started}), for a split of the file that starts after the rows seen so far. */
  HashMap<String, int[]> snapshot() {
    HashMap<String, int[]> out = new HashMap<>();
    byCell.forEach((cell, s) -> out.put(cell, new int[] {s.key, s.charging ? 1 : 0, s.started ? 1 : 0}));
    return out;
  }

  /** Goes on from a {@link #snapshot()}: as if the rows before it had been assigned. */
  void restore(Map<String, int[]> snapshot) {
    snapshot.forEach((cell, v) -> {
      State s = new State();
      s.key = v[0];
      s.charging = v[1] != 0;
      s.started = v[2] != 0;
      byCell.put(cell, s);
    });
  }

  static String opId(String file, String cell, int key, boolean charge) {
    return file + "#" + cell + "#" + key + (charge ? "#charge" : "#discharge");
  }
}
