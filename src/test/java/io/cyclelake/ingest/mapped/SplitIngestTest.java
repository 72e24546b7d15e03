package io.cyclelake.ingest.mapped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import io.cyclelake.ingest.FileSplit;
import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.InputFile;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.RecordSink;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.ingest.SplitPolicy;
import io.cyclelake.ingest.ValidationRules;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.schema.Tables;
import io.cyclelake.testkit.CollectingSink;
import io.cyclelake.testkit.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ~2 MB generated BatteryArchive CSV ingested whole (one task) and cut into 64 KB splits (one task each) gives the
 * same {@code timeseries}, {@code cycles}, {@code quarantine} and {@code files} rows; bad lines planted on both sides
 * of split boundaries (each rule that looks at the lines before: time order, duplicate time, max gap, cycle order)
 * are quarantined with their exact line numbers, and bad lines in the last split as well. A failure in one split
 * fails its file as a whole.
 */
class SplitIngestTest {
  static final long SPLIT = 64 * 1024;
  static final String HEADER = BatteryArchiveIngestTest.HEADER;
  static final ValidationRules RULES = new ValidationRules(true, -1, 10, -1000, 1000, -60, 150, true, true, true,
      List.of(), 60);

  @TempDir static Path dir;
  static Path data;
  static Path file;
  static Config settings;
  static IngestJob.Result whole;
  static IngestJob.Result split;
  static Lake wholeLake;
  static Lake splitLake;
  static int stageTasks;
  /** 1-based line -> the rule planted there. */
  static final Map<Long, String> planted = new TreeMap<>();
  static List<Long> boundaryStarts;
  static long nonBlankDataLines;

  /** One data line; every field has a fixed width, so planted values keep the byte layout. */
  static String line(double t, int cycle, double i, double v, double qc, double qd) {
    String date = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .format(java.time.Instant.ofEpochSecond(1767225600L + (long) t).atZone(java.time.ZoneOffset.UTC));
    return String.format(Locale.ROOT, "%s,%.3f,%d,%.6f,%.6f,%.9f,%.9f,%.6f,%.6f,%.2f,%.2f", date, t, cycle, i, v,
        qc, qd, qc * 3.7, qd * 3.6, 23.0, 25.0 + (i > 0 ? 1 : 2));
  }

  static String[] fields(String l) {
    return l.split(",", -1);
  }

