package io.cyclelake.ingest.mapped;

import io.cyclelake.ingest.FileSplit;
import io.cyclelake.ingest.ImpedanceRecord;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.ValidationRules;
import io.cyclelake.ingest.Validator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts one large mapped CSV into byte-range splits while planning scans it, and records what each split starts from.
 *
 * <p>Why on the driver: the parse of a line depends on the lines before it in the same file (the cycle-order rule,
 * the cycle/phase a row belongs to, its sample index and time within the operation, the {@link Validator}'s time
 * rules against the operation's previous accepted sample). Planning already reads every line of the file in order,
 * so it replays exactly that parse (the same {@link Phases}, {@link OperationSamples} and a {@link Validator} with
 * the ingest's rules, into nowhere) and keeps the state at each boundary. The per-cell state is small and saved
 * whole; per-operation state is saved only for an operation that has rows both before a split and in it, at its first
 * row in the split (its state cannot change in between), so a split carries a few entries per cell, not one per
 * operation of the file. (Moving the neighbour checks to a Spark step after the parse would need a sort of all
 * samples by file and line, and the max-gap rule's moving reference is a sequential scan anyway.)
 *
 * <p>Boundaries: split k starts at the first data line (after the header) starting at or after byte
 * {@code k * splitBytes}, as Hadoop's line reader starts its splits after the first line break at or after the
 * split's offset; a line longer than a split moves the next boundary past it.
 */
final class SplitPlanner implements MappedCsvFile.Cuts {
  private final long every;
  private long nextCut;
  private final List<long[]> cuts = new ArrayList<>(); // {start byte, lines before} of splits 1..n-1
  private final List<HashMap<String, Integer>> lastCycles = new ArrayList<>();
  private final Replay declared;
  private final Replay flipped;

  /**
   * @param flipped the phases of the rows with their current negated, when planning may choose to negate it; null
   *     otherwise
   */
  SplitPlanner(String source, String file, long splitBytes, ValidationRules rules, Phases declared, Phases flipped) {
    this.every = splitBytes;
    this.nextCut = splitBytes;
    this.declared = new Replay(source, file, rules, declared);
    this.flipped = flipped == null ? null : new Replay(source, file, rules, flipped);
  }

  @Override
  public void beforeLine(long startByte, long linesBefore, Map<String, Integer> lastCycle) {
    if (startByte < nextCut) return;
    cuts.add(new long[] {startByte, linesBefore});
    lastCycles.add(new HashMap<>(lastCycle));
    declared.cut();
    if (flipped != null) flipped.cut();
    nextCut = (startByte / every + 1) * every;
  }

  /** A row in the declared sign, assigned to operation {@code id}. */
  void declared(String id, MappedRow r, boolean charging) {
    declared.row(id, r, charging);
  }

  /** A row with its current negated, assigned to operation {@code id} of the flipped phases. */
  void flipped(String id, MappedRow r, boolean charging) {
    if (flipped != null) flipped.row(id, r, charging);
  }

  /** The file's splits, for the rows as declared or with the current negated. */
  List<FileSplit> splits(long fileBytes, boolean flip) {
    if (flip && flipped == null) throw new IllegalStateException("the flipped rows were not replayed");
    Replay r = flip ? flipped : declared;
    int n = cuts.size() + 1;
    List<FileSplit> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      long start = k == 0 ? 0 : cuts.get(k - 1)[0];
      long end = k == n - 1 ? fileBytes : cuts.get(k)[0];
      long before = k == 0 ? 0 : cuts.get(k - 1)[1];
      MappedResume resume = k == 0 ? null : new MappedResume(lastCycles.get(k - 1), r.phases.get(k - 1),
          r.operations.get(k - 1), r.previousTimes.get(k - 1));
      out.add(new FileSplit(k, n, start, end, before, fileBytes, resume));
    }
    return out;
  }

  /** The parse of one sign convention, replayed into nowhere to know its state at each boundary. */
  private static final class Replay {
    private static final RecordSink NOWHERE = new RecordSink() {
      @Override
      public void sample(SampleRecord r) {}

      @Override
      public void impedance(ImpedanceRecord r) {}

      @Override
      public void quarantine(QuarantineRecord r) {}
    };

    final String file;
    final Phases live;
    final OperationSamples samples;
    final Validator validator;
    /** The file's operations with a file-local cycle index (the Validator keys by cell and cycle index). */
    final Map<String, Operation> ops = new HashMap<>();
    final Map<String, Integer> lastSplit = new HashMap<>();
    final List<HashMap<String, int[]>> phases = new ArrayList<>();
    final List<HashMap<String, double[]>> operations = new ArrayList<>();
    final List<HashMap<String, Double>> previousTimes = new ArrayList<>();

    Replay(String source, String file, ValidationRules rules, Phases live) {
      this.file = file;
      this.live = live;
      this.samples = new OperationSamples(file);
      this.validator = new Validator(NOWHERE, rules, source);
    }

    void cut() {
      phases.add(live.snapshot());
      operations.add(new HashMap<>());
      previousTimes.add(new HashMap<>());
    }

    void row(String id, MappedRow r, boolean charging) {
      Operation op = ops.get(id);
      if (op == null) {
        op = new Operation(r.cellId(), ops.size(), charging ? "charge" : "discharge", null, null, null, null, null,
            id, file);
        ops.put(id, op);
      }
      int split = operations.size();
      Integer last = lastSplit.put(id, split);
      if (last != null && last < split) {
        // The operation's first row in this split: its state is what it was at the split's start.
        operations.get(split - 1).put(id, samples.progress(id));
        Double t = validator.previousTime(op.cellId(), op.cycleIndex());
        if (t != null) previousTimes.get(split - 1).put(id, t);
      }
      samples.emit(id, r, op, validator);
    }
  }
}
