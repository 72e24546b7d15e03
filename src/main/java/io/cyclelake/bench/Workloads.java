package io.cyclelake.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.Operation;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.jobs.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the benchmark's workloads: an input as is, K replicas of it, or a generated synthetic fleet. */
public final class Workloads {
  private Workloads() {}

  private static final Pattern SYNTHETIC = Pattern.compile("(\\d+)x(\\d+)x(\\d+)");

  /** {@code CELLSxCYCLESxSAMPLES} of {@code --synthetic}; SAMPLES is the mean number of samples per operation. */
  public record SyntheticSize(int cells, int cycles, int samplesPerOperation) {
    public static SyntheticSize parse(String s) {
      Matcher m = SYNTHETIC.matcher(s.strip());
      if (!m.matches()) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--synthetic must be CELLSxCYCLESxSAMPLES (e.g. "
            + "6x200x500: 6 cells, 200 cycles each, about 500 samples per charge or discharge), got '" + s + "'");
      }
      int samples = Integer.parseInt(m.group(3));
      if (samples < 2) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "--synthetic: SAMPLES must be >= 2, got " + samples);
      }
      return new SyntheticSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), samples);
    }

    @Override
    public String toString() {
      return cells + "x" + cycles + "x" + samplesPerOperation;
    }
  }

  /**
   * {@code input} read by {@code source}, as is ({@code copies} = 0) or as {@code copies} replicas (links under
   * {@code <work-dir>/replicas/<input name>-x<copies>}).
   */
  public static BenchJob.Workload real(Config config, BenchJob.Settings s, String source, Path input, int copies,
      Progress progress) {
    Path in = input.toAbsolutePath().normalize();
    if (!Files.isDirectory(in)) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "bench input " + in + " is not a folder (--input or "
          + "cyclelake.bench.input)");
    }
    SourceReader reader = SourceReaders.byName(source);
    Config settings = readerSettings(config, source);
    if (copies == 0) return new BenchJob.Workload(source + " (" + in + ")", reader, in, settings, 1);
    ReplicatedReader rep = new ReplicatedReader(reader, copies, s.replicaSuffix());
    Path root = s.workDir().resolve("replicas").resolve(in.getFileName() + "-x" + copies);
    progress.step("linking " + copies + " replicas of " + in + " under " + root);
    try {
      Set<String> cells = new TreeSet<>();
      for (Operation o : reader.configured(settings).plan(in, settings, Set.of()).operations()) cells.add(o.cellId());
      rep.prepare(in, root, cells);
      progress.done(cells.size() + " cells x " + copies + " replicas, cell ids suffixed " + rep.suffix(1) + " .. "
          + rep.suffix(copies));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot link the replicas of " + in + " under " + root, e);
    }
    return new BenchJob.Workload(source + " x" + copies + " (" + in + ")", rep, root, settings, copies);
  }

  /**
   * A synthetic fleet of {@code size} in the NASA layout under {@code <work-dir>/synthetic-<size>} (kept and reused
   * when a previous run generated the same spec), read by the {@code nasa} reader, optionally replicated.
   */
  public static BenchJob.Workload synthetic(Config config, BenchJob.Settings s, SyntheticSize size, int copies,
      Progress progress) {
    Config syn = s.synthetic();
    java.util.List<Double> temps = syn.getDoubleList("ambient-temperatures-c");
    long seed = syn.getLong("seed");
    Path dir = s.workDir().resolve("synthetic-" + size);
    try {
      double interval = sampleInterval(size, temps, seed, syn, s.workDir().resolve("synthetic-calibration"));
      FleetSpec spec = new FleetSpec(size.cells(), size.cycles(), temps, interval, seed);
      Path marker = dir.resolve("bench-spec.txt");
      String specLine = spec.toString();
      if (!Files.isRegularFile(marker) || !Files.readString(marker).equals(specLine)) {
        BenchJob.deleteTree(dir);
        progress.step(String.format(Locale.ROOT, "generating a SYNTHETIC fleet %s (sample interval %.3f s) in %s",
            size, interval, dir));
        SyntheticFleet.Summary sum = SyntheticFleet.write(spec, dir);
        Files.writeString(marker, specLine, StandardCharsets.UTF_8);
        progress.done(sum.operations() + " operations, " + sum.samples() + " samples ("
            + sum.samples() / Math.max(1, sum.operations()) + " per operation)");
      } else {
        progress.say("bench: reusing the SYNTHETIC fleet " + size + " in " + dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot generate the synthetic fleet in " + dir, e);
    }
    if (copies == 0) {
      return new BenchJob.Workload("synthetic " + size + " (SYNTHETIC, " + dir + ")", SourceReaders.byName("nasa"),
          dir, readerSettings(config, "nasa"), 1);
    }
    BenchJob.Workload w = real(config, s, "nasa", dir, copies, progress);
    return new BenchJob.Workload("synthetic " + size + " x" + copies + " (SYNTHETIC)", w.reader(), w.input(),
        w.readerSettings(), copies);
  }

  /**
   * The sample interval that gives about {@code size.samplesPerOperation()} samples per operation: a small fleet
   * ({@code calibration-cycles} cycles of one cell per ambient temperature) is generated at
   * {@code calibration-interval-s}, and the interval scaled by its mean samples per operation.
   */
  static double sampleInterval(SyntheticSize size, java.util.List<Double> temps, long seed, Config syn, Path dir)
      throws IOException {
    double calInterval = syn.getDouble("calibration-interval-s");
    int calCycles = Math.max(2, Math.min(size.cycles(), syn.getInt("calibration-cycles")));
    int calCells = Math.min(size.cells(), temps.size());
    BenchJob.deleteTree(dir);
    SyntheticFleet.Summary cal = SyntheticFleet.write(new FleetSpec(calCells, calCycles, temps, calInterval, seed),
        dir);
    BenchJob.deleteTree(dir);
    double perOp = cal.samples() / (double) cal.operations();
    double interval = calInterval * perOp / size.samplesPerOperation();
    if (!(interval > 0 && interval <= FleetSpec.MAX_SAMPLE_INTERVAL_S)) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, String.format(Locale.ROOT, "--synthetic %s: %d samples "
          + "per operation needs a sample interval of %.1f s, above the generator's limit of %.0f s; ask for more "
          + "samples", size, size.samplesPerOperation(), interval, FleetSpec.MAX_SAMPLE_INTERVAL_S));
    }
    return interval;
  }

  private static Config readerSettings(Config config, String source) {
    String path = "cyclelake.ingest." + source;
    return config.hasPath(path) ? config.getConfig(path) : ConfigFactory.empty();
  }
}