  @BeforeAll
  static void setUp() throws IOException {
    List<String> lines = new ArrayList<>();
    double t = 100000;
    double qc = 0;
    double qd = 0;
    for (int c = 10; c < 26; c++) {
      for (int k = 0; k < 300; k++) {
        qc += 10 / 3600.0;
        lines.add(line(t += 10, c, 1, 3.6 + 0.5 * k / 300, qc, qd));
      }
      for (int k = 0; k < 5; k++) lines.add(line(t += 10, c, 0, 4.1, qc, qd));
      for (int k = 0; k < 300; k++) {
        qd += 10 / 3600.0;
        lines.add(line(t += 10, c, -1, 4.1 - 0.6 * k / 300, qc, qd));
      }
      for (int k = 0; k < 5; k++) lines.add(line(t += 10, c, 0, 3.5, qc, qd));
    }
    // Where the splits start (data index of each split's first line), as planning places them.
    List<Integer> first = boundaries(lines);
    assertTrue(first.size() >= 8, "the file is cut into enough splits: " + first.size());
    // Planted on both sides of boundaries, without changing any line's length (so the boundaries stay).
    int b = next(lines, first, 0);
    set(lines, b - 1, 4, "bad-volt", "number");                       // last line of a split: text in Voltage
    b = next(lines, first, b);
    set(lines, b, 4, "12.70000", "voltage-range");                   // first line of a split
    b = next(lines, first, b);
    set(lines, b, 1, time(lines, b - 1, -20), "time-monotonic");      // earlier than the line before the boundary
    b = next(lines, first, b);
    set(lines, b - 1, 1, time(lines, b - 2, 1000), "max-gap");        // a gap just before the boundary ...
    planted.put((long) b + 2, "time-monotonic");                     // ... is the reference after it
    b = next(lines, first, b);
    set(lines, b, 2, String.valueOf(Integer.parseInt(fields(lines.get(b))[2]) - 1), "cycle-order");
    b = next(lines, first, b);
    set(lines, b, 1, fields(lines.get(b - 1))[1], "duplicate-time");  // same time as the line before the boundary
    // In the last split: text in Current, a blank line, a short last line without a line break.
    int n = lines.size();
    String[] f = fields(lines.get(n - 20));
    f[3] = "x";
    lines.set(n - 20, String.join(",", f));
    planted.put((long) n - 20 + 2, "number");
    lines.add(n - 10, "");
    String last = lines.get(n);
    lines.set(n, last.substring(0, last.lastIndexOf(',')));
    planted.put((long) n + 2, "field-count");
    assertEquals(first, boundaries(lines), "the planted values kept every boundary");
    nonBlankDataLines = lines.size() - 1;

    data = dir.resolve("ba");
    Files.createDirectories(data);
    file = data.resolve("SPLIT1_timeseries.csv");
    Files.writeString(file, HEADER + "\n" + String.join("\n", lines), StandardCharsets.UTF_8); // no final break
    boundaryStarts = new ArrayList<>();
    List<Long> starts = starts(lines);
    for (int k : first) boundaryStarts.add(starts.get(k));

    settings = TestSpark.config().getConfig("cyclelake.ingest.battery-archive");
    wholeLake = new Lake(TestSpark.get(), dir.resolve("whole").toString());
    splitLake = new Lake(TestSpark.get(), dir.resolve("split").toString());
    whole = IngestJob.run(wholeLake, SourceReaders.byName("battery-archive"), data, settings, Set.of(), false, RULES,
        0, Progress.quiet());
    AtomicInteger tasks = new AtomicInteger();
    SparkListener parseStages = new SparkListener() {
      @Override
      public void onStageCompleted(SparkListenerStageCompleted e) {
        boolean parse = scala.collection.JavaConverters.seqAsJavaListConverter(e.stageInfo().rddInfos()).asJava().stream()
            .anyMatch(r -> r.name().equals("ParallelCollectionRDD") && r.callSite().contains("IngestJob"));
        if (parse) tasks.accumulateAndGet(e.stageInfo().numTasks(), Math::max);
      }
    };
    TestSpark.get().sparkContext().addSparkListener(parseStages);
    try {
      split = IngestJob.run(splitLake, SourceReaders.byName("battery-archive"), data, settings, Set.of(), false, RULES,
          SPLIT, Progress.quiet());
      long until = System.nanoTime() + 20_000_000_000L; // the listener bus is asynchronous
      while (tasks.get() < split.parseTasks() && System.nanoTime() < until) Thread.onSpinWait();
    } finally {
      TestSpark.get().sparkContext().removeSparkListener(parseStages);
    }
    stageTasks = tasks.get();
  }

  /** Byte offset of each data line (the file is ASCII). */
  static List<Long> starts(List<String> lines) {
    List<Long> out = new ArrayList<>();
    long off = HEADER.length() + 1;
    for (String l : lines) {
      out.add(off);
      off += l.length() + 1;
    }
    return out;
  }

  /** Data indexes of the lines that start splits 1, 2, ...: the first line starting at or after k * SPLIT. */
  static List<Integer> boundaries(List<String> lines) {
    List<Integer> out = new ArrayList<>();
    long nextCut = SPLIT;
    List<Long> starts = starts(lines);
    for (int i = 0; i < lines.size(); i++) {
      if (starts.get(i) >= nextCut) {
        out.add(i);
        nextCut = (starts.get(i) / SPLIT + 1) * SPLIT;
      }
    }
    return out;
  }

  /** The first boundary after data index {@code after} whose line and the one before are in one operation. */
  static int next(List<String> lines, List<Integer> first, int after) {
    for (int k : first) {
      if (k <= after + 2) continue;
      String[] a = fields(lines.get(k - 2));
      String[] p = fields(lines.get(k - 1));
      String[] c = fields(lines.get(k));
      if (a[2].equals(c[2]) && a[3].equals(c[3]) && p[3].equals(c[3]) && !c[3].startsWith("0")) return k;
    }
    throw new AssertionError("no boundary inside an operation after " + after);
  }

  static String time(List<String> lines, int i, double delta) {
    return String.format(Locale.ROOT, "%.3f", Double.parseDouble(fields(lines.get(i))[1]) + delta);
  }

  static void set(List<String> lines, int i, int field, String value, String rule) {
    String[] f = fields(lines.get(i));
    assertEquals(f[field].length(), value.length(), "a planted value keeps the line's length");
    f[field] = value;
    lines.set(i, String.join(",", f));
    planted.put((long) i + 2, rule);
  }

