package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.features.telemetry.TelemetryAggregateJob;
import io.cyclelake.ingest.telemetry.TelemetryIngestJob;
import io.cyclelake.ingest.telemetry.TelemetryReader;
import io.cyclelake.ingest.telemetry.TelemetryReaders;
import io.cyclelake.ingest.telemetry.synthetic.TelemetryGenerator;
import io.cyclelake.jobs.Progress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Inverter telemetry (issue 8): generate, aggregate, features and labels, train. Ingest is {@code ingest --source inverter}. */
@Command(name = "telemetry", mixinStandardHelpOptions = true,
    description = "Inverter overheating early warning: synthetic logs, 1 Hz aggregation, labels/features, models.",
    subcommands = {TelemetryCommand.Generate.class, TelemetryCommand.Aggregate.class})
final class TelemetryCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code ingest --source <telemetry reader>}: called by {@link IngestCommand}. */
  static TelemetryIngestJob.Result ingest(Common common, String source, Path input, boolean force,
      Progress progress) {
    long start = System.nanoTime();
    Config c = common.config();
    TelemetryReader reader = TelemetryReaders.byName(source).configured(c.getConfig("cyclelake.ingest." + source));
    TelemetryIngestJob.Result r = TelemetryIngestJob.run(common.openLake(), reader, input, force, progress);
    progress.say(String.format(Locale.ROOT, "ingest: files %d read (%d failed), %d unchanged (skipped), %d gone "
            + "from the input; %d lines read = %d rows accepted + %d quarantined; %.1f s", r.filesRead(),
        r.filesFailed(), r.filesUnchanged(), r.filesRemoved().size(), r.linesRead(), r.accepted(), r.quarantined(),
        (System.nanoTime() - start) / 1e9));
    if (!r.devices().isEmpty()) {
      progress.say(String.format(Locale.ROOT, "telemetry_raw for devices %s: %d rows = %d distinct (device, time) "
          + "samples + %d rows repeated by overlapping files (counted once by `telemetry aggregate`)", r.devices(),
          r.rawRows(), r.distinctSamples(), r.overlapRows()));
    }
    if (r.quarantined() > 0) {
      progress.say("ingest: " + r.quarantined() + " rows are in the quarantine table with file, line, column and "
          + "rule; see `cyclelake sql \"select source_file, source_line, column_name, rule, message from quarantine "
          + "where source = '" + source + "'\"`");
    }
    return r;
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write SYNTHETIC inverter logs (thermal RC network, load profiles, coolant faults) in messy "
          + "logger layouts (settings: cyclelake.telemetry.generate).")
  static final class Generate implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the logs to.")
    Path out;

    @Option(names = "--devices", paramLabel = "N") Integer devices;

    @Option(names = "--hours", paramLabel = "H") Double hours;

    @Option(names = "--seed", paramLabel = "N") Long seed;

    @Override
    public Integer call() {
      Config g = common.config().getConfig("cyclelake.telemetry.generate");
      TelemetryGenerator.Spec s = new TelemetryGenerator.Spec(devices != null ? devices : g.getInt("devices"),
          hours != null ? hours : g.getDouble("hours"), Instant.parse(g.getString("start")),
          g.getDouble("sample-interval-s"), g.getInt("part-minutes"), g.getInt("bad-rows-per-file"),
          g.getDouble("faults-per-hour"), seed != null ? seed : g.getLong("seed"));
      TelemetryGenerator.Result r = TelemetryGenerator.write(out, s);
      print(r, out, System.out);
      return 0;
    }

    static void print(TelemetryGenerator.Result r, Path out, PrintStream o) {
      o.printf(Locale.ROOT, "generated SYNTHETIC telemetry in %s: %d files, %d data lines = %d distinct samples + "
          + "%d lines repeated in overlapping files; %d n/a values planted (see PROVENANCE.md, events.tsv)%n", out,
          r.files().size(), r.dataLines(), r.distinctSamples(), r.overlapLines(), r.badValues().size());
    }
  }

  @Command(name = "aggregate", mixinStandardHelpOptions = true,
      description = "telemetry_raw -> telemetry_1hz: mean/min/max per device and second, repeated samples counted "
          + "once, gaps marked (gap = true, null values), never filled.")
  static final class Aggregate extends LakeCommand {
    @Override
    int execute() {
      common.printConfig(System.out, "telemetry aggregate");
      run(common, new Progress(System.out));
      return 0;
    }

    static TelemetryAggregateJob.Result run(Common common, Progress progress) {
      progress.step("aggregating telemetry_raw to 1 Hz");
      TelemetryAggregateJob.Result r = TelemetryAggregateJob.run(common.openLake(),
          common.config().getInt("cyclelake.telemetry.aggregate.max-gap-s"));
      progress.done(String.format(Locale.ROOT, "telemetry_1hz: %d rows (%d gap rows) in %d segments; from %d raw "
          + "rows, %d repeated samples counted once (%d of them with other values; the first file's kept)",
          r.rows(), r.gapRows(), r.segments(), r.rawRows(), r.duplicates(), r.conflicts()));
      return r;
    }
  }
}
