package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.jobs.Progress;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reprocess", mixinStandardHelpOptions = true,
    description = "For schedulers: ingest the new or changed files of every input in cyclelake.ingest.inputs, "
        + "then compute the features that are missing.")
final class ReprocessCommand extends LakeCommand {
  @Option(names = "--no-features", description = "Only ingest.")
  boolean noFeatures;

  @Override
  int execute() {
    Config c = common.config();
    common.printConfig(System.out, "reprocess");
    List<? extends Config> inputs = c.getConfigList("cyclelake.ingest.inputs");
    if (inputs.isEmpty()) {
      throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "cyclelake.ingest.inputs is empty; list the folders to "
          + "reprocess, e.g. inputs = [{ source = nasa, path = \"/data/raw/nasa-pcoe\" }]");
    }
    Progress p = new Progress(System.out);
    int changed = 0;
    for (Config in : inputs) {
      String source = in.getString("source");
      Path path = Path.of(in.getString("path"));
      p.say("reprocess: " + source + " " + path);
      List<String> cells = in.hasPath("cells") ? in.getStringList("cells") : List.of();
      IngestJob.Result r = IngestCommand.run(common, SourceReaders.byName(source), path, new LinkedHashSet<>(cells),
          false, p);
      changed += r.filesChanged();
    }
    if (!noFeatures) {
      FeaturesCommand.run(common, common.openLake(), p);
    }
    p.say("reprocess: " + changed + " files read across " + inputs.size() + " inputs");
    return 0;
  }
}
