package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.eval.RegressionMetrics;
import io.cyclelake.ingest.telemetry.TelemetryReader;
import io.cyclelake.ingest.telemetry.TelemetryReaders;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.predict.soh.SohPredictJob;
import io.cyclelake.predict.telemetry.OverheatModel;
import io.cyclelake.predict.telemetry.OverheatPredictor;
import io.cyclelake.report.TextTable;
import io.cyclelake.schema.Tables;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Predict with a saved run, by task:",
        "  soh: SOH of the lake's discharges (labelled or not) of --cells with the model a tabular sweep or `train` "
            + "saved for --run, to the Delta table soh_predictions and optionally a CSV (--out); prints n and, "
            + "where labels exist, MAE and RMSE.",
        "  overheat: score new logs (--input) with a `telemetry train` run: timestamped probabilities, warnings, "
            + "delta-T forecasts and derating advice, to the Delta table telemetry_predictions and a CSV file."})
final class PredictCommand extends LakeCommand {
  /** A prediction task: what `predict --task NAME` runs. */
  private interface Task {
    void run(PredictCommand c) throws IOException;
  }

  /** The tasks by name. */
  private static final Map<String, Task> TASKS = new TreeMap<>(Map.of(
      "soh", PredictCommand::soh,
      "overheat", PredictCommand::overheat));

  @Option(names = "--task", required = true, paramLabel = "NAME", description = "soh | overheat")
  String task;

  @Option(names = "--run", paramLabel = "ID", description = "soh: a run of a tabular sweep or of train (runs.run_id, "
      + "required); overheat: a run of `telemetry train` (default: latest).")
  String run;

  @Option(names = "--cells", split = ",", paramLabel = "ID", description = "soh: cells to predict (default: all).")
  List<String> cells;

  @Option(names = "--input", split = ",", paramLabel = "PATH",
      description = "overheat (required): log files or folders (read by --source's reader, default inverter).")
  List<Path> input;

  @Option(names = "--source", paramLabel = "NAME", description = "overheat: telemetry reader (default: inverter).")
  String source = "inverter";

  @Option(names = "--out", paramLabel = "FILE", description = "CSV file (soh: none unless given; overheat default: "
      + "<report.dir>/predictions-overheat-<run>.csv).")
  Path out;

  @Override
  int execute() throws IOException {
    Task t = TASKS.get(task);
    if (t == null) {
      throw new CycleLakeException(ErrorCode.UNKNOWN_NAME, "no prediction task named '" + task + "'; known: "
          + String.join(", ", TASKS.keySet()));
    }
    common.printConfig(System.out, "predict");
    t.run(this);
    return 0;
  }

  private void soh() throws IOException {
    if (run == null) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "predict --task soh needs --run ID, a run of a tabular "
          + "sweep or of train (`cyclelake sql \"select distinct run_id, sweep_id, model, fold from runs\"`)");
    }
    SohPredictJob.Result r = SohPredictJob.run(common.openLake(), common.config(), run,
        cells == null ? List.of() : cells, out, new Progress(System.out));
    print(r, System.out);
  }

  static void print(SohPredictJob.Result r, PrintStream out) {
    long labelled = r.predictions().stream().filter(p -> p.actual() != null).count();
    out.printf(Locale.ROOT, "predict %s: run %s (%s), %d discharges (%d labelled, %d unlabelled) appended to %s%s%n",
        r.predictId(), r.runId(), r.model(), r.predictions().size(), labelled, r.predictions().size() - labelled,
        Tables.SOH_PREDICTIONS, r.csv() == null ? "" : " and written to " + r.csv());
    out.println("input table versions: " + r.inputVersions());
    TextTable t = new TextTable(List.of("cell", "n", "labelled", "mae", "rmse"));
    r.perCell().forEach((cell, m) -> t.add(Arrays.asList(cell, r.predictions().stream()
        .filter(p -> p.cell().equals(cell)).count(), m == null ? 0L : m.n(), m == null ? null : m.mae(),
        m == null ? null : m.rmse())));
    RegressionMetrics all = r.labelled();
    t.add(Arrays.asList("*", (long) r.predictions().size(), labelled, all == null ? null : all.mae(),
        all == null ? null : all.rmse()));
    t.print(out);
  }

  private void overheat() throws IOException {
    if (input == null || input.isEmpty()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "predict --task overheat needs --input PATH (log files "
          + "or folders)");
    }
    overheat(common, run, input, out, new Progress(System.out), source);
  }

  static Path overheat(Common common, String run, List<Path> inputs, Path out, Progress progress) throws IOException {
    return overheat(common, run, inputs, out, progress, "inverter");
  }

  static Path overheat(Common common, String run, List<Path> inputs, Path out, Progress progress, String source)
      throws IOException {
    Config c = common.config();
    Lake lake = common.openLake();
    OverheatModel model = TelemetryCommand.loadModel(common, lake, run);
    OverheatModel.Loaded loaded = model.load(lake);
    TelemetryReader reader = TelemetryReaders.byName(source).configured(c.getConfig("cyclelake.ingest." + source));
    List<Row> rows = new ArrayList<>();
    Path csv = out != null ? out : Path.of(c.getString("cyclelake.report.dir"))
        .resolve("predictions-overheat-" + model.runId() + ".csv");
    if (csv.getParent() != null) Files.createDirectories(csv.getParent());
    long warnings = 0;
    long limited = 0;
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("run_id,device_id,ts,temp_hottest_c,overheat_probability,warning,delta_t_30s_pred_c,"
          + "recommended_power_limit_pct,advice,source\n");
      for (Path in : inputs) {
        progress.step("scoring " + in + " with run " + model.runId());
        OverheatPredictor.Result r = OverheatPredictor.score(reader, in, loaded, TelemetryCommand.derating(c, model),
            c.getInt("cyclelake.telemetry.aggregate.max-gap-s"));
        String src = in.toAbsolutePath().normalize().toString();
        for (OverheatPredictor.Prediction p : r.predictions()) {
          Instant t = Instant.ofEpochSecond(p.second());
          rows.add(RowFactory.create(model.runId(), p.device(), Timestamp.from(t), nan(p.hottestC()),
              nan(p.probability()), p.warning(), nan(p.deltaT30C()), p.advice().limitPct(), p.advice().text(), src));
          w.write(String.format(Locale.ROOT, "%s,%s,%s,%.2f,%.4f,%s,%.3f,%d,\"%s\",%s%n", model.runId(), p.device(),
              t, p.hottestC(), p.probability(), p.warning(), p.deltaT30C(), p.advice().limitPct(), p.advice().text(),
              src));
          if (p.warning()) warnings++;
          if (p.advice().limitPct() < 100) limited++;
        }
        progress.done(String.format(Locale.ROOT, "%d lines read = %d rows accepted + %d rejected (%s); %d seconds "
                + "scored", r.linesRead(), r.accepted(), r.quarantined().size(),
            r.quarantined().isEmpty() ? "none" : r.quarantined().get(0).sourceFile() + ":"
                + r.quarantined().get(0).sourceLine() + " " + r.quarantined().get(0).rule() + ", ...",
            r.predictions().size()));
      }
    }
    lake.append(lake.spark().createDataFrame(rows, Tables.TELEMETRY_PREDICTIONS_SCHEMA), Tables.TELEMETRY_PREDICTIONS);
    progress.say(String.format(Locale.ROOT, "predict: %d timestamped predictions (%d warnings, %d seconds with a "
        + "power limit advised) appended to telemetry_predictions and written to %s", rows.size(), warnings, limited,
        csv));
    return csv;
  }

  private static Object nan(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
