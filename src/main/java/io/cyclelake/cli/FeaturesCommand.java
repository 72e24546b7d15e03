package io.cyclelake.cli;

import io.cyclelake.features.FeaturesJob;
import io.cyclelake.jobs.Progress;
import picocli.CommandLine.Command;

@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Compute per-cycle summary features of every charge and discharge into cycle_features.")
final class FeaturesCommand extends LakeCommand {
  @Override
  int execute() {
    common.printConfig(System.out, "features");
    FeaturesJob.run(common.openLake(), common.config().getStringList("cyclelake.features.cycle-types"),
        new Progress(System.out));
    return 0;
  }
}
