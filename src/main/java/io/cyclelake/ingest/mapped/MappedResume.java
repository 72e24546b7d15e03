package io.cyclelake.ingest.mapped;

import java.io.Serializable;
import java.util.HashMap;

/**
 * Where one split of a mapped CSV starts ({@link io.cyclelake.ingest.FileSplit#resume()}): the per-file state the
 * lines before it leave, recorded by planning's scan ({@link SplitPlanner}).
 *
 * @param lastCycle by cell: the cycle of its last accepted row (the {@code cycle-order} rule)
 * @param phases by cell: {@link Phases}' state ({key, charging, started})
 * @param operations by operation id, for the operations that had rows before the split and have rows in it:
 *     {first time_s, next sample index} ({@link OperationSamples})
 * @param previousTimes by operation id, for the same operations: the time the {@link io.cyclelake.ingest.Validator}
 *     checks their next sample against (absent when it had accepted none)
 */
record MappedResume(HashMap<String, Integer> lastCycle, HashMap<String, int[]> phases,
    HashMap<String, double[]> operations, HashMap<String, Double> previousTimes) implements Serializable {
  private static final long serialVersionUID = 1L;
}
