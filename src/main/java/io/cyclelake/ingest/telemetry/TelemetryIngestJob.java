package io.cyclelake.ingest.telemetry;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.FileState;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Manifest;
import io.cyclelake.ingest.QuarantineRecord;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Telemetry ingest: the reader lists the files on the driver, the file manifest ({@code files}, shared with the
 * battery readers) picks the new or changed ones, each is parsed in its own Spark task, and its rows replace the
 * file's previous rows in {@code telemetry_raw} (partitioned by device and day) and {@code quarantine}; the manifest is
 * written last. Per file: lines read = rows accepted + rows quarantined.
 */
public final class TelemetryIngestJob {
  private static final StructType PARSED = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("raw", Tables.TELEMETRY_RAW_SCHEMA, true)
      .add("q", Tables.QUARANTINE_SCHEMA, true);

  private TelemetryIngestJob() {}

  /**
   * What one ingest did (counts of the files read in this run), and what {@code telemetry_raw} holds afterwards for
   * the devices touched: rows, distinct (device, time) samples, and rows that repeat a sample of an overlapping file.
   */
  public record Result(int filesRead, int filesFailed, int filesUnchanged, List<String> filesRemoved, long linesRead,
      long accepted, long quarantined, Set<String> devices, long rawRows, long distinctSamples) {
    public long overlapRows() {
      return rawRows - distinctSamples;
    }
  }

