package io.cyclelake.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.ConcurrentCommits;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingest: a reader plans on the driver, each raw file is parsed in its own Spark task, and the results replace the
 * ingested cells' rows in {@code timeseries}, {@code impedance}, {@code quarantine} and {@code cycles}. Each table is
 * written in one Delta transaction, so a rerun on the same input leaves every table as it was.
 */
public final class IngestJob {
  private static final StructType PARSED = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("ts", Tables.TIMESERIES_SCHEMA, true)
      .add("imp", Tables.IMPEDANCE_SCHEMA, true)
      .add("q", Tables.QUARANTINE_SCHEMA, true);

  private IngestJob() {}

  /**
   * What one ingest did. Counts are of the files read in this run (unchanged files are skipped): lines read =
   * samples + impedance points + quarantined + listing rows.
   */
  public record Result(int operations, Set<String> cells, int files, long linesRead, long samples,
      long impedancePoints, long quarantined, int filesChanged, int filesUnchanged, int filesFailed,
      List<String> filesRemoved, int parseTasks) {}

  /**
   * Ingests the files under {@code input} that are new or changed since the manifest last saw them (all of them with
   * {@code force}). A changed file's rows replace its previous rows; with nothing new, no table is written.
   */
  public static Result run(Lake lake, SourceReader reader, Path input, Config readerSettings, Set<String> cells,
      boolean force, Progress progress) {
    return run(lake, reader, input, readerSettings, cells, force, ValidationRules.defaults(), progress);
  }

  /**
   * As {@link #run(Lake, SourceReader, Path, Config, Set, boolean, Progress)}, with the samples checked against
   * {@code rules} in the parsing tasks: a sample that breaks one is quarantined with the rule's name.
   */
  public static Result run(Lake lake, SourceReader reader, Path input, Config readerSettings, Set<String> cells,
      boolean force, ValidationRules rules, Progress progress) {
    return run(lake, reader, input, readerSettings, cells, force, rules, defaultSplitBytes(), progress);
  }

  /** {@code cyclelake.ingest.split-bytes} of reference.conf. */
  public static long defaultSplitBytes() {
    return com.typesafe.config.ConfigFactory.defaultReference().getBytes("cyclelake.ingest.split-bytes");
  }

  /**
   * As {@link #run(Lake, SourceReader, Path, Config, Set, boolean, ValidationRules, Progress)}, with the files larger
   * than {@code splitBytes} (0 = none) that the reader can cut parsed as several byte-range splits, each its own Spark
   * task ({@link SplitPolicy}). The tables, line numbers and manifest are those of the unsplit ingest; a file is one
   * manifest entry, failed when any of its splits fails.
   */
  public static Result run(Lake lake, SourceReader reader, Path input, Config readerSettings, Set<String> cells,
      boolean force, ValidationRules rules, long splitBytes, Progress progress) {
    SplitPolicy split = new SplitPolicy(splitBytes, rules);
    return ConcurrentCommits.retry(lake, "ingest", "reading the manifest again", "every Delta commit is whole, "
        + "and the manifest of a file is written only after its rows, so run the ingest again: it reads the files not "
        + "recorded as ok and replaces their rows", progress::say,
        () -> runOnce(lake, reader, input, readerSettings, cells, force, rules, split, progress));
  }

  /** The Delta concurrent-modification exception in {@code e}'s causes, or null. */
  static Throwable concurrentCommit(Throwable e) {
    return ConcurrentCommits.find(e);
  }

  /**
   * What planning and the manifest found before anything is read: the plan, the files that must be read and those
   * that are unchanged or gone.
   */
  private record Changes(IngestPlan plan, Map<String, Operation> ops, Set<String> planCells,
      Set<String> listingPaths, Map<String, FileState> states, Map<String, String> shas, List<InputFile> changed,
      boolean listingChanged, List<String> removed, int unchanged) {
    boolean nothingNew() {
      return changed.isEmpty() && !listingChanged;
    }

    Result nothingNewResult() {
      return new Result(0, planCells, 0, 0, 0, 0, 0, 0, unchanged, 0, removed, 0);
    }
  }

