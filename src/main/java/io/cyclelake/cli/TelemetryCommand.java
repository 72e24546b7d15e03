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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Inverter telemetry (issue 8): generate, aggregate, features and labels, train. Ingest is {@code ingest --source inverter}. */
@Command(name = "telemetry", mixinStandardHelpOptions = true,
    description = "Inverter overheating early warning: synthetic logs, 1 Hz aggregation, labels/features, models.",
    subcommands = {TelemetryCommand.Generate.class, TelemetryCommand.Aggregate.class, TelemetryCommand.Features.class,
        TelemetryCommand.Train.class, TelemetryCommand.EvaluateDerating.class, TelemetryCommand.Demo.class,
        TelemetryCommand.Qa.class})
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
      String written = r.full() ? "all " + r.deviceDaysWritten() + " device-days aggregated"
          : r.deviceDaysWritten() + r.deviceDaysDeleted() == 0 ? "nothing new: " + r.deviceDaysUnchanged()
          + " device-days unchanged, no table was written"
          : r.deviceDaysWritten() + " device-days aggregated again, " + r.deviceDaysDeleted() + " deleted, "
          + r.deviceDaysUnchanged() + " unchanged";
      progress.done(String.format(Locale.ROOT, "telemetry_1hz: %d rows (%d gap rows) in %d segments; from %d raw "
          + "rows; %s; %d repeated samples counted once in them (%d of them with other values; the first file's "
          + "kept)", r.rows(), r.gapRows(), r.segments(), r.rawRows(), written, r.duplicates(), r.conflicts()));
      return r;
    }
  }

  @Command(name = "features", mixinStandardHelpOptions = true,
      description = "telemetry_1hz -> telemetry_labels: overheat within H s, delta_t_30s, windowed features (past only).")
  static final class Features extends LakeCommand {
    @Override
    int execute() {
      common.printConfig(System.out, "telemetry features");
      run(common, new Progress(System.out));
      return 0;
    }

    static io.cyclelake.features.telemetry.TelemetryFeaturesJob.Result run(Common common, Progress progress) {
      Config l = common.config().getConfig("cyclelake.telemetry.labels");
      progress.step("labels and features from telemetry_1hz");
      var r = io.cyclelake.features.telemetry.TelemetryFeaturesJob.run(common.openLake(),
          new io.cyclelake.features.telemetry.TelemetryFeaturesJob.Settings(l.getStringList("temperature-channels"),
              l.getDouble("threshold-c"), l.getInt("horizon-s")));
      progress.done(String.format(Locale.ROOT, "telemetry_labels: %d rows, %d labelled overheat (> %.1f degC within "
          + "%d s), %d with an unknown label (horizon past the data or over a gap), %d overheating now", r.rows(),
          r.positives(), l.getDouble("threshold-c"), l.getInt("horizon-s"), r.unknownLabels(), r.overheatingNow()));
      return r;
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Overheat classifier and delta_t_30s regressor beside their baselines, chronological split; "
          + "writes telemetry_runs and <lake>/_runs/<run_id>/telemetry-overheat.model.")
  static final class Train extends LakeCommand {
    @Override
    int execute() {
      common.printConfig(System.out, "telemetry train");
      run(common, new Progress(System.out), System.out);
      return 0;
    }

    static io.cyclelake.train.telemetry.OverheatTrainJob.Result run(Common common, Progress progress, PrintStream out) {
      var r = io.cyclelake.train.telemetry.OverheatTrainJob.run(common.openLake(), common.config(), progress);
      out.printf(Locale.ROOT, "run %s (%s); split: train %d rows before %s, validation %d, test %d rows after %s "
          + "(+ embargo)%n", r.runId(), r.modelPath(), r.trainRows(), r.t1(), r.validationRows(), r.testRows(), r.t2());
      io.cyclelake.report.TextTable c = new io.cyclelake.report.TextTable(List.of("task", "role", "model", "n",
          "positives", "roc_auc", "pr_auc", "threshold", "precision", "recall", "events", "warned", "mean_lead_s",
          "false_alarms_per_h"));
      io.cyclelake.report.TextTable d = new io.cyclelake.report.TextTable(List.of("task", "role", "model", "n",
          "mae_c", "rmse_c"));
      for (var m : r.test()) {
        if (m.cls() != null) {
          c.add(List.of(m.task(), m.role(), m.model(), m.cls().n(), m.cls().positives(), m.cls().rocAuc(),
              m.cls().prAuc(), m.cls().threshold(), m.cls().precision(), m.cls().recall(), m.lead().events(),
              m.lead().warned(), m.lead().meanLeadS(), m.lead().falseAlarmsPerHour()));
        } else {
          d.add(List.of(m.task(), m.role(), m.model(), m.reg().n(), m.reg().mae(), m.reg().rmse()));
        }
      }
      out.println("test part (held-out later period):");
      c.print(out);
      d.print(out);
      return r;
    }
  }

  /** The run's saved model ({@code latest} = the newest run in telemetry_runs). */
  static io.cyclelake.predict.telemetry.OverheatModel loadModel(Common common, io.cyclelake.lake.Lake lake,
      String run) {
    String id = run;
    if (run == null || run.equals("latest")) {
      var rows = lake.read(io.cyclelake.schema.Tables.TELEMETRY_RUNS, "telemetry train")
          .orderBy(org.apache.spark.sql.functions.col("created_at").desc()).select("run_id").takeAsList(1);
      id = rows.isEmpty() ? null : rows.get(0).getString(0);
      if (id == null) {
        throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.TABLE_MISSING,
            "telemetry_runs has no run; run `cyclelake telemetry train` first");
      }
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(lake.root() + "/"
        + common.config().getString("cyclelake.lake.runs-dir") + "/" + id + "/"
        + io.cyclelake.predict.telemetry.OverheatModel.FILE);
    try {
      var fs = p.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.INPUT_MISSING, "run " + id
            + " has no telemetry model at " + p + "; see `cyclelake sql \"select distinct run_id from telemetry_runs\"`");
      }
      try (var in = fs.open(p)) {
        return io.cyclelake.predict.telemetry.OverheatModel.read(in.readAllBytes());
      }
    } catch (java.io.IOException e) {
      throw new io.cyclelake.errors.CycleLakeException(io.cyclelake.errors.ErrorCode.INPUT_MALFORMED,
          "cannot read " + p + ": " + e.getMessage(), null, e);
    }
  }

  static io.cyclelake.predict.telemetry.Derating derating(Config c, io.cyclelake.predict.telemetry.OverheatModel m) {
    Config d = c.getConfig("cyclelake.telemetry.derating");
    return new io.cyclelake.predict.telemetry.Derating(m.thresholdC(), d.getDouble("margin-c"), d.getInt("step-pct"),
        d.getInt("min-pct"), d.getDouble("loss-exponent"), d.getDouble("rated-power-kw"));
  }

  @Command(name = "evaluate-derating", mixinStandardHelpOptions = true,
      description = "Closed-loop evaluation of the derating advice on generated scenarios (other seeds than the "
          + "training logs): overheating events with and without the advice, energy curtailed.")
  static final class EvaluateDerating extends LakeCommand {
    @Option(names = "--run", paramLabel = "ID", description = "Run whose models advise (default: latest).")
    String run;

    @Override
    int execute() {
      common.printConfig(System.out, "telemetry evaluate-derating");
      run(common, run, new Progress(System.out), System.out);
      return 0;
    }

    static io.cyclelake.predict.telemetry.DeratingEvaluation.Outcome run(Common common, String run,
        Progress progress, PrintStream out) {
      Config c = common.config();
      var lake = common.openLake();
      var model = loadModel(common, lake, run);
      var loaded = model.load(lake);
      var derating = derating(c, model);
      Config g = c.getConfig("cyclelake.telemetry.generate");
      Config d = c.getConfig("cyclelake.telemetry.derating");
      var scenarios = io.cyclelake.predict.telemetry.DeratingEvaluation.scenarios(d.getInt("evaluate-devices"),
          d.getDouble("evaluate-hours"), g.getDouble("faults-per-hour"), g.getLong("seed"));
      var total = new io.cyclelake.predict.telemetry.DeratingEvaluation.Outcome(0, 0, 0, 0, 0, 0, 0, 0, 0);
      io.cyclelake.report.TextTable t = new io.cyclelake.report.TextTable(List.of("scenario", "events_without",
          "events_with_advice", "s_above_without", "s_above_with", "self_derating_without", "self_derating_with",
          "energy_kwh", "curtailed_kwh", "curtailed_pct", "s_limited"));
      int k = 0;
      for (var sc : scenarios) {
        progress.step("simulating scenario " + (++k) + " of " + scenarios.size() + " with and without the advice");
        var o = io.cyclelake.predict.telemetry.DeratingEvaluation.run(sc, loaded, derating,
            c.getInt("cyclelake.telemetry.train.event-separation-s"), d.getInt("decision-interval-s"));
        progress.done("scenario " + k);
        t.add(List.of(k, o.eventsBaseline(), o.eventsAdvised(), o.secondsAboveBaseline(), o.secondsAboveAdvised(),
            o.selfDeratingBaseline(), o.selfDeratingAdvised(), o.energyBaselineKwh(), o.curtailedKwh(),
            o.curtailedPct(), o.secondsLimited()));
        total = total.plus(o);
      }
      t.add(List.of("all", total.eventsBaseline(), total.eventsAdvised(), total.secondsAboveBaseline(),
          total.secondsAboveAdvised(), total.selfDeratingBaseline(), total.selfDeratingAdvised(),
          total.energyBaselineKwh(), total.curtailedKwh(), total.curtailedPct(), total.secondsLimited()));
      out.println("derating advice of run " + model.runId() + " in closed loop (SYNTHETIC scenarios, "
          + d.getDouble("evaluate-hours") + " h each):");
      t.print(out);
      out.printf(Locale.ROOT, "overheating events avoided: %d of %d; energy curtailed: %.2f kWh of %.2f kWh (%.2f %%)%n",
          total.eventsBaseline() - total.eventsAdvised(), total.eventsBaseline(), total.curtailedKwh(),
          total.energyBaselineKwh(), total.curtailedPct());
      return total;
    }
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Generate SYNTHETIC logs, ingest, aggregate, features, train, evaluate the derating advice, and "
          + "predict on a new generated log.")
  static final class Demo extends LakeCommand {
    @Option(names = "--data", paramLabel = "DIR", description = "Where the logs are written (default telemetry-demo-data).")
    Path data = Path.of("telemetry-demo-data");

    @Override
    int execute() throws Exception {
      long t0 = System.nanoTime();
      Progress p = new Progress(System.out);
      Config g = common.config().getConfig("cyclelake.telemetry.generate");
      TelemetryGenerator.Spec s = new TelemetryGenerator.Spec(g.getInt("devices"), g.getDouble("hours"),
          Instant.parse(g.getString("start")), g.getDouble("sample-interval-s"), g.getInt("part-minutes"),
          g.getInt("bad-rows-per-file"), g.getDouble("faults-per-hour"), g.getLong("seed"));
      Path logs = data.resolve("logs");
      Generate.print(TelemetryGenerator.write(logs, s), logs, System.out);
      ingest(common, "inverter", logs, false, p);
      Aggregate.run(common, p);
      Features.run(common, p);
      var r = Train.run(common, p, System.out);
      EvaluateDerating.run(common, r.runId(), p, System.out);
      Path fresh = data.resolve("new-log");
      // A new log, never seen in training: the same device profiles with another seed and more coolant faults.
      TelemetryGenerator.write(fresh, new TelemetryGenerator.Spec(g.getInt("devices"), 1.5,
          Instant.parse(g.getString("start")), g.getDouble("sample-interval-s"), 120, 0, 2.0, g.getLong("seed") + 99));
      PredictCommand.overheat(common, r.runId(), List.of(fresh), null, p);
      System.out.printf(Locale.ROOT, "telemetry demo finished in %.0f s%n", (System.nanoTime() - t0) / 1e9);
      return 0;
    }
  }

  @Command(name = "qa", mixinStandardHelpOptions = true,
      description = "Quality of the telemetry per device and channel: rows, missing values, ranges, gap seconds, "
          + "quarantined rows (from telemetry_raw, telemetry_1hz and quarantine); also in `report --dataset`.")
  static final class Qa extends LakeCommand {
    @Override
    int execute() {
      io.cyclelake.report.TelemetryQa qa = io.cyclelake.report.TelemetryQa.of(common.openLake());
      System.out.println("telemetry per device:");
      print(qa.deviceHeader(), qa.devices());
      System.out.println("telemetry per device and channel (missing = rows without a value for the channel):");
      print(qa.channelHeader(), qa.channels());
      return 0;
    }

    private static void print(List<String> header, List<List<Object>> rows) {
      io.cyclelake.report.TextTable t = new io.cyclelake.report.TextTable(header);
      for (List<Object> r : rows) t.add(r);
      t.print(System.out);
    }
  }
}
