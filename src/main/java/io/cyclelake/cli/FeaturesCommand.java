package io.cyclelake.cli;

import io.cyclelake.features.FeaturesJob;
import io.cyclelake.jobs.Progress;
import picocli.CommandLine.Command;

@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Compute per-cycle summary, ICA/DVA and early-life features of every charge and discharge into"
        + " features_summary, features_ica, ica_curves and features_early_life.")
final class FeaturesCommand extends LakeCommand {
  @Override
  int execute() {
    common.printConfig(System.out, "features");
    run(common, common.openLake(), new Progress(System.out));
    return 0;
  }

  static FeaturesJob.Result run(Common common, io.cyclelake.lake.Lake lake, Progress progress) {
    return FeaturesJob.run(lake, common.config(), progress);
  }
}
