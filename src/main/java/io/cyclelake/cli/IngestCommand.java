package io.cyclelake.cli;

import com.typesafe.config.Config;
import io.cyclelake.ingest.IngestJob;
import io.cyclelake.ingest.SourceReader;
import io.cyclelake.ingest.SourceReaders;
import io.cyclelake.jobs.Progress;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Read raw cycler exports into the Delta tables timeseries, impedance, cycles and quarantine. "
        + "Rerunning on the same input changes nothing.")
final class IngestCommand extends LakeCommand {
  @Option(names = "--source", paramLabel = "NAME", description = "Reader (default: cyclelake.ingest.source).")
  String source;

  @Option(names = "--input", required = true, paramLabel = "DIR", description = "Folder of the export.")
  Path input;

  @Option(names = "--cells", split = ",", paramLabel = "ID", description = "Only these cells (default: all).")
  List<String> cells;

  @Option(names = "--force", description = "Read every file again, even those the manifest has seen unchanged.")
  boolean force;

  @Override
  int execute() {
    Config c = common.config();
    common.printConfig(System.out, "ingest");
    String name = source != null ? source : c.getString("cyclelake.ingest.source");
    if (io.cyclelake.ingest.telemetry.TelemetryReaders.has(name)) {
      TelemetryCommand.ingest(common, name, input, force, new Progress(System.out));
      return 0;
    }
    SourceReader reader = SourceReaders.byName(name);
    Set<String> only = new LinkedHashSet<>(cells != null ? cells : c.getStringList("cyclelake.ingest.cells"));
    run(common, reader, input, only, force, new Progress(System.out));
    return 0;
  }

  static IngestJob.Result run(Common common, SourceReader reader, Path input, Set<String> cells, boolean force,
      Progress progress) {
    long start = System.nanoTime();
    Config c = common.config();
    Config settings = c.hasPath("cyclelake.ingest." + reader.name())
        ? c.getConfig("cyclelake.ingest." + reader.name()) : com.typesafe.config.ConfigFactory.empty();
    // A rerun with nothing new is decided from the manifest's plain-text copy before Spark starts (the bulk of a
    // no-op's time otherwise); anything else goes through the Spark ingest.
    IngestJob.Result r = IngestJob.nothingNew(c.getString("cyclelake.lake.path"), reader, input, settings, cells,
            force, progress)
        .orElseGet(() -> IngestJob.run(common.openLake(), reader, input, settings, cells, force,
            io.cyclelake.ingest.ValidationRules.from(c), c.getBytes("cyclelake.ingest.split-bytes"), progress));
    progress.say(String.format(java.util.Locale.ROOT, "ingest: files %d read (%d failed), %d unchanged (skipped), "
            + "%d gone from the input; %d lines read = %d samples + %d impedance points + %d quarantined + %d listing "
            + "rows; %.1f s", r.filesChanged(), r.filesFailed(), r.filesUnchanged(), r.filesRemoved().size(),
        r.linesRead(), r.samples(), r.impedancePoints(), r.quarantined(),
        r.linesRead() - r.samples() - r.impedancePoints() - r.quarantined(), (System.nanoTime() - start) / 1e9));
    r.filesRemoved().forEach(f -> progress.say("ingest: in the manifest but gone from the input (rows kept): " + f));
    if (r.quarantined() > 0) {
      progress.say("ingest: " + r.quarantined() + " rows are in the quarantine table with the reason; see "
          + "`cyclelake sql \"select rule, count(*) from quarantine group by rule\"`");
    }
    return r;
  }
}
