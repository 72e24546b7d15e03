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
    run(common, common.openLake(), new Progress(System.out));
    return 0;
  }

  static FeaturesJob.Result run(Common common, io.cyclelake.lake.Lake lake, Progress progress) {
    com.typesafe.config.Config f = common.config().getConfig("cyclelake.features");
    return FeaturesJob.run(lake, f.getStringList("cycle-types"),
        io.cyclelake.features.IcaAnalysis.Settings.of(f.getConfig("ica")),
        io.cyclelake.config.ConfigRender.hash(common.config(), "cyclelake.features"), progress);
  }
}