  @Test
  void planCutsTheFileAtLineStartsWithTheirLineNumbers() throws IOException {
    SourceReader reader = SourceReaders.byName("battery-archive").configured(settings);
    IngestPlan plan = reader.plan(data, settings, Set.of(), new SplitPolicy(SPLIT, RULES));
    List<FileSplit> parts = plan.splits().get(file.toString());
    assertNotNull(parts, "the file is split");
    assertEquals(boundaryStarts.size() + 1, parts.size());
    for (int k = 1; k < parts.size(); k++) {
      assertEquals(boundaryStarts.get(k - 1), parts.get(k).startByte(), "split " + k);
      assertEquals(parts.get(k - 1).endByte(), parts.get(k).startByte());
    }
    assertEquals(Files.size(file), parts.get(parts.size() - 1).endByte());
    assertTrue(reader.plan(data, settings, Set.of(), SplitPolicy.NONE).splits().isEmpty());
    assertTrue(reader.plan(data, settings, Set.of(), new SplitPolicy(Files.size(file), RULES)).splits().isEmpty(),
        "a file of exactly split-bytes is not cut");
    CycleLakeException negative = assertThrows(CycleLakeException.class, () -> new SplitPolicy(-1, RULES));
    assertEquals(ErrorCode.CONFIG_INVALID, negative.code());
    assertTrue(negative.getMessage().contains("cyclelake.ingest.split-bytes"), negative.getMessage());
  }

  @Test
  void oneTaskPerSplit() {
    assertEquals(1, whole.parseTasks());
    assertEquals(boundaryStarts.size() + 1, split.parseTasks());
    assertTrue(split.parseTasks() > 1);
    assertEquals(split.parseTasks(), stageTasks, "Spark ran the parse stage with one task per split");
  }

  /** The same rows, as many times each (compared on the driver: the tables are small, and Spark jobs are slow). */
  static void assertSameRows(Dataset<Row> a, Dataset<Row> b, String what) {
    List<String> x = new ArrayList<>(a.collectAsList().stream().map(Row::toString).toList());
    List<String> y = new ArrayList<>(b.collectAsList().stream().map(Row::toString).toList());
    java.util.Collections.sort(x);
    java.util.Collections.sort(y);
    assertEquals(x.size(), y.size(), what + " rows");
    for (int i = 0; i < x.size(); i++) assertEquals(x.get(i), y.get(i), what + ": sorted row " + i);
  }

  @Test
  void splitIngestEqualsUnsplitIngestRowForRow() {
    assertTrue(whole.samples() > 9_000, "samples: " + whole.samples());
    assertSameRows(wholeLake.read(Tables.TIMESERIES, "ingest"), splitLake.read(Tables.TIMESERIES, "ingest"),
        "timeseries");
    assertSameRows(wholeLake.read(Tables.CYCLES, "ingest"), splitLake.read(Tables.CYCLES, "ingest"), "cycles");
    assertSameRows(wholeLake.read(Tables.QUARANTINE, "ingest"), splitLake.read(Tables.QUARANTINE, "ingest"),
        "quarantine");
    assertSameRows(wholeLake.read(Tables.FILES, "ingest").drop("ingested_at"),
        splitLake.read(Tables.FILES, "ingest").drop("ingested_at"), "files");
    assertEquals(whole.samples(), split.samples());
    assertEquals(whole.quarantined(), split.quarantined());
    assertEquals(whole.linesRead(), split.linesRead());
  }

  @Test
  void rowsReadAreAcceptedPlusQuarantinedInOneManifestEntry() {
    List<Row> files = splitLake.read(Tables.FILES, "ingest").collectAsList();
    assertEquals(1, files.size(), "a split file is one manifest entry");
    Row f = files.get(0);
    assertEquals("ok", f.getAs("status"));
    assertEquals(nonBlankDataLines, (long) f.getAs("rows_read"));
    assertEquals((long) f.getAs("rows_read"), (long) f.<Long>getAs("rows_accepted") + f.<Long>getAs("rows_quarantined"));
    assertEquals(split.samples(), (long) f.getAs("rows_accepted"));
  }

  @Test
  void plantedLinesAroundBoundariesCarryTheirLineNumbers() {
    Map<Long, String> got = new TreeMap<>();
    for (Row r : splitLake.read(Tables.QUARANTINE, "ingest").collectAsList()) {
      got.put(r.getAs("source_line"), r.getAs("rule"));
    }
    for (var e : planted.entrySet()) {
      assertEquals(e.getValue(), got.get(e.getKey()), "line " + e.getKey() + " (quarantine " + got + ")");
    }
    // The gap's sample is the time reference after the boundary: the operation's next ~100 samples go back in time.
    assertTrue(got.values().stream().filter("time-monotonic"::equals).count() > 90, got.toString());
  }

