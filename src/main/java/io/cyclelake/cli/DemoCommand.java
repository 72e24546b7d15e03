package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.ingest.synthetic.FleetSpec;
import io.cyclelake.ingest.synthetic.SyntheticFleet;
import io.cyclelake.jobs.Progress;
import io.cyclelake.lake.Lake;
import io.cyclelake.train.TrainJob;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "End to end: generate a SYNTHETIC fleet (or use --data), ingest, features, train, report.")
final class DemoCommand extends LakeCommand {
  @Option(names = "--data", paramLabel = "DIR",
      description = "Run on a NASA PCoE export (e.g. ../shared/data/nasa-pcoe) instead of synthetic data.")
  Path data;

  @Option(names = "--cells", paramLabel = "N", description = "Synthetic cells (default: cyclelake.demo.cells).")
  Integer cells;

  @Option(names = "--cycles", paramLabel = "N",
      description = "Synthetic cycles per cell (default: cyclelake.demo.cycles-per-cell).")
  Integer cycles;

  @Override
  int execute() throws Exception {
    long start = System.nanoTime();
    Config c = common.config();
    Progress p = new Progress(System.out);
    common.printConfig(System.out, "demo");
    Path input;
    List<String> trainCells;
    if (data == null) {
      Config d = c.getConfig("cyclelake.demo");
      FleetSpec spec = new FleetSpec(cells != null ? cells : d.getInt("cells"),
          cycles != null ? cycles : d.getInt("cycles-per-cell"), d.getDoubleList("ambient-temperatures-c"),
          d.getDouble("sample-interval-s"), d.getLong("seed"));
      input = Path.of(d.getString("data-dir")).toAbsolutePath();
      p.say("[1/5] generating a SYNTHETIC fleet (not measured data): " + spec.cells() + " cells x "
          + spec.cyclesPerCell() + " cycles at " + spec.ambientTemperaturesC() + " degC -> " + input);
      p.step("writing raw files in the NASA PCoE export layout");
      SyntheticFleet.Summary s = SyntheticFleet.write(spec, input);
      p.done(s.operations() + " operations, " + s.samples() + " samples");
      trainCells = List.of();
    } else {
      input = data.toAbsolutePath();
      p.say("[1/5] using the NASA PCoE export at " + input + " (real measured data)");
      trainCells = c.getStringList("cyclelake.demo.nasa-train-cells");
    }
    p.say("[2/5] ingest");
    IngestCommand.run(common, SourceReaders.byName("nasa"), input, Set.of(), false, p);
    p.say("[3/5] features");
    Lake lake = common.openLake();
    FeaturesCommand.run(common, lake, p);
    p.say("[4/5] train: SOH, xgboost, chronological split per cell" + (trainCells.isEmpty() ? ""
        : ", cells " + trainCells));
    TrainJob.Result r = TrainCommand.run(common, "soh", "xgboost", "chronological", trainCells, p);
    TrainCommand.print(r, System.out);
    p.say("[5/5] report");
    ReportCommand.latestRuns(lake, 3).print(System.out);
    Path datasetReport = ReportCommand.writeDataset(c, lake, null, null);
    Path runReport = ReportCommand.writeRun(c, lake, r.runId(), null);
    p.say("");
    p.say(String.format(Locale.ROOT, "demo finished in %.0f s. Data: %s%s", (System.nanoTime() - start) / 1e9, input,
        data == null ? " (SYNTHETIC)" : ""));
    p.say("lake: " + lake.root() + " -- look around with:");
    p.say("  jobs/cyclelake tables");
    p.say("  jobs/cyclelake sql \"select cell_id, count(*) as cycles, min(capacity_ah), max(capacity_ah) "
        + "from cycles where cycle_type = 'discharge' group by cell_id order by cell_id\"");
    p.say("  jobs/cyclelake report");
    p.say("dataset report: " + datasetReport);
    p.say("run report: " + runReport);
    return 0;
  }
}
