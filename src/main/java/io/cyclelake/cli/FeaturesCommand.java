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
    return FeaturesJob.run(lake, f.getStringList("cycle-types"), ica(f.getConfig("ica")),
        io.cyclelake.config.ConfigRender.hash(common.config(), "cyclelake.features"), progress);
  }

  /** Binds {@code cyclelake.features.ica}. */
  static io.cyclelake.features.IcaAnalysis.Settings ica(com.typesafe.config.Config c) {
    return new io.cyclelake.features.IcaAnalysis.Settings(c.getDouble("grid-step-v"), c.getInt("smoothing-window"),
        c.getInt("smoothing-order"), c.getDouble("cc-current-fraction"), io.cyclelake.schema.Tables.ICA_PEAKS,
        c.getDouble("min-prominence-ah-per-v"));
  }
}