  /**
   * The ingest's answer when nothing under {@code input} is new or changed, decided without Spark from the lake's
   * plain-text copy of the manifest ({@link ManifestSnapshot}); empty when the copy cannot decide (no copy, a commit
   * to {@code files} since it was written, a lake not on the local file system, {@code force}) or when files must be
   * read: then run the ingest.
   */
  public static java.util.Optional<Result> nothingNew(String lakeRoot, SourceReader reader, Path input,
      Config readerSettings, Set<String> cells, boolean force, Progress progress) {
    if (force) return java.util.Optional.empty();
    java.util.Optional<Manifest> manifest = ManifestSnapshot.read(lakeRoot, reader.name());
    if (manifest.isEmpty()) return java.util.Optional.empty();
    Path in = input.toAbsolutePath().normalize();
    if (!Files.exists(in)) return java.util.Optional.empty(); // the ingest says so
    // Planning lines are shown only when this decides; otherwise the ingest plans again and says so itself.
    java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
    Changes c;
    try {
      c = changes(reader.configured(readerSettings), in, readerSettings, cells, false, SplitPolicy.NONE,
          manifest.get(),
          new Progress(new java.io.PrintStream(lines, true, java.nio.charset.StandardCharsets.UTF_8)));
    } catch (CycleLakeException e) {
      return java.util.Optional.empty(); // the ingest reports it the same way, with Spark up
    }
    if (!c.nothingNew()) return java.util.Optional.empty();
    lines.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(progress::say);
    progress.say("ingest: nothing new under " + in + " (" + c.unchanged() + " files unchanged, checked against the "
        + "manifest's copy); no table was written, Spark was not started");
    return java.util.Optional.of(c.nothingNewResult());
  }

