package io.cyclelake.ingest.arbin;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SampleRecord;
import io.cyclelake.ingest.SourceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Arbin channel exports (as in CALCE CS2): one folder per cell holding one channel file per test session
 * ({@code *.channel.csv} or {@code .csv.gz}, Arbin's column names) or Arbin's own workbook ({@code *.xlsx}, its first
 * {@code Channel*} sheet, streamed); a session present as both is recognised as a duplicate and read once. Sessions are folded into one cycle count per cell
 * by {@link SessionFolding}; each Arbin cycle becomes two operations, its charge ({@code cycle_index = 2(c − 1)}) and
 * its discharge ({@code 2(c − 1) + 1}), so cycle indices increase across sessions. A sample belongs to the charge when
 * its current is above {@code rest-current-a}, to the discharge when below minus that; a rest sample (smaller
 * current, either sign) to the phase before it (the charge at the start of a cycle). The band matters: CS2's rest
 * rows read ±0.4 mA, and a rest row that flipped the phase by its noise would start the discharge a logging
 * interval early, which coulomb counting then fills with the load current (1.5 mAh too much on CS2). {@code time_s} counts from the start of the step of the operation's first sample (that sample's
 * {@code Test_Time − Step_Time}), so the first sample of a 30 s log sits at up to 30 s. The discharge's {@code capacity_ah} is
 * the increase of Arbin's {@code Discharge_Capacity(Ah)} over the cycle. Arbin files have no temperature.
 *
 * <p>Planning reads every file of the input once on the driver to fold the sessions (per-cycle aggregates only, not
 * the time series); the samples are then parsed in Spark tasks. Because a new or changed session can shift the
 * cycle numbers of later ones, a change to any file of a cell re-reads all files of that cell.
 */
public final class ArbinReader implements SourceReader {
  private static final long serialVersionUID = 1L;

  private final double restCurrentA;

  /** The registry's instance: no rest band (any non-zero current decides the phase) until {@link #configured}. */
  public ArbinReader() {
    this(0);
  }

