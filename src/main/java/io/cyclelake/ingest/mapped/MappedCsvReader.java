package io.cyclelake.ingest.mapped;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.FileSplit;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.SplitPolicy;
import io.cyclelake.ingest.parquet.ParquetLines;
import io.cyclelake.ingest.mapped.CsvMapping.Column;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A reader of CSV time series described by a {@link CsvMapping}; the {@code mapped}, {@code battery-archive} and
 * {@code bdf} readers differ only in where their mapping comes from.
 *
 * <p>Operations: the rows of each cell are split into cycles and phases by {@link Phases}. Per cell, the cycles are
 * numbered in the order of its files (sorted by path) and of their first row within a file, and cycle {@code r}
 * (0-based) becomes the charge {@code cycle_index = 2r} and the discharge {@code 2r + 1}; a phase without rows is not
 * listed. {@code time_s} counts from the operation's first row. An operation's {@code capacity_ah} is the increase of
 * the file's charge (for a charge) or discharge (for a discharge) capacity column over the operation, when mapped;
 * its {@code start_time} is the first row's {@code unix-time}/{@code datetime}; its ambient temperature the first
 * row's {@code ambient-temperature}.
 *
 * <p>Current sign: the mapping declares it, and {@link SignCheck} tests the declaration against the voltage slope of
 * every file. A file that contradicts it is, by {@link CsvMapping#onSignMismatch()}, recorded as failed with the
 * evidence (default), ingested with its current negated, or ingested as declared.
 *
 * <p>Planning reads every file once on the driver (per-operation aggregates only, not the time series); the samples
 * are parsed in Spark tasks. {@code --cells} selects files: a file holding several cells is ingested whole when one
 * of them is selected.
 */
public abstract class MappedCsvReader implements SourceReader {
  private static final long serialVersionUID = 1L;

  /** InputFile kinds: as declared, current negated, or failed for its sign (the message follows the prefix). */
  static final String KIND_CSV = "csv";
  static final String KIND_FLIPPED = "csv-current-negated";
  static final String KIND_SIGN_MISMATCH = "sign-mismatch:";

  /** The mapping this instance parses with; null on the registry's unconfigured instance. */
  protected final CsvMapping mapping;

  protected MappedCsvReader(CsvMapping mapping) {
    this.mapping = mapping;
  }

  /** The mapping the reader's settings ({@code cyclelake.ingest.<name>}) describe. */
  protected abstract CsvMapping bind(Config settings);

  /** The same reader with {@code m}. */
  protected abstract MappedCsvReader with(CsvMapping m);

  @Override
  public SourceReader configured(Config settings) {
    return with(bind(settings));
  }

  @Override
  public boolean foldsAcrossFiles() {
    return true;
  }

  public CsvMapping mapping() {
    return mapping;
  }

  @Override
  public IngestPlan plan(Path input, Config settings, Set<String> cells) throws IOException {
    return plan(input, settings, cells, SplitPolicy.NONE);
  }

  /**
   * Plans as {@link #plan(Path, Config, Set)}; an uncompressed CSV file larger than {@code split} is cut into
   * byte-range splits while it is scanned ({@link SplitPlanner} records what each split starts from).
   */
  @Override
  public IngestPlan plan(Path input, Config settings, Set<String> cells, SplitPolicy split) throws IOException {
    CsvMapping m = mapping != null ? mapping : bind(settings);
    List<Path> files = list(input, m);
    if (files.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no files matching '" + m.files() + "' in " + input
          + " or its sub-folders (" + m.label() + ")");
    }
    Map<String, List<FileOps>> byCell = new java.util.TreeMap<>();
    List<InputFile> planned = new ArrayList<>();
    CycleLakeException firstFailure = null;
    Map<String, String> notes = new HashMap<>();
    Map<String, List<FileSplit>> splits = new HashMap<>();
    for (Path f : files) {
      FileScan s;
      try {
        s = scan(f, m, split);
      } catch (CycleLakeException e) {
        // The file is still planned: its parse fails the same way and the manifest records it as failed.
        if (firstFailure == null) firstFailure = e;
        planned.add(new InputFile(f.toString(), KIND_CSV));
        continue;
      }
      if (!cells.isEmpty() && s.cells().stream().noneMatch(cells::contains)) continue;
      if (s.signMismatch() && m.onSignMismatch() == CsvMapping.SignPolicy.FAIL) {
        planned.add(new InputFile(f.toString(), KIND_SIGN_MISMATCH + "the current sign contradicts the voltage: "
            + s.evidence() + ". " + m.label() + " declares the current "
            + (m.chargePositive() ? "positive" : "negative") + " while charging; if the file says the opposite, set "
            + "current-sign accordingly, or on-sign-mismatch = flip to negate it"));
        continue;
      }
      boolean flip = s.signMismatch() && m.onSignMismatch() == CsvMapping.SignPolicy.FLIP;
      if (s.signMismatch()) {
        notes.put(f.toString(), (flip ? "current negated: " : "current kept as declared (on-sign-mismatch = keep) "
            + "although ") + s.evidence());
      }
      planned.add(new InputFile(f.toString(), flip ? KIND_FLIPPED : KIND_CSV));
      if (s.cuts() != null) {
        List<FileSplit> parts = s.cuts().splits(s.bytes(), flip);
        if (parts.size() > 1) splits.put(f.toString(), parts);
      }
      for (OpAgg a : (flip ? s.flipped : s.declared).values()) {
        byCell.computeIfAbsent(a.cell, k -> new ArrayList<>()).add(new FileOps(f.toString(), a));
      }
    }
    List<Operation> ops = new ArrayList<>();
    for (var e : byCell.entrySet()) {
      Map<String, Integer> rank = new HashMap<>();
      for (FileOps fo : e.getValue()) {
        OpAgg a = fo.agg;
        int r = rank.computeIfAbsent(fo.file + "#" + a.key, k -> rank.size());
        Double cap = a.qMax >= a.qMin ? a.qMax - a.qMin : null;
        ops.add(new Operation(a.cell, 2 * r + (a.charge ? 0 : 1), a.charge ? "charge" : "discharge", a.ambient,
            a.startEpoch == null ? null : Instant.ofEpochMilli(Math.round(a.startEpoch * 1000)), cap, null, null,
            Phases.opId(fo.file, a.cell, a.key, a.charge), fo.file));
      }
    }
    if (ops.isEmpty() && firstFailure != null) {
      throw new CycleLakeException(firstFailure.code(), "no file could be read; the first error: "
          + firstFailure.getMessage(), firstFailure.where().orElse(null), firstFailure);
    }
    return new IngestPlan(ops, planned, List.<QuarantineRecord>of(), 0, notes, splits);
  }

  @Override
  public void parse(InputFile file, Map<String, Operation> operations, RecordSink sink) throws IOException {
    parse(file, null, operations, sink);
  }

  /**
   * Parses a whole file ({@code split} null) or one of its splits: a split starts from the state planning recorded
   * at its first line ({@link MappedResume}), so it gives the records the whole file's parse gives for its lines.
   */
  @Override
  public void parse(InputFile file, FileSplit split, Map<String, Operation> operations, RecordSink sink)
      throws IOException {
    if (mapping == null) {
      throw new IllegalStateException("the " + name() + " reader has no mapping: use configured(settings) first");
    }
    Path path = Path.of(file.path());
    if (file.kind().startsWith(KIND_SIGN_MISMATCH)) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, file.kind().substring(KIND_SIGN_MISMATCH.length()),
          new SourceLocation(file.path(), 0, 0, mapping.columns().get(Column.CURRENT).header()), null);
    }
    boolean flip = file.kind().equals(KIND_FLIPPED);
    String fileCell = mapping.has(Column.CELL) ? null : MappedCsvFile.cellOfFile(path, mapping);
    Phases phases = new Phases(file.path());
    OperationSamples samples = new OperationSamples(file.path());
    MappedResume resume = split == null ? null : (MappedResume) split.resume();
    if (resume != null) {
      phases.restore(resume.phases());
      resume.operations().forEach(samples::resume);
      resume.previousTimes().forEach((id, t) -> {
        Operation op = operations.get(id);
        if (op != null) sink.resume(op.cellId(), op.cycleIndex(), t);
      });
    }
    java.util.function.Consumer<MappedRow> rows = row -> {
      MappedRow r = flip ? row.flipped() : row;
      String id = phases.assign(r);
      Operation op = operations.get(id);
      if (op == null) {
        sink.quarantine(new QuarantineRecord(name(), file.path(), r.line(), null, null, r.cellId(), null,
            "unknown-operation", "the row's operation (" + id + ") was not planned; the file changed during the"
            + " ingest?", null));
        return;
      }
      samples.emit(id, r, op, sink);
    };
    if (split == null) {
      MappedCsvFile.read(path, mapping, name(), fileCell, rows, sink::quarantine);
    } else {
      MappedCsvFile.read(path, mapping, name(), fileCell, split, resume == null ? null : resume.lastCycle(), rows,
          sink::quarantine);
    }
  }

  /** The files under {@code input} matching the mapping's glob (relative to {@code input}, or on the file name). */
  static List<Path> list(Path input, CsvMapping m) throws IOException {
    if (Files.isRegularFile(input)) return List.of(input);
    PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + m.files());
    boolean onName = !m.files().contains("/");
    try (Stream<Path> s = Files.walk(input)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> glob.matches(onName ? p.getFileName() : input.relativize(p)))
          .sorted().toList();
    }
  }

  /** What planning learns from one file. */
  private record FileOps(String file, OpAgg agg) {}

  /** One operation's aggregates while planning. */
  private static final class OpAgg {
    final String cell;
    final int key;
    final boolean charge;
    Double startEpoch;
    Double ambient;
    double qMin = Double.POSITIVE_INFINITY;
    double qMax = Double.NEGATIVE_INFINITY;

    OpAgg(String cell, int key, boolean charge) {
      this.cell = cell;
      this.key = key;
      this.charge = charge;
    }

    void add(MappedRow r) {
      if (startEpoch == null) startEpoch = r.epochSeconds();
      if (ambient == null) ambient = r.ambientTemperatureC();
      Double q = charge ? r.chargeCapacityAh() : r.dischargeCapacityAh();
      if (q != null) {
        qMin = Math.min(qMin, q);
        qMax = Math.max(qMax, q);
      }
    }
  }

  /** @param cuts the file's splits, when it is large enough to be cut (else null); @param bytes its size */
  private record FileScan(Map<String, OpAgg> declared, Map<String, OpAgg> flipped, Set<String> cells,
      SignCheck sign, SplitPlanner cuts, long bytes) {
    boolean signMismatch() {
      return sign.mismatch();
    }

    String evidence() {
      return sign.evidence();
    }
  }

  /**
   * Reads a whole file into per-operation aggregates, under the declared sign and under the opposite one; cuts an
   * uncompressed CSV larger than {@code split} into splits on the way.
   */
  private FileScan scan(Path f, CsvMapping m, SplitPolicy split) throws IOException {
    String fileCell = m.has(Column.CELL) ? null : MappedCsvFile.cellOfFile(f, m);
    Map<String, OpAgg> declared = new LinkedHashMap<>();
    Map<String, OpAgg> flipped = new LinkedHashMap<>();
    Phases pd = new Phases(f.toString());
    Phases pf = new Phases(f.toString());
    SignCheck sign = new SignCheck();
    Set<String> cells = new TreeSet<>();
    long bytes = Files.size(f);
    String name = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    SplitPlanner cuts = split.splits(bytes) && !name.endsWith(".gz") && !ParquetLines.isParquet(f)
        ? new SplitPlanner(name(), f.toString(), split.splitBytes(), split.rules(), pd,
            m.onSignMismatch() == CsvMapping.SignPolicy.FLIP ? pf : null)
        : null;
    java.util.function.Consumer<MappedRow> rows = r -> {
      cells.add(r.cellId());
      sign.accept(r);
      String id = pd.assign(r);
      declared.computeIfAbsent(id, k -> new OpAgg(r.cellId(), pd.key(r.cellId()), pd.charging(r.cellId()))).add(r);
      MappedRow x = r.flipped();
      String idf = pf.assign(x);
      flipped.computeIfAbsent(idf, k -> new OpAgg(x.cellId(), pf.key(x.cellId()), pf.charging(x.cellId()))).add(x);
      if (cuts != null) {
        cuts.declared(id, r, pd.charging(r.cellId()));
        cuts.flipped(idf, x, pf.charging(x.cellId()));
      }
    };
    boolean whole = true;
    try {
      if (cuts == null) {
        MappedCsvFile.read(f, m, name(), fileCell, rows, q -> { });
      } else {
        MappedCsvFile.read(f, m, name(), fileCell, cuts, rows, q -> { });
      }
    } catch (CycleLakeException e) {
      // A file that breaks off keeps the rows before the break; its parse records the failure (in one task).
      if (!io.cyclelake.ingest.TextInput.isReadBreak(e)) throw e;
      whole = false;
    }
    return new FileScan(declared, flipped, cells, sign, whole ? cuts : null, bytes);
  }
}