  private static Changes changes(SourceReader reader, Path in, Config readerSettings, Set<String> cells,
      boolean force, SplitPolicy split, Manifest manifest, Progress progress) {
    progress.step("planning " + reader.name() + " ingest of " + in);
    IngestPlan plan;
    try {
      plan = reader.plan(in, readerSettings, cells, split);
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read " + in + ": " + e.getMessage(), null, e);
    }
    Set<String> planCells = new TreeSet<>();
    Map<String, Operation> ops = new HashMap<>();
    for (Operation op : plan.operations()) {
      planCells.add(op.cellId());
      Operation previous = ops.put(op.sourceOperationId(), op);
      if (previous != null) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "operation id " + op.sourceOperationId()
            + " is listed twice (cells " + previous.cellId() + " and " + op.cellId() + ") in " + op.sourceFile());
      }
    }
    if (planCells.isEmpty()) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "no operations found in " + in
          + (cells.isEmpty() ? "" : " for cells " + cells));
    }
    Set<String> dataPaths = new LinkedHashSet<>();
    plan.files().forEach(f -> dataPaths.add(f.path()));
    Set<String> listingPaths = new LinkedHashSet<>();
    plan.operations().forEach(o -> listingPaths.add(o.sourceFile()));
    plan.quarantined().forEach(q -> listingPaths.add(q.sourceFile()));
    listingPaths.removeAll(dataPaths);
    Set<String> allPaths = new LinkedHashSet<>(dataPaths);
    allPaths.addAll(listingPaths);
    InputPaths.check(in, allPaths);
    Map<String, FileState> states = new HashMap<>();
    Map<String, String> shas = new HashMap<>();
    List<InputFile> changedFirst = new ArrayList<>();
    for (InputFile f : plan.files()) {
      if (force || manifest.changed(f.path(), states, shas)) changedFirst.add(f);
    }
    List<InputFile> changed = changedFirst;
    if (reader.foldsAcrossFiles() && !changed.isEmpty()) {
      Map<String, Set<String>> fileCells = new HashMap<>();
      plan.operations().forEach(o -> fileCells.computeIfAbsent(o.sourceFile(), k -> new TreeSet<>()).add(o.cellId()));
      Set<String> touched = new TreeSet<>();
      changedFirst.forEach(f -> {
        touched.addAll(fileCells.getOrDefault(f.path(), Set.of()));
        touched.addAll(manifest.cells(f.path()));
      });
      changed = plan.files().stream().filter(f -> changedFirst.contains(f)
          || fileCells.getOrDefault(f.path(), Set.of()).stream().anyMatch(touched::contains)).toList();
    }
    boolean listingChanged = force;
    for (String l : listingPaths) listingChanged |= manifest.changed(l, states, shas);
    List<String> removed = manifest.removedUnder(in.toString(), dataPaths, listingPaths);
    int unchanged = plan.files().size() - changed.size();
    progress.done(String.format("planned %d operations of %d cells; %d of %d files new or changed%s%s",
        ops.size(), planCells.size(), changed.size(), plan.files().size(),
        listingChanged ? ", listing changed" : "",
        removed.isEmpty() ? "" : "; " + removed.size() + " files in the manifest are gone (their rows are kept)"));
    return new Changes(plan, ops, planCells, listingPaths, states, shas, changed, listingChanged, removed, unchanged);
  }

  private static Result runOnce(Lake lake, SourceReader reader, Path input, Config readerSettings, Set<String> cells,
      boolean force, ValidationRules rules, SplitPolicy split, Progress progress) {
    SparkSession spark = lake.spark();
    reader = reader.configured(readerSettings);
    Path in = input.toAbsolutePath().normalize();
    if (!Files.exists(in)) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "input " + in + " does not exist");
    }
    Manifest manifest = Manifest.load(lake, reader.name());
    Changes found = changes(reader, in, readerSettings, cells, force, split, manifest, progress);
    IngestPlan plan = found.plan();
    Map<String, Operation> ops = found.ops();
    Set<String> planCells = found.planCells();
    Set<String> listingPaths = found.listingPaths();
    Map<String, FileState> states = found.states();
    Map<String, String> shas = found.shas();
    List<InputFile> changed = found.changed();
    boolean listingChanged = found.listingChanged();
    List<String> removed = found.removed();
    int unchanged = found.unchanged();
    if (found.nothingNew()) {
      progress.say("ingest: nothing new under " + in + " (" + unchanged + " files unchanged); no table was written");
      ManifestSnapshot.write(lake, reader.name());
      return found.nothingNewResult();
    }

    // Each file's state (and SHA-256) before it is read: the manifest records these, and a file whose size or time
    // differs after the parse changed while it was read (see below).
    for (InputFile f : changed) {
      try {
        FileState st = states.containsKey(f.path()) ? states.get(f.path()) : FileState.of(f.path());
        states.put(f.path(), st);
        if (!shas.containsKey(f.path())) shas.put(f.path(), st.sha256());
      } catch (IOException e) {
        // gone or unreadable: the parse records why
      }
    }
    // One task per file, or per split of a file the plan cut (a split's failure fails its file: the file-level
    // quarantine row of any split makes the manifest say failed, as for an unsplit file).
    List<ParseTask> tasks = new ArrayList<>();
    int splitFiles = 0;
    for (InputFile f : changed) {
      List<FileSplit> parts = plan.splits().get(f.path());
      if (parts == null) {
        tasks.add(new ParseTask(f, null));
      } else {
        splitFiles++;
        parts.forEach(p -> tasks.add(new ParseTask(f, p)));
      }
    }
    progress.step("parsing " + changed.size() + " files in parallel, " + tasks.size() + " tasks"
        + (splitFiles == 0 ? "" : " (" + splitFiles + " files cut into splits of about "
            + split.splitBytes() + " bytes, cyclelake.ingest.split-bytes)"));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Map<String, Operation>> opsBc = jsc.broadcast(ops);
    JavaRDD<Row> rows = jsc.parallelize(tasks, Math.max(1, tasks.size())).flatMap(parseFile(reader, opsBc, rules));
    Dataset<Row> parsed = spark.createDataFrame(rows, PARSED).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, long[]> perFile = new HashMap<>(); // path -> {samples+points, quarantined, whole-file failures}
      Map<String, Set<String>> fileCells = new HashMap<>();
      Map<String, String> fileErrors = new HashMap<>();
      long samples = 0;
      long points = 0;
      long quarantinedRows = 0;
      Column file = coalesce(col("ts.source_file"), col("imp.source_file"), col("q.source_file"));
      Column cell = coalesce(col("ts.cell_id"), col("imp.cell_id"), col("q.cell_id"));
      for (Row r : parsed.groupBy(file.as("file"), col("kind"), cell.as("cell"),
          col("q.rule").equalTo("file").as("whole")).agg(count(lit(1)), first(col("q.message"))).collectAsList()) {
        String path = r.getString(0);
        String kind = r.getString(1);
        long n = r.getLong(4);
        long[] c = perFile.computeIfAbsent(path, k -> new long[3]);
        if (!r.isNullAt(2)) fileCells.computeIfAbsent(path, k -> new TreeSet<>()).add(r.getString(2));
        switch (kind) {
          case "ts" -> {
            samples += n;
            c[0] += n;
          }
          case "imp" -> {
            points += n;
            c[0] += n;
          }
          default -> {
            if (!r.isNullAt(3) && r.getBoolean(3)) {
              c[2] += n;
              fileErrors.put(path, r.getString(5));
            } else {
              quarantinedRows += n;
              c[1] += n;
            }
          }
        }
      }
      for (InputFile f : changed) {
        String why = changedWhileRead(states.get(f.path()), f.path());
        if (why != null) fileErrors.merge(f.path(), why, (a, b) -> a + "; " + b);
      }
      long quarantined = quarantinedRows + (listingChanged ? plan.quarantined().size() : 0);
      progress.done(String.format("parsed %d samples, %d impedance points, %d quarantined rows%s", samples, points,
          quarantined, fileErrors.isEmpty() ? "" : "; " + fileErrors.size() + " files failed"));

      progress.step("writing Delta tables");
      Set<String> changedPaths = new LinkedHashSet<>();
      changed.forEach(f -> changedPaths.add(f.path()));
      Set<String> affected = new TreeSet<>();
      fileCells.values().forEach(affected::addAll);
      changedPaths.forEach(pth -> affected.addAll(manifest.cells(pth)));
      if (listingChanged) affected.addAll(planCells);
      affected.retainAll(planCells);
      Set<String> qFiles = new LinkedHashSet<>(changedPaths);
      if (listingChanged) qFiles.addAll(listingPaths);

      Dataset<Row> ts = parsed.where(col("kind").equalTo("ts")).select("ts.*");
      Dataset<Row> imp = parsed.where(col("kind").equalTo("imp")).select("imp.*");
      Dataset<Row> q = parsed.where(col("kind").equalTo("q")).select("q.*")
          .unionByName(spark.createDataFrame(toRows(listingChanged ? plan.quarantined() : List.of()),
              Tables.QUARANTINE_SCHEMA));
      if (!changedPaths.isEmpty()) {
        lake.replace(ts, Tables.TIMESERIES, Lake.in("source_file", changedPaths), "cell_id");
        lake.replace(imp, Tables.IMPEDANCE, Lake.in("source_file", changedPaths));
      }
      lake.replace(q, Tables.QUARANTINE,
          "source = " + Lake.literal(reader.name()) + " AND " + Lake.in("source_file", qFiles));
      List<Operation> affectedOps = plan.operations().stream().filter(o -> affected.contains(o.cellId())).toList();
      lake.replace(cycles(lake, reader.name(), affectedOps), Tables.CYCLES, Lake.in("cell_id", affected));
      // Features of a cell whose samples were replaced are stale: drop them, and `features` computes them again.
      for (String derived : Tables.DERIVED_PER_CELL) {
        if (lake.exists(derived)) {
          io.delta.tables.DeltaTable.forPath(spark, lake.path(derived)).delete(Lake.in("cell_id", affected));
        }
      }

      // The manifest goes last: a crash before it leaves the files "changed", and the rerun replaces their rows.
      Timestamp now = Timestamp.from(java.time.Instant.now());
      List<Row> entries = new ArrayList<>();
      for (String pth : changedPaths) {
        long[] c = perFile.getOrDefault(pth, new long[3]);
        String err = fileErrors.get(pth);
        String note = plan.notes().get(pth);
        entries.add(manifest.entry(pth, "data", states, shas, fileCells.get(pth), err == null ? "ok" : "failed",
            c[0] + c[1], c[0], c[1], err != null ? err : note == null ? null : "note: " + note, now));
      }
      if (listingChanged) {
        for (String l : listingPaths) {
          long accepted = plan.operations().stream().filter(o -> o.sourceFile().equals(l)).count();
          long rejected = plan.quarantined().stream().filter(x -> x.sourceFile().equals(l)).count();
          Set<String> lc = new TreeSet<>();
          plan.operations().stream().filter(o -> o.sourceFile().equals(l)).forEach(o -> lc.add(o.cellId()));
          entries.add(manifest.entry(l, "listing", states, shas, lc, "ok", accepted + rejected, accepted, rejected,
              null, now));
        }
      }
      Set<String> entryPaths = new LinkedHashSet<>(changedPaths);
      if (listingChanged) entryPaths.addAll(listingPaths);
      lake.replace(spark.createDataFrame(entries, Tables.FILES_SCHEMA), Tables.FILES,
          "source = " + Lake.literal(reader.name()) + " AND " + Lake.in("path", entryPaths));
      ManifestSnapshot.write(lake, reader.name());
      progress.done("replaced the rows of " + changedPaths.size() + " files; cycles of " + affected.size()
          + " cells; manifest updated");
      long listingLines = listingChanged ? plan.listingLines() : 0;
      return new Result(listingChanged ? ops.size() : affectedOps.size(), planCells, changed.size(),
          listingLines + samples + points + quarantinedRows, samples, points, quarantined, changed.size(), unchanged,
          fileErrors.size(), removed, tasks.size());
    } finally {
      parsed.unpersist();
      opsBc.destroy();
    }
  }

  /**
   * Why a file's rows cannot be trusted because it changed while it was read (size or modification time differ from
   * before the parse), or null. Its rows are written as read, and the manifest records it as failed, so the next
   * ingest reads it again and replaces them.
   */
  static String changedWhileRead(FileState before, String path) {
    if (before == null) return null;
    FileState after;
    try {
      after = FileState.of(path);
    } catch (IOException e) {
      return "the file vanished while it was read (" + e + "); the next ingest reads it again";
    }
    if (after.sizeBytes() == before.sizeBytes() && after.modifiedAt().equals(before.modifiedAt())) return null;
    return "the file changed while it was read (size " + before.sizeBytes() + " -> " + after.sizeBytes()
        + " bytes, modified " + before.modifiedAt() + " -> " + after.modifiedAt() + "); its rows may mix both "
        + "versions, so it is recorded as failed and the next ingest reads it again";
  }

  /** The cycles rows of {@code operations}, with sample counts from the lake's tables as they are now. */
  private static Dataset<Row> cycles(Lake lake, String source, List<Operation> operations) {
    SparkSession spark = lake.spark();
    List<Row> opRows = new ArrayList<>(operations.size());
    Set<String> cells = new TreeSet<>();
    for (Operation o : operations) {
      cells.add(o.cellId());
      opRows.add(RowFactory.create(o.cellId(), o.cycleIndex(), o.cycleType(), o.ambientTemperatureC(),
          o.startTime() == null ? null : Timestamp.from(o.startTime()), o.capacityAh(), o.reOhm(), o.rctOhm(),
          o.internalResistanceOhm(), source, o.sourceOperationId(), o.sourceFile()));
    }
    StructType opSchema = new StructType()
        .add("cell_id", DataTypes.StringType).add("cycle_index", DataTypes.IntegerType)
        .add("cycle_type", DataTypes.StringType).add("ambient_temperature_c", DataTypes.DoubleType)
        .add("start_time", DataTypes.TimestampType).add("capacity_ah", DataTypes.DoubleType)
        .add("re_ohm", DataTypes.DoubleType).add("rct_ohm", DataTypes.DoubleType)
        .add("internal_resistance_ohm", DataTypes.DoubleType)
        .add("source", DataTypes.StringType).add("source_operation_id", DataTypes.StringType)
        .add("source_file", DataTypes.StringType);
    Dataset<Row> base = spark.createDataFrame(opRows, opSchema);
    Column mine = col("cell_id").isin(cells.toArray());
    Dataset<Row> tsStats = lake.readOrEmpty(Tables.TIMESERIES, Tables.TIMESERIES_SCHEMA).where(mine).groupBy("cell_id", "cycle_index")
        .agg(count(lit(1)).as("ts_n"), max("time_s").minus(min("time_s")).as("duration_s"));
    Dataset<Row> impStats = lake.readOrEmpty(Tables.IMPEDANCE, Tables.IMPEDANCE_SCHEMA).where(mine).groupBy("cell_id", "cycle_index")
        .agg(count(lit(1)).as("imp_n"));
    Dataset<Row> qStats = lake.read(Tables.QUARANTINE, "ingest").where(mine.and(col("cycle_index").isNotNull()))
        .groupBy("cell_id", "cycle_index").agg(count(lit(1)).as("n_quarantined"));
    Dataset<Row> joined = base.join(tsStats, Lake.CELL_CYCLE, "left")
        .join(impStats, Lake.CELL_CYCLE, "left")
        .join(qStats, Lake.CELL_CYCLE, "left")
        .withColumn("n_samples", coalesce(col("ts_n"), col("imp_n"), lit(0L)))
        .withColumn("n_quarantined", coalesce(col("n_quarantined"), lit(0L)));
    return lake.conform(joined, Tables.CYCLES_SCHEMA);
  }

  /** A file, or one split of it (null: the whole file), parsed by one Spark task. */
  private record ParseTask(InputFile file, FileSplit split) implements java.io.Serializable {}

  private static FlatMapFunction<ParseTask, Row> parseFile(SourceReader reader,
      Broadcast<Map<String, Operation>> ops, ValidationRules rules) {
    // The file's rows stream out of the parser through a bounded queue (StreamedRows), so a task's memory does not
    // grow with the size of the file it reads.
    return task -> {
      Map<String, Operation> operations = ops.value(); // in the task's thread: broadcast reads belong to the task
      return StreamedRows.<Row>inTask("cyclelake-parse " + task.file().path()
          + (task.split() == null ? "" : " " + task.split().label()),
          out -> parseInto(reader, operations, rules, task.file(), task.split(), out));
    };
  }

  private static void parseInto(SourceReader reader, Map<String, Operation> ops, ValidationRules rules,
      InputFile file, FileSplit split, java.util.function.Consumer<Row> out) {
    RecordSink rows = new RecordSink() {
      @Override
      public void sample(SampleRecord r) {
        out.accept(RowFactory.create("ts", RowFactory.create(r.cellId(), r.cycleIndex(), r.cycleType(),
            r.sampleIndex(), r.stepIndex(), r.timeS(), r.voltageV(), r.currentA(), r.temperatureC(), r.instrumentCurrentA(),
            r.instrumentVoltageV(), r.sourceFile(), r.sourceLine()), null, null));
      }

      @Override
      public void impedance(ImpedanceRecord r) {
        Object[] v = new Object[5 + ImpedanceRecord.PARTS];
        v[0] = r.cellId();
        v[1] = r.cycleIndex();
        v[2] = r.pointIndex();
        System.arraycopy(r.parts(), 0, v, 3, ImpedanceRecord.PARTS);
        v[3 + ImpedanceRecord.PARTS] = r.sourceFile();
        v[4 + ImpedanceRecord.PARTS] = r.sourceLine();
        out.accept(RowFactory.create("imp", null, RowFactory.create(v), null));
      }

      @Override
      public void quarantine(QuarantineRecord r) {
        out.accept(RowFactory.create("q", null, null, quarantineRow(r)));
      }
    };
    RecordSink sink = new Validator(rows, rules, reader.name());
    try {
      reader.parse(file, split, ops, sink);
    } catch (CycleLakeException | IOException | UncheckedIOException e) {
      // A file that cannot be read to its end is quarantined as a whole (with the lines read before the
      // failure kept), so one bad file does not stop the ingest of the others.
      String msg = e instanceof CycleLakeException ? e.getMessage() : file.path() + ": " + e;
      sink.quarantine(new QuarantineRecord(reader.name(), file.path(), 0, null, null, null, null, "file",
          "the file could not be read to its end: " + msg, null));
    }
  }

  private static Row quarantineRow(QuarantineRecord r) {
    return RowFactory.create(r.source(), r.sourceFile(), r.sourceLine(), r.column(), r.columnName(), r.cellId(),
        r.cycleIndex(), r.rule(), r.message(), r.raw());
  }

  private static List<Row> toRows(List<QuarantineRecord> records) {
    List<Row> out = new ArrayList<>(records.size());
    records.forEach(r -> out.add(quarantineRow(r)));
    return out;
  }
}