  private ArbinReader(double restCurrentA) {
    if (!(restCurrentA >= 0)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "cyclelake.ingest.arbin.rest-current-a must be >= 0 A, "
          + "got " + restCurrentA);
    }
    this.restCurrentA = restCurrentA;
  }

  @Override
  public SourceReader configured(Config settings) {
    return settings.hasPath("rest-current-a") ? new ArbinReader(settings.getDouble("rest-current-a")) : this;
  }

  @Override
  public String name() {
    return ArbinChannelFile.SOURCE;
  }

  @Override
  public String description() {
    return "Arbin channel exports (CALCE CS2 layout): <cell>/<session>.channel.csv[.gz]";
  }

  @Override
  public boolean foldsAcrossFiles() {
    return true;
  }

  @Override
  public IngestPlan plan(Path input, Config settings, Set<String> cells) throws IOException {
    String suffix = settings.hasPath("channel-suffix") ? settings.getString("channel-suffix") : ".channel.csv";
    String workbook = settings.hasPath("workbook-suffix") ? settings.getString("workbook-suffix") : ".xlsx";
    Map<String, List<Path>> byCell = new TreeMap<>();
    try (Stream<Path> s = Files.walk(input, 2)) {
      s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(suffix) || p.getFileName().toString().endsWith(suffix + ".gz")
              || !workbook.isEmpty() && p.getFileName().toString().endsWith(workbook))
          .sorted()
          .forEach(p -> byCell.computeIfAbsent(p.getParent().getFileName().toString(), k -> new ArrayList<>()).add(p));
    }
    if (byCell.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no *" + suffix + "[.gz] or *" + workbook + " files in "
          + input
          + " or its sub-folders; --input must be a folder of Arbin channel exports, one sub-folder per cell");
    }
    List<Operation> ops = new ArrayList<>();
    List<InputFile> files = new ArrayList<>();
    List<QuarantineRecord> rejected = new ArrayList<>();
    CycleLakeException firstFailure = null;
    for (var e : byCell.entrySet()) {
      String cell = e.getKey();
      if (!cells.isEmpty() && !cells.contains(cell)) continue;
      List<Session> sessions = new ArrayList<>();
      for (Path p : e.getValue()) {
        try {
          sessions.add(ArbinChannelFile.readSession(p, cell, q -> { }));
        } catch (CycleLakeException x) {
          // A session that cannot be planned (empty, no header, a column missing, not a workbook) is still listed:
          // its parse fails the same way, with file and line, and the manifest records it as failed; the cell's
          // other sessions are ingested.
          if (firstFailure == null) firstFailure = x;
          files.add(new InputFile(p.toString(), "channel"));
        }
      }
      if (sessions.isEmpty()) continue;
      SessionFolding.Result folded = SessionFolding.fold(sessions);
      for (SessionFolding.Placement d : folded.duplicates()) {
        rejected.add(new QuarantineRecord(name(), d.sessionId(), 0, null, null, cell, null, "duplicate-session",
            "the session has the same start time and cycles as " + d.duplicateOf() + "; it is skipped", null));
      }
      for (SessionFolding.Placement p : folded.placements()) {
        if (p.duplicateOf() == null) files.add(new InputFile(p.sessionId(), "channel"));
      }
      for (FoldedCycle c : folded.cycles()) {
        int base = 2 * (c.cycle() - 1);
        // Arbin measures internal resistance per cycle, not per phase: both operations carry the cycle's mean.
        ops.add(new Operation(cell, base, "charge", null, c.start(), c.chargeAh(), null, null,
            opId(c.sessionId(), c.localCycle(), true), c.sessionId(), c.meanInternalResistanceOhm()));
        ops.add(new Operation(cell, base + 1, "discharge", null, null, c.dischargeAh(), null, null,
            opId(c.sessionId(), c.localCycle(), false), c.sessionId(), c.meanInternalResistanceOhm()));
      }
    }
    if (ops.isEmpty() && firstFailure != null) {
      throw new CycleLakeException(firstFailure.code(), "no session could be read; the first error: "
          + firstFailure.getMessage(), firstFailure.where().orElse(null), firstFailure);
    }
    // Each skipped duplicate session counts as one listing row, quarantined, so the line accounting adds up.
    return new IngestPlan(ops, files, rejected, rejected.size());
  }

  /** Seconds between the start of the row's step and the row; 0 when Step_Time is missing or implausible. */
  static double leadIn(ArbinRow row) {
    double st = row.stepTimeS();
    return Double.isFinite(st) && st > 0 && st <= row.testTimeS() ? st : 0;
  }

  static String opId(String session, int localCycle, boolean charge) {
    return session + "#" + localCycle + (charge ? "#charge" : "#discharge");
  }

  @Override
  public void parse(InputFile file, Map<String, Operation> operations, RecordSink sink) throws IOException {
    Path path = Path.of(file.path());
    String cell = path.getParent().getFileName().toString();
    Map<String, double[]> start = new HashMap<>(); // op id -> {first Test_Time, next sample index}
    int[] cycle = {Integer.MIN_VALUE};
    boolean[] charging = {true};
    int[] previousStep = {Integer.MIN_VALUE};
    ArbinChannelFile.read(path, cell, row -> {
      boolean firstOfStep = row.stepIndex() != previousStep[0];
      previousStep[0] = row.stepIndex();
      if (row.cycleIndex() != cycle[0]) {
        cycle[0] = row.cycleIndex();
        charging[0] = true;
      }
      if (row.currentA() > restCurrentA) charging[0] = true;
      if (row.currentA() < -restCurrentA) charging[0] = false;
      String id = opId(file.path(), row.cycleIndex(), charging[0]);
      Operation op = operations.get(id);
      if (op == null) {
        sink.quarantine(new QuarantineRecord(name(), file.path(), row.line(), null, "Cycle_Index", cell,
            null, "unknown-operation", "cycle " + row.cycleIndex() + " of this session was not planned", null));
        return;
      }
      // The operation starts where the step of its first row started: Arbin logs a row only every 30 s, so the
      // first row of a step can come up to 30 s after the step began (its Step_Time says how long after). An
      // operation whose first row is inside a step (a stray reading of the other sign at the end of a CV charge, as in
      // CS2_36's session of 2/3/11) starts at that row: the step's earlier time belongs to the other phase.
      double lead = firstOfStep ? leadIn(row) : 0;
      double[] s = start.computeIfAbsent(id, k -> new double[] {row.testTimeS() - lead, 0});
      sink.sample(new SampleRecord(cell, op.cycleIndex(), op.cycleType(), (int) s[1]++, row.testTimeS() - s[0],
          row.voltageV(), row.currentA(), null, null, null, file.path(), row.line(), row.stepIndex()));
    }, sink::quarantine);
  }
}