  @Test
  void aSplitOfAFileThatChangedSincePlanningFails() throws IOException {
    Path other = dir.resolve("changed").resolve("SPLIT2_timeseries.csv");
    Files.createDirectories(other.getParent());
    Files.copy(file, other);
    SourceReader reader = SourceReaders.byName("battery-archive").configured(settings);
    IngestPlan plan = reader.plan(other.getParent(), settings, Set.of(), new SplitPolicy(SPLIT, RULES));
    Files.writeString(other, "\n" + Files.readAllLines(other).get(1), StandardOpenOption.APPEND);
    FileSplit second = plan.splits().get(other.toString()).get(1);
    CycleLakeException e = assertThrows(CycleLakeException.class, () -> reader.parse(plan.files().get(0), second,
        CollectingSink.byId(plan), new CollectingSink()));
    assertEquals(ErrorCode.INPUT_MALFORMED, e.code());
    assertTrue(e.getMessage().contains("changed after it was planned"), e.getMessage());
    assertEquals(second.linesBefore() + 1, e.where().orElseThrow().line());
  }

  /** battery-archive, but the last split of a file fails after its rows (as a read error there would). */
  static final class FailingLastSplit implements SourceReader {
    private static final long serialVersionUID = 1L;
    private final SourceReader inner;

    FailingLastSplit(SourceReader inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return "battery-archive";
    }

    @Override
    public String description() {
      return "test";
    }

    @Override
    public IngestPlan plan(Path input, Config s, Set<String> cells) throws IOException {
      return inner.plan(input, s, cells);
    }

    @Override
    public IngestPlan plan(Path input, Config s, Set<String> cells, SplitPolicy p) throws IOException {
      return inner.plan(input, s, cells, p);
    }

    @Override
    public void parse(InputFile f, Map<String, Operation> ops, RecordSink sink) throws IOException {
      inner.parse(f, ops, sink);
    }

    @Override
    public void parse(InputFile f, FileSplit s, Map<String, Operation> ops, RecordSink sink) throws IOException {
      inner.parse(f, s, ops, sink);
      if (s != null && s.index() == s.count() - 1) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "planted failure in " + s.label(),
            new SourceLocation(f.path(), s.linesBefore() + 1, 0, null), null);
      }
    }

    @Override
    public boolean foldsAcrossFiles() {
      return inner.foldsAcrossFiles();
    }

    @Override
    public SourceReader configured(Config s) {
      return new FailingLastSplit(inner.configured(s));
    }
  }

  @Test
  void aFailureInTheLastSplitFailsTheWholeFile() throws IOException {
    // The first 2,000 data lines (about 250 KB, 4 splits) are enough, and keep the extra ingest short.
    Path in = dir.resolve("failing-in");
    Files.createDirectories(in);
    List<String> head = Files.readAllLines(file).subList(0, 2001);
    Files.writeString(in.resolve("SPLIT3_timeseries.csv"), String.join("\n", head) + "\n");
    Lake lake = new Lake(TestSpark.get(), dir.resolve("failing").toString());
    IngestJob.Result r = IngestJob.run(lake, new FailingLastSplit(SourceReaders.byName("battery-archive")), in,
        settings, Set.of(), false, RULES, SPLIT, Progress.quiet());
    assertTrue(r.parseTasks() > 1, "tasks: " + r.parseTasks());
    assertEquals(1, r.filesFailed());
    List<Row> files = lake.read(Tables.FILES, "ingest").collectAsList();
    assertEquals(1, files.size(), "one manifest entry for the file");
    Row f = files.get(0);
    assertEquals("failed", f.getAs("status"));
    assertTrue(f.<String>getAs("error").contains("planted failure in split " + r.parseTasks() + " of "
        + r.parseTasks()), f.<String>getAs("error"));
    assertEquals(1, lake.read(Tables.QUARANTINE, "ingest").where("rule = 'file'").count());
    // The rows of every split are kept and counted, as an unsplit file keeps the rows before its failure.
    assertEquals(2000L, (long) f.getAs("rows_read"));
    assertEquals(2000L, (long) f.<Long>getAs("rows_accepted") + f.<Long>getAs("rows_quarantined"));
  }
}
