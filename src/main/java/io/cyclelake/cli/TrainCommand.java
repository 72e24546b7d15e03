package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.eval.RegressionMetrics;
import io.cyclelake.jobs.Progress;
import io.cyclelake.report.TextTable;
import io.cyclelake.train.TrainJob;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a model on cycle_features, evaluate it on each part of a split, record it in runs.")
final class TrainCommand extends LakeCommand {
  @Option(names = "--task", paramLabel = "NAME", description = "Label task: soh | rul (default: cyclelake.train.task).")
  String task;

  @Option(names = "--model", paramLabel = "NAME", description = "xgboost | mllib-random-forest | mllib-gbt (default: cyclelake.train.model).")
  String model;

  @Option(names = "--split", paramLabel = "NAME", description = "chronological (default: cyclelake.train.split).")
  String split;

  @Option(names = "--cells", split = ",", paramLabel = "ID", description = "Cells to use (default: all labelled).")
  List<String> cells;

  @Override
  int execute() {
    common.printConfig(System.out, "train");
    TrainJob.Result r = run(common, task, model, split, cells, new Progress(System.out));
    print(r, System.out);
    if (common.config().getBoolean("cyclelake.report.cards.on-train")) {
      CardsCommand.writeRun(common.config(), common.openLake(), r.runId(), null);
    }
    return 0;
  }

  static TrainJob.Result run(Common common, String task, String model, String split, List<String> cells,
      Progress progress) {
    Config c = common.config();
    TrainJob.Request req = new TrainJob.Request(
        task != null ? task : c.getString("cyclelake.train.task"),
        model != null ? model : c.getString("cyclelake.train.model"),
        split != null ? split : c.getString("cyclelake.train.split"),
        cells != null ? cells : c.getStringList("cyclelake.train.cells"),
        c.getStringList("cyclelake.train.features"),
        c.getLong("cyclelake.train.seed"));
    return TrainJob.run(common.openLake(), c, req, progress);
  }

  static void print(TrainJob.Result r, PrintStream out) {
    out.println("run " + r.runId() + " (" + r.runJson() + ")");
    TextTable t = new TextTable(List.of("part", "n", "mae", "rmse", "mape_pct", "r2", "within_3pct", "within_5pct"));
    for (Map.Entry<String, RegressionMetrics> e : r.metrics().entrySet()) {
      RegressionMetrics m = e.getValue();
      t.add(List.of(e.getKey(), m.n(), m.mae(), m.rmse(), m.mapePct(), m.r2(), m.within3pct(), m.within5pct()));
    }
    t.print(out);
  }
}
