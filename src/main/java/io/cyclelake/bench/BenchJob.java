package io.cyclelake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.features.FeaturesJob;
import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.IngestPlan;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.ValidationRules;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.model.sequence.SequenceBench;
import io.cyclelake.schema.Tables;
import io.cyclelake.sweep.SweepJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The end-to-end benchmark in this JVM's Spark session: runs the configured stages (ingest, features, a LOCO sweep,
 * LSTM epochs) on a workload, each pass on a fresh lake, {@code repeat} times, and measures each stage with a
 * {@link StageMeter}. With {@code incremental}, it also times ingest + features on the workload minus its last cell,
 * then again with nothing new, then with that cell added. Settings: {@code cyclelake.bench}.
 */
public final class BenchJob {
  private BenchJob() {}

  public static final List<String> STAGES = List.of("ingest", "features", "sweep", "lstm");

  /** {@code cyclelake.bench}, bound once. */
  public record Settings(List<String> stages, Path workDir, String replicaSuffix, int slowestSparkStages,
      boolean keepLakes, Config synthetic, Config sweep, int sweepCells, int lstmCells, String lstmModel,
      int lstmEpochs) {
    public static Settings of(Config bench) {
      List<String> stages = bench.getStringList("stages");
      for (String s : stages) {
        if (!STAGES.contains(s)) {
          throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "bench.stages: unknown stage '" + s + "'; known: "
              + STAGES + " (" + bench.getValue("stages").origin().description() + ")");
        }
      }
      if (stages.isEmpty()) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "bench.stages is empty; give some of " + STAGES);
      }
      int lstmEpochs = bench.getInt("lstm.epochs");
      if (lstmEpochs < 1) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "bench.lstm.epochs must be >= 1, got " + lstmEpochs);
      }
      return new Settings(List.copyOf(stages), Path.of(bench.getString("work-dir")).toAbsolutePath().normalize(),
          bench.getString("replica-suffix"), bench.getInt("slowest-spark-stages"), bench.getBoolean("keep-lakes"),
          bench.getConfig("synthetic"), bench.getConfig("sweep").withoutPath("cell-count"),
          bench.getInt("sweep.cell-count"), bench.getInt("lstm.cell-count"), bench.getString("lstm.model"),
          lstmEpochs);
    }
  }

  /**
   * What is ingested: {@code reader} on {@code input} (a replica root when the reader is a {@link ReplicatedReader}).
   *
   * @param description one line for the report, e.g. {@code nasa x16 (../shared/data/nasa-pcoe)}
   */
  public record Workload(String description, SourceReader reader, Path input, Config readerSettings,
      int copies) {}

  /** One stage of one pass. {@code wallSeconds} is the stage's figure (for lstm: the mean timed epoch). */
  public record StageResult(String stage, double wallSeconds, long rows, long cycles, StageMeter.Measure measure,
      Map<String, Object> detail) {
    public double rowsPerSecond() {
      return rows / wallSeconds;
    }

    public double cyclesPerSecond() {
      return cycles / wallSeconds;
    }
  }

  /** One pass over some stages on one lake. */
  public record Pass(String label, String lake, List<StageResult> stages) {
    public StageResult stage(String name) {
      return stages.stream().filter(s -> s.stage().equals(name)).findFirst().orElse(null);
    }
  }

  /**
   * @param runs the full passes, one per repeat
   * @param incremental per repeat: first (without {@code heldOutCell}), nothing new, one new cell; empty when not asked
   */
  public record Result(String workload, String master, int parallelism, List<String> stages, List<Pass> runs,
      List<List<Pass>> incremental, String heldOutCell) {}

  /** Runs the benchmark; lakes go under {@code <work-dir>/lakes/<master>/}, which is emptied first. */
  public static Result run(SparkSession spark, Config config, Settings s, Workload w, int repeat, boolean incremental,
      Progress progress) {
    if (repeat < 1) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--repeat must be >= 1, got " + repeat);
    }
    String master = spark.sparkContext().master();
    Path lakes = s.workDir().resolve("lakes").resolve(master.replaceAll("[^A-Za-z0-9]+", "-"));
    deleteTree(lakes);
    StageMeter meter = new StageMeter(spark.sparkContext(), s.slowestSparkStages());
    List<Pass> runs = new ArrayList<>();
    for (int k = 1; k <= repeat; k++) {
      Lake lake = new Lake(spark, lakes.resolve("run-" + k).toString());
      progress.say("bench: run " + k + "/" + repeat + " of " + s.stages() + " on " + w.description() + " at "
          + master + " (lake " + lake.root() + ")");
      runs.add(pass("run " + k, lake, config, s, w, s.stages(), Set.of(), meter, progress));
      if (!s.keepLakes()) deleteTree(Path.of(lake.root()));
    }
    List<List<Pass>> inc = new ArrayList<>();
    String heldOut = null;
    if (incremental) {
      List<String> cells = new ArrayList<>(workloadCells(w));
      if (cells.size() < 2) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--incremental needs a workload of at least 2 cells; "
            + w.description() + " has " + cells);
      }
      heldOut = cells.get(cells.size() - 1);
      Set<String> first = new TreeSet<>(cells.subList(0, cells.size() - 1));
      List<String> stages = s.stages().stream().filter(x -> x.equals("ingest") || x.equals("features")).toList();
      if (stages.isEmpty()) stages = List.of("ingest", "features");
      for (int k = 1; k <= repeat; k++) {
        Lake lake = new Lake(spark, lakes.resolve("incremental-" + k).toString());
        progress.say("bench: incremental " + k + "/" + repeat + ": " + stages + " without " + heldOut
            + ", again with nothing new, then with " + heldOut + " added (lake " + lake.root() + ")");
        List<Pass> triple = new ArrayList<>();
        triple.add(pass("first (without " + heldOut + ")", lake, config, s, w, stages, first, meter, progress));
        triple.add(pass("nothing new", lake, config, s, w, stages, first, meter, progress));
        triple.add(pass("one new cell (" + heldOut + ")", lake, config, s, w, stages, Set.of(), meter, progress));
        inc.add(triple);
        if (!s.keepLakes()) deleteTree(Path.of(lake.root()));
      }
    }
    return new Result(w.description(), master, spark.sparkContext().defaultParallelism(), s.stages(), runs, inc,
        heldOut);
  }

  /** The workload's cells as its reader plans them, sorted by replica, then id. */
  static List<String> workloadCells(Workload w) {
    try {
      IngestPlan plan = w.reader().configured(w.readerSettings()).plan(w.input(), w.readerSettings(), Set.of());
      Set<String> cells = new LinkedHashSet<>();
      for (Operation o : plan.operations()) cells.add(o.cellId());
      List<String> out = new ArrayList<>(cells);
      out.sort(byReplica(w));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Comparator<String> byReplica(Workload w) {
    return Comparator.<String>comparingInt(c -> replicaOf(w, c)).thenComparing(Comparator.naturalOrder());
  }

  private static int replicaOf(Workload w, String cell) {
    if (w.reader() instanceof ReplicatedReader r) {
      for (int k = 1; k <= r.copies(); k++) if (cell.endsWith(r.suffix(k))) return k;
    }
    return 0;
  }

  private static Pass pass(String label, Lake lake, Config config, Settings s, Workload w, List<String> stages,
      Set<String> cells, StageMeter meter, Progress progress) {
    List<StageResult> out = new ArrayList<>();
    for (String stage : stages) {
      progress.say("bench: " + label + ": " + stage);
      StageResult r = switch (stage) {
        case "ingest" -> ingest(lake, config, w, cells, meter, progress);
        case "features" -> features(lake, config, meter, progress);
        case "sweep" -> sweep(lake, config, s, w, meter, progress);
        case "lstm" -> lstm(lake, config, s, w, meter, progress);
        default -> throw new IllegalStateException(stage);
      };
      progress.say(String.format(Locale.ROOT, "bench: %s: %s %.2f s, %d rows (%.0f rows/s), %d cycles (%.1f "
              + "cycles/s), peak heap %d MB, load %.2f -> %.2f", label, stage, r.wallSeconds(), r.rows(),
          r.rowsPerSecond(), r.cycles(), r.cyclesPerSecond(), r.measure().peakHeapBytes() >> 20,
          r.measure().loadBefore(), r.measure().loadAfter()));
      out.add(r);
    }
    return new Pass(label, lake.root(), out);
  }

  private static StageResult ingest(Lake lake, Config config, Workload w, Set<String> cells, StageMeter meter,
      Progress progress) {
    meter.start();
    IngestJob.Result r = IngestJob.run(lake, w.reader(), w.input(), w.readerSettings(), cells, false,
        ValidationRules.from(config), config.getBytes("cyclelake.ingest.split-bytes"), progress);
    StageMeter.Measure m = meter.stop();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("samples", r.samples());
    d.put("impedance_points", r.impedancePoints());
    d.put("quarantined", r.quarantined());
    d.put("files_read", r.filesChanged());
    d.put("files_unchanged", r.filesUnchanged());
    d.put("cells", r.cells().size());
    return new StageResult("ingest", m.wallSeconds(), r.linesRead(), r.operations(), m, d);
  }

  private static StageResult features(Lake lake, Config config, StageMeter meter, Progress progress) {
    long before = summarySamples(lake);
    meter.start();
    FeaturesJob.Result r = FeaturesJob.run(lake, config, progress);
    StageMeter.Measure m = meter.stop();
    long rows = summarySamples(lake) - before;
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("ica_cycles", r.icaCycles());
    return new StageResult("features", m.wallSeconds(), rows, r.cycles(), m, d);
  }

  /** Samples behind the rows of features_summary (its n_samples summed). */
  private static long summarySamples(Lake lake) {
    if (!lake.exists(Tables.FEATURES_SUMMARY)) return 0;
    Row r = lake.read(Tables.FEATURES_SUMMARY, "features").agg(sum(col("n_samples"))).first();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  private static StageResult sweep(Lake lake, Config config, Settings s, Workload w, StageMeter meter,
      Progress progress) {
    List<String> cells = pickCells(lake, w, s.sweepCells(), "sweep");
    Config sweep = s.sweep().withoutPath("validation-cells")
        .withValue("cells", ConfigValueFactory.fromIterable(cells))
        .withFallback(config.getConfig("cyclelake.sweep"));
    Config c = config.withValue("cyclelake.sweep", sweep.root())
        .withValue("cyclelake.split." + sweep.getString("split") + ".validation-cells",
            ConfigValueFactory.fromAnyRef(s.sweep().getInt("validation-cells")));
    meter.start();
    SweepJob.Result r = SweepJob.run(lake, c, progress);
    StageMeter.Measure m = meter.stop();
    Row n = lake.read(Tables.PREDICTIONS, "sweep").where(col("run_id").startsWith(r.sweepId()))
        .agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
            countDistinct(col("cell_id"), col("cycle_index"))).first();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("cells", cells);
    d.put("tasks", r.tasks());
    d.put("failed_tasks", r.failed());
    d.put("sweep_id", r.sweepId());
    d.put("rows_note", "rows = predictions over all tasks (each task fits and predicts its fold); cycles = labelled "
        + "discharges");
    if (r.failed() > 0) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "bench sweep " + r.sweepId() + ": " + r.failed() + " of "
          + r.tasks() + " tasks failed; see `cyclelake sql \"select run_id, error from runs where sweep_id = '"
          + r.sweepId() + "'\"` on " + lake.root());
    }
    return new StageResult("sweep", m.wallSeconds(), n.getLong(0), n.getLong(1), m, d);
  }

  private static StageResult lstm(Lake lake, Config config, Settings s, Workload w, StageMeter meter,
      Progress progress) {
    List<String> cells = pickCells(lake, w, s.lstmCells(), "lstm");
    meter.start();
    SequenceBench.Result r = SequenceBench.run(lake, config, cells, s.lstmModel(), s.lstmEpochs(), progress);
    StageMeter.Measure m = meter.stop();
    progress.say("    " + SequenceBench.format(r));
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("cells", cells);
    d.put("model", r.model());
    d.put("epochs", r.epochs());
    d.put("first_epoch_seconds", r.firstEpochSeconds());
    d.put("stage_seconds", m.wallSeconds());
    d.put("sequences_per_second", r.sequencesPerSecond());
    d.put("steps", r.steps());
    d.put("channels", r.channels());
    d.put("rows_note", "wall = mean epoch after the first (" + (r.epochs() > 1 ? "epochs 2.." + r.epochs()
        : "only one epoch: the first") + "); rows = sequences x steps, cycles = sequences");
    return new StageResult("lstm", r.meanEpochSeconds(), (long) r.sequences() * r.steps(), r.sequences(), m, d);
  }

  /**
   * The first {@code n} cells (first replica first, then by id) that have charges and discharges with samples: the
   * NASA export gives B0005, B0006, B0007, B0018 for 4.
   */
  static List<String> pickCells(Lake lake, Workload w, int n, String stage) {
    List<String> all = new ArrayList<>();
    for (Row r : lake.read(Tables.CYCLES, "ingest").where(col("n_samples").gt(0)
            .and(col("cycle_type").isin("charge", "discharge")))
        .groupBy("cell_id").agg(countDistinct(col("cycle_type")).as("types")).where(col("types").equalTo(2))
        .select("cell_id").collectAsList()) {
      all.add(r.getString(0));
    }
    all.sort(byReplica(w));
    if (all.size() < n) {
      throw new CycleLakeException(ErrorCode.NO_TRAINING_DATA, "bench " + stage + " needs " + n + " cells with "
          + "charges and discharges; the lake has " + all.size() + " " + all + "; run the ingest stage first or "
          + "lower bench." + stage + ".cell-count");
    }
    return List.copyOf(all.subList(0, n));
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
