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
        + "then compute the features that are missing.",
    footer = {"", "Exit codes: 0 done (also when there was nothing new: no table is written then); "
        + "3 some files could not be read (what could be read of them is in, as are the other files, and the "
        + "features were computed; the files table says why, and the next run reads them again); 2 configuration error; 3 an input folder "
        + "is missing; 10 any other failure. A non-zero exit always prints a message."})
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
    List<String> failed = new java.util.ArrayList<>();
    for (Config in : inputs) {
      String source = in.getString("source");
      Path path = Path.of(in.getString("path"));
      p.say("reprocess: " + source + " " + path);
      List<String> cells = in.hasPath("cells") ? in.getStringList("cells") : List.of();
      IngestJob.Result r = IngestCommand.run(common, SourceReaders.byName(source), path, new LinkedHashSet<>(cells),
          false, p);
      changed += r.filesChanged();
      if (r.filesFailed() > 0) failed.add(r.filesFailed() + " of " + source + " " + path);
    }
    if (!noFeatures) {
      FeaturesCommand.run(common, common.openLake(), p);
    }
    p.say("reprocess: " + changed + " files read across " + inputs.size() + " inputs");
    if (!failed.isEmpty()) {
      System.err.println("cyclelake: error [" + ErrorCode.INPUT_MALFORMED + "]: reprocess: files failed ("
          + String.join("; ", failed) + "); the other files were ingested. Why: cyclelake sql \"select path, error "
          + "from files where status = 'failed'\"");
      return ErrorCode.INPUT_MALFORMED.exitCode();
    }
    return 0;
  }
}
