package io.cyclelake.cli;

import io.cyclelake.errors.ErrorCode;
import io.cyclelake.jobs.Progress;
import io.cyclelake.model.sequence.SequenceSweepJob;
import io.cyclelake.model.sequence.SequenceSweepReport;
import io.cyclelake.report.TextTable;
import io.cyclelake.sweep.SweepJob;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = "Run a sweep (models x hyperparameter grid x folds of a split, one Spark task per spec and fold) "
        + "described by cyclelake.sweep, e.g. --conf conf/sweeps/nasa-loco.conf; record runs, fold_metrics, "
        + "predictions and feature_importance. Sweeps of sequence models (lstm, ...) train on per-discharge "
        + "sequences (cyclelake.sequence) and write runs, fold_metrics and predictions.")
final class SweepCommand extends LakeCommand {
  @Override
  int execute() {
    common.printConfig(System.out, "sweep");
    if (SequenceSweepJob.handles(common.config())) {
      SequenceSweepJob.Result q = SequenceSweepJob.run(common.openLake(), common.config(), new Progress(System.out));
      SequenceSweepReport.print(q, common.config(), System.out);
      return q.failed() == q.tasks() ? ErrorCode.JOB_FAILED.exitCode() : 0;
    }
    SweepJob.Result r = SweepJob.run(common.openLake(), common.config(), new Progress(System.out));
    print(r, System.out);
    if (common.config().getBoolean("cyclelake.report.cards.on-sweep")) {
      CardsCommand.write(common.config(), common.openLake(), r.sweepId(), null, null);
    }
    return 0;
  }

  static void print(SweepJob.Result r, PrintStream out) {
    out.printf("sweep %s: %d tasks, %d failed, %.1f s%n", r.sweepId(), r.tasks(), r.failed(), r.seconds());
    out.println("test metrics per spec, mean ± sd over folds (coverage of the conformal interval on test):");
    TextTable t = new TextTable(List.of("spec", "model", "folds", "failed", "mae", "mae_sd", "rmse", "r2",
        "coverage", "params"));
    for (SweepJob.SpecSummary s : r.specs()) {
      t.add(List.of(s.specIndex(), s.model(), s.folds(), s.failed(), s.maeMean(), s.maeSd(), s.rmseMean(),
          s.r2Mean(), s.coverageMean(), s.params()));
    }
    t.print(out);
    // What the label task left out (also in label_exclusions), repeated under the table.
    r.labels().lines().forEach(out::println);
  }
}