  public static Result run(Lake lake, TelemetryReader reader, Path input, boolean force, Progress progress) {
    SparkSession spark = lake.spark();
    Path in = input.toAbsolutePath().normalize();
    if (!Files.exists(in)) throw new CycleLakeException(ErrorCode.INPUT_MISSING, "input " + in + " does not exist");
    progress.step("planning " + reader.name() + " telemetry ingest of " + in);
    List<InputFile> files;
    Map<String, String> notes;
    try {
      files = reader.plan(in);
      notes = reader.notes(files);
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read " + in + ": " + e.getMessage(), null, e);
    }
    io.cyclelake.ingest.InputPaths.check(in, files.stream().map(InputFile::path).toList());
    Manifest manifest = Manifest.load(lake, reader.name());
    Map<String, FileState> states = new HashMap<>();
    Map<String, String> shas = new HashMap<>();
    List<InputFile> changed = new ArrayList<>();
    for (InputFile f : files) if (force || manifest.changed(f.path(), states, shas)) changed.add(f);
    Set<String> paths = new LinkedHashSet<>();
    files.forEach(f -> paths.add(f.path()));
    List<String> removed = manifest.removedUnder(in.toString(), paths, Set.of());
    int unchanged = files.size() - changed.size();
    progress.done(changed.size() + " of " + files.size() + " files new or changed");
    if (changed.isEmpty()) {
      progress.say("ingest: nothing new under " + in + " (" + unchanged + " files unchanged); no table was written");
      return new Result(0, 0, unchanged, removed, 0, 0, 0, Set.of(), 0, 0);
    }

    progress.step("parsing " + changed.size() + " files in parallel");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = jsc.parallelize(changed, changed.size()).flatMap(parseFile(reader));
    Dataset<Row> parsed = spark.createDataFrame(rows, PARSED).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, long[]> perFile = new HashMap<>(); // path -> {accepted, quarantined}
      Map<String, Set<String>> fileDevices = new HashMap<>();
      Map<String, String> fileErrors = new HashMap<>();
      long accepted = 0;
      long quarantined = 0;
      for (Row r : parsed.groupBy(
              org.apache.spark.sql.functions.coalesce(col("raw.source_file"), col("q.source_file")).as("file"),
              col("kind"),
              org.apache.spark.sql.functions.coalesce(col("raw.device_id"), col("q.cell_id")).as("device"),
              col("q.rule").equalTo("file").as("whole"))
          .agg(count(lit(1)), first(col("q.message"))).collectAsList()) {
        String path = r.getString(0);
        long n = r.getLong(4);
        long[] c = perFile.computeIfAbsent(path, k -> new long[2]);
        if (!r.isNullAt(2)) fileDevices.computeIfAbsent(path, k -> new TreeSet<>()).add(r.getString(2));
        if (r.getString(1).equals("raw")) {
          accepted += n;
          c[0] += n;
        } else if (!r.isNullAt(3) && r.getBoolean(3)) {
          fileErrors.put(path, r.getString(5));
        } else {
          quarantined += n;
          c[1] += n;
        }
      }
      progress.done(String.format("parsed %d rows, %d quarantined%s", accepted, quarantined,
          fileErrors.isEmpty() ? "" : "; " + fileErrors.size() + " files failed"));

      progress.step("writing telemetry_raw, quarantine and the manifest");
      Set<String> changedPaths = new LinkedHashSet<>();
      changed.forEach(f -> changedPaths.add(f.path()));
      lake.replace(parsed.where(col("kind").equalTo("raw")).select("raw.*"), Tables.TELEMETRY_RAW,
          Lake.in("source_file", changedPaths), "device_id", "day");
      lake.replace(parsed.where(col("kind").equalTo("q")).select("q.*"), Tables.QUARANTINE,
          "source = " + Lake.literal(reader.name()) + " AND " + Lake.in("source_file", changedPaths));
      Timestamp now = Timestamp.from(Instant.now());
      List<Row> entries = new ArrayList<>();
      Set<String> devices = new TreeSet<>();
      for (String p : changedPaths) {
        long[] c = perFile.getOrDefault(p, new long[2]);
        String err = fileErrors.get(p);
        String note = notes.get(p);
        Set<String> d = fileDevices.getOrDefault(p, Set.of());
        devices.addAll(d);
        devices.addAll(manifest.cells(p));
        entries.add(manifest.entry(p, "telemetry", states, shas, d, err == null ? "ok" : "failed", c[0] + c[1], c[0],
            c[1], err != null ? err : note == null ? null : "note: " + note, now));
      }
      lake.replace(spark.createDataFrame(entries, Tables.FILES_SCHEMA), Tables.FILES,
          "source = " + Lake.literal(reader.name()) + " AND " + Lake.in("path", changedPaths));
      Row totals = lake.read(Tables.TELEMETRY_RAW, "ingest --source " + reader.name())
          .where(Lake.in("device_id", devices))
          .agg(count(lit(1)), countDistinct(col("device_id"), col("ts"))).first();
      progress.done("replaced the rows of " + changedPaths.size() + " files; manifest updated");
      return new Result(changed.size(), fileErrors.size(), unchanged, removed, accepted + quarantined, accepted,
          quarantined, devices, totals.getLong(0), totals.getLong(1));
    } finally {
      parsed.unpersist();
    }
  }

  private static FlatMapFunction<InputFile, Row> parseFile(TelemetryReader reader) {
    // Streamed through a bounded queue: a task's memory does not grow with the size of its log file.
    return file -> io.cyclelake.ingest.StreamedRows.<Row>inTask("cyclelake-parse " + file.path(),
        out -> parseInto(reader, file, out));
  }

  private static void parseInto(TelemetryReader reader, InputFile file, java.util.function.Consumer<Row> out) {
    TelemetrySink sink = new TelemetrySink() {
      @Override
      public void sample(TelemetrySample s) {
        out.accept(RowFactory.create("raw", rawRow(s), null));
      }

      @Override
      public void quarantine(QuarantineRecord r) {
        out.accept(RowFactory.create("q", null, RowFactory.create(r.source(), r.sourceFile(), r.sourceLine(),
            r.column(), r.columnName(), r.cellId(), r.cycleIndex(), r.rule(), r.message(), r.raw())));
      }
    };
    try {
      reader.parse(file, sink);
    } catch (CycleLakeException | IOException | UncheckedIOException e) {
      String msg = e instanceof CycleLakeException ? e.getMessage() : file.path() + ": " + e;
      sink.quarantine(new QuarantineRecord(reader.name(), file.path(), 0, null, null, null, null, "file",
          "the file could not be read to its end: " + msg, null));
    }
  }

  /** A {@code telemetry_raw} row. */
  public static Row rawRow(TelemetrySample s) {
    Object[] v = new Object[Tables.TELEMETRY_RAW_SCHEMA.size()];
    Instant t = Instant.ofEpochSecond(Math.floorDiv(s.epochMicros(), 1_000_000L),
        Math.floorMod(s.epochMicros(), 1_000_000L) * 1000);
    v[0] = s.deviceId();
    v[1] = Date.valueOf(LocalDate.ofInstant(t, ZoneOffset.UTC));
    v[2] = Timestamp.from(t);
    for (int k = 0; k < s.channels().length; k++) v[3 + k] = Double.isNaN(s.channels()[k]) ? null : s.channels()[k];
    v[3 + s.channels().length] = s.sourceFile();
    v[4 + s.channels().length] = s.sourceLine();
    return RowFactory.create(v);
  }
}
